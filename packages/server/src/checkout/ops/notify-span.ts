/**
 * One span and one counter point per notify: how verification went, whether `/query`
 * confirmed it, which transition it caused, and what was answered. The confirmation and the
 * transition are learnt from inside the notify's context (the gateway attempt reports and the
 * store mark it), which needs the SDK's context manager; without one those two attributes are
 * left out.
 */
import { context, createContextKey, SpanStatusCode } from '@opentelemetry/api'
import type { NotifyAnswer, NotifyHandler } from '../money/notifies.ts'
import type { OpsMonitor } from './monitor.ts'
import { attrs } from './telemetry.ts'

/** What the code running inside one notify tells its span. */
interface NotifyFacts {
  confirmation?: string
  transition?: string
}

const NOTIFY_FACTS = createContextKey('qfpay-checkout notify facts')

/** Called by the gateway attempt observer: a `/query` answered `0000` inside the current notify. */
export function markNotifyConfirmation(value: string): void {
  const facts = context.active().getValue(NOTIFY_FACTS) as NotifyFacts | undefined
  if (facts) facts.confirmation = value
}

/** Called by the store wrapper: the current notify moved a checkout to `status`. */
export function markNotifyTransition(status: string): void {
  const facts = context.active().getValue(NOTIFY_FACTS) as NotifyFacts | undefined
  if (facts) facts.transition = status
}

const REJECTED_SIGNATURES = new Set(['bad_signature', 'missing_signature'])

/** Wraps `handler.handle` in place with the span and the `qfpay.notifies` point. */
export function instrumentNotifies(handler: NotifyHandler, monitor: OpsMonitor): void {
  const handle = handler.handle.bind(handler)
  const { tracer, notifies } = monitor.telemetry
  handler.handle = (raw, signature) =>
    tracer.startActiveSpan('qfpay.notify', async (span) => {
      const facts: NotifyFacts = {}
      let answer: NotifyAnswer | undefined
      try {
        answer = await context.with(context.active().setValue(NOTIFY_FACTS, facts), () =>
          handle(raw, signature)
        )
        return answer
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR })
        throw error
      } finally {
        const reason = answer && !answer.ack ? answer.reason : undefined
        const outcome = !answer
          ? 'error'
          : answer.ack
            ? 'acknowledged'
            : answer.status === 400
              ? 'rejected'
              : 'retry'
        const confirmation =
          reason === 'not_confirmed_by_query'
            ? 'not_confirmed'
            : reason === 'confirm_failed'
              ? 'failed'
              : facts.confirmation
        const a = attrs({ 'qfpay.notify.outcome': outcome, 'qfpay.notify.reason': reason })
        span.setAttributes({
          ...a,
          'qfpay.notify.verification':
            reason && REJECTED_SIGNATURES.has(reason) ? reason : 'verified',
          ...attrs({
            'qfpay.notify.confirmation': confirmation,
            'qfpay.checkout.status': facts.transition,
          }),
        })
        span.end()
        notifies.add(1, a)
      }
    })
}
