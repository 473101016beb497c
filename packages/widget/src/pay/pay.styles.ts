/**
 * Styles of the states with a checkout (waiting, paid, failed, expired, cancelled), in the pay
 * chunk; the element adopts them after its own (qfpay-checkout.styles.ts, whose custom
 * properties they use) once the chunk is loaded.
 */
import { css } from 'lit'

export const payStyles = css`
  :disabled {
    cursor: progress;
    opacity: 0.7;
  }
  a {
    color: var(--_accent);
    border-color: var(--_accent);
    display: inline-flex;
    align-items: center;
    justify-content: center;
    text-align: center;
    text-decoration: none;
  }
  .amount {
    font-size: 1.5rem;
    font-weight: 700;
  }
  .goods,
  .countdown {
    color: var(--_muted);
  }
  .countdown {
    font-variant-numeric: tabular-nums;
  }
  .qr {
    justify-self: center;
    width: min(var(--qfpay-qr-size, 200px), 100%);
    aspect-ratio: 1;
    /* Scanners want dark modules on light, in dark mode too (fill is inherited: pin it). */
    background: #fff;
    fill: #000;
    border-radius: calc(var(--_radius) * 0.5);
    display: block;
  }
  .qr-pending {
    border: 1px dashed var(--_border);
    background: none;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .paid {
    color: var(--_success);
  }
  .failed {
    color: var(--_danger);
  }
`
