/**
 * Styles of `<qfpay-checkout>`. Custom properties are `--qfpay-*`, read with a fallback and
 * never declared on `:host`, so a merchant can set them on `:root` or on the element.
 * Lit adopts these as a constructable stylesheet: nothing inline for a strict CSP to block.
 * Written to stay small (the entry's 7 KB gzip budget): one focus rule, `p` margins reset once, `a` is always
 * the link button. What only the states with a checkout use comes with the pay chunk
 * (pay.styles.ts). The build strips comments and whitespace (vite.config.ts).
 */
import { css } from 'lit'

export const styles = css`
  :host {
    display: block;
    max-width: 100%;
  }
  :host([hidden]) {
    display: none;
  }
  * {
    box-sizing: border-box;
  }
  .base {
    --_text: var(--qfpay-text, #1f2328);
    --_muted: var(--qfpay-muted, #59636e);
    --_surface: var(--qfpay-surface, #fff);
    --_border: var(--qfpay-border, #d1d9e0);
    --_accent: var(--qfpay-accent, #0958d9);
    --_accent-text: var(--qfpay-accent-text, #fff);
    --_success: var(--qfpay-success, #1a7f37);
    --_danger: var(--qfpay-danger, #cf222e);
    --_radius: var(--qfpay-radius, 12px);
    font: var(
      --qfpay-font,
      1rem/1.5 system-ui,
      -apple-system,
      'Segoe UI',
      'PingFang SC',
      'Microsoft YaHei',
      sans-serif
    );
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: var(--qfpay-padding, 1rem);
    display: grid;
    gap: 0.75rem;
    min-width: 0;
    overflow-wrap: anywhere;
  }
  @media (prefers-color-scheme: dark) {
    .base {
      --_text: var(--qfpay-text, #e6edf3);
      --_muted: var(--qfpay-muted, #9198a1);
      --_surface: var(--qfpay-surface, #151b23);
      --_border: var(--qfpay-border, #3d444d);
      --_accent: var(--qfpay-accent, #4493f8);
      --_accent-text: var(--qfpay-accent-text, #0d1117);
      --_success: var(--qfpay-success, #3fb950);
      --_danger: var(--qfpay-danger, #f85149);
    }
  }
  p {
    margin: 0;
  }
  fieldset {
    border: 0;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.5rem;
    min-width: 0;
  }
  legend {
    font-weight: 600;
    padding: 0;
    margin-bottom: 0.5rem;
  }
  .method {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    padding: 0.75rem;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.66);
    cursor: pointer;
  }
  .method:has(:checked) {
    border-color: var(--_accent);
    box-shadow: inset 0 0 0 1px var(--_accent);
  }
  :focus-visible,
  .method:has(:focus-visible) {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .method input {
    accent-color: var(--_accent);
    margin: 0;
  }
  .method svg {
    flex: none;
  }
  button,
  a {
    font: inherit;
    color: var(--_text);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.66);
    min-height: 2.75rem;
    padding: 0.5rem 1rem;
    cursor: pointer;
    background: none;
  }
  .primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_accent-text);
    font-weight: 600;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
  .actions > * {
    flex: 1 1 8rem;
  }
  .status {
    font-weight: 600;
  }
  .status:focus {
    outline: none;
  }
  .error {
    color: var(--_danger);
  }
  .field {
    display: grid;
    gap: 0.25rem;
  }
  [type='text'] {
    font: inherit;
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.5);
    padding: 0.5rem 0.75rem;
    min-height: 2.75rem;
    width: 100%;
  }
`
