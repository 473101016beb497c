/**
 * Styles of `<qfpay-checkout>`. Custom properties are `--qfpay-*`, read with a fallback and
 * never declared on `:host`, so a merchant can set them on `:root` or on the element.
 * Lit adopts these as a constructable stylesheet: nothing inline for a strict CSP to block.
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
    --_surface: var(--qfpay-surface, #ffffff);
    --_border: var(--qfpay-border, #d1d9e0);
    --_accent: var(--qfpay-accent, #0958d9);
    --_accent-text: var(--qfpay-accent-text, #ffffff);
    --_success: var(--qfpay-success, #1a7f37);
    --_danger: var(--qfpay-danger, #cf222e);
    --_radius: var(--qfpay-radius, 12px);
    font: var(--qfpay-font, 1rem/1.5 system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', sans-serif);
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
  .method:has(input:checked) {
    border-color: var(--_accent);
    box-shadow: inset 0 0 0 1px var(--_accent);
  }
  .method:has(input:focus-visible) {
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
  .link {
    font: inherit;
    border-radius: calc(var(--_radius) * 0.66);
    min-height: 2.75rem;
    padding: 0.5rem 1rem;
    cursor: pointer;
  }
  button {
    border: 1px solid var(--_border);
    background: transparent;
    color: var(--_text);
  }
  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_accent-text);
    font-weight: 600;
  }
  button:focus-visible,
  a:focus-visible,
  input:focus-visible,
  [tabindex='-1']:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  button:disabled {
    cursor: progress;
    opacity: 0.7;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
  .actions > * {
    flex: 1 1 8rem;
  }
  a {
    color: var(--_accent);
  }
  .link {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    text-align: center;
    border: 1px solid var(--_accent);
    text-decoration: none;
  }
  .amount {
    font-size: 1.5rem;
    font-weight: 700;
    margin: 0;
  }
  .goods,
  .hint,
  .countdown {
    color: var(--_muted);
    margin: 0;
  }
  .countdown {
    font-variant-numeric: tabular-nums;
  }
  .qr {
    justify-self: center;
    width: min(var(--qfpay-qr-size, 200px), 100%);
    aspect-ratio: 1;
    /* Scanners want dark modules on light, in dark mode too. */
    background: #fff;
    border-radius: calc(var(--_radius) * 0.5);
    display: block;
  }
  .qr path {
    fill: #000;
  }
  .qr-pending {
    border: 1px dashed var(--_border);
    background: transparent;
  }
  .status {
    margin: 0;
    font-weight: 600;
  }
  .status:focus {
    outline: none;
  }
  .status.paid {
    color: var(--_success);
  }
  .status.error,
  .status.failed {
    color: var(--_danger);
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  label.field {
    display: grid;
    gap: 0.25rem;
  }
  input[type='text'] {
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
