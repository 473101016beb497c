/**
 * The console's health and reconciliation panel: a one-line summary of the shop mount's health
 * report (`GET /api/admin/health`, which calls `checkout.health()`), and the last daily
 * reconciliation's table, with a button that reconciles today (a UTC+8 day, as QFPay counts).
 */
import { byId } from './dom.ts'
import { api } from './shop-api.ts'

/** The parts of the health report the panel shows. */
interface Health {
  status: 'ok' | 'degraded' | 'down'
  problems: string[]
  store: { reachable: boolean; latencyMs: number }
  gateway: {
    lastSuccess: { at: string; endpoint?: string; code?: string } | null
    lastError: { at: string; endpoint?: string; code?: string } | null
  }
  reconciler: { backlog: number | null; lastRun: { at: string; ok: boolean } | null }
  outbox: { retriesSinceStart: number }
  eventStreams: { open: number }
}

/** The parts of a reconciliation report the panel shows. */
interface Reconciliation {
  date: string
  discrepancies: unknown[]
  fixed: number
  table: string
}

const summary = byId('health-summary')
const recSummary = byId('reconciliation-summary')
const recTable = byId('reconciliation-table')
const reconcileButton = byId('reconcile-today') as HTMLButtonElement

/** Wires the button and shows the last reconciliation; `refreshHealth` is called on each tick. */
export async function startOpsPanel(onError: (message: string) => void): Promise<void> {
  reconcileButton.addEventListener('click', () => {
    reconcileButton.disabled = true
    api<{ report: Reconciliation }>('/api/admin/reconciliation', { method: 'POST', body: {} })
      .then(({ report }) => showReconciliation(report))
      .catch((error: unknown) => onError(`Failed to reconcile: ${(error as Error).message}`))
      .finally(() => (reconcileButton.disabled = false))
  })
  const { report } = await api<{ report: Reconciliation | null }>('/api/admin/reconciliation')
  if (report) showReconciliation(report)
}

/** Reloads the health summary. */
export async function refreshHealth(): Promise<void> {
  const h = await api<Health>('/api/admin/health')
  const at = (iso: string) => new Date(iso).toLocaleTimeString()
  const ok = h.gateway.lastSuccess
  const err = h.gateway.lastError
  const parts = [
    `Health: ${h.status}`,
    h.store.reachable ? `store ${h.store.latencyMs} ms` : 'store unreachable',
    ok ? `gateway ok ${ok.endpoint} ${ok.code} at ${at(ok.at)}` : 'no gateway call yet',
    err ? `last gateway error ${err.endpoint} ${err.code} at ${at(err.at)}` : 'no gateway error',
    `reconciler backlog ${h.reconciler.backlog ?? '?'}`,
    `hook retries ${h.outbox.retriesSinceStart}`,
    `open streams ${h.eventStreams.open}`,
  ]
  summary.textContent = parts.join(' · ') + (h.problems.length ? ` — ${h.problems.join('; ')}` : '')
  summary.dataset['status'] = h.status
}

function showReconciliation(report: Reconciliation): void {
  const n = report.discrepancies.length
  recSummary.textContent = `${report.date} (UTC+8): ${n === 0 ? 'no discrepancies' : `${n} discrepanc${n === 1 ? 'y' : 'ies'}, ${report.fixed} fixed`}`
  recTable.textContent = report.table
  recTable.hidden = false
}
