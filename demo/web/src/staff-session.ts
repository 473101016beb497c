/**
 * Staff sign-in for the console and the cashier. The demo prints an admin token at start;
 * signing in with it sets an HttpOnly, SameSite=Strict cookie, which the merchant server's
 * admin routes and its cashier mount (`/qfpay-pos`, through `authorize`) accept. The printed
 * console URL carries the token in the fragment (`#token=…`), which browsers never send to a
 * server; this page posts it once and removes it from the address bar.
 */
import { byId } from './dom.ts'
import { api, ApiError } from './shop-api.ts'

/** Resolves once the browser holds a valid staff session, showing the sign-in form if needed. */
export async function requireStaff(): Promise<void> {
  const form = byId<HTMLFormElement>('sign-in-form')
  const panel = byId('sign-in')
  const error = byId('sign-in-error')

  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token')
  if (fromFragment) {
    history.replaceState(history.state, '', location.pathname + location.search)
    await signIn(fromFragment).catch(() => undefined)
  }
  if (await isSignedIn()) return

  panel.hidden = false
  await new Promise<void>((resolve) => {
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const token = String(new FormData(form).get('token') ?? '').trim()
      error.textContent = ''
      signIn(token).then(
        () => {
          panel.hidden = true
          resolve()
        },
        (e: unknown) => {
          error.textContent =
            e instanceof ApiError && e.status === 403
              ? 'That is not the admin token.'
              : `Failed to sign in: ${(e as Error).message}`
        }
      )
    })
  })
}

async function isSignedIn(): Promise<boolean> {
  try {
    await api('/api/admin/session')
    return true
  } catch {
    return false
  }
}

function signIn(token: string): Promise<unknown> {
  return api('/api/admin/session', { method: 'POST', body: { token } })
}

/** Ends the staff session. */
export function signOut(): Promise<unknown> {
  return api('/api/admin/session', { method: 'DELETE' })
}
