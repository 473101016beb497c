import { expect, waitUntil } from '@open-wc/testing'

/** Open the strict-CSP page (served by test/csp-merchant.mjs) in an iframe. */
async function openCspPage(src: 'dist' | 'src') {
  const frame = document.createElement('iframe')
  frame.style.width = '360px'
  frame.style.height = '640px'
  frame.src = `/csp-page.html?src=${src}`
  document.body.append(frame)
  await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }))
  const win = frame.contentWindow as Window & { __violations: string[] }
  const el = win.document.querySelector('qfpay-checkout') as HTMLElement & {
    state: string
    start(p: string): void
    checkout?: { id: string; payUrl?: string }
  }
  return { frame, win, el }
}

for (const src of ['dist', 'src'] as const) {
  describe(`<qfpay-checkout> under Content-Security-Policy: default-src 'self' (${src === 'dist' ? 'built define.js' : 'source'})`, () => {
    it('loads, draws the QR code and shows the payment without a single violation', async () => {
      const { frame, win, el } = await openCspPage(src)
      const root = () => el.shadowRoot!
      await waitUntil(() => el.state === 'choosing', `state ${el.state}`, { timeout: 5000 })
      el.start('800201')
      await waitUntil(() => root().querySelector('svg[part~=qr]'), 'QR not drawn', {
        timeout: 5000,
      })
      // Styles applied through an adopted stylesheet, not inline <style>.
      expect(root().adoptedStyleSheets.length).to.be.greaterThan(0)
      expect(win.getComputedStyle(root().querySelector('[part~=base]')!).display).to.equal('grid')
      await fetch(`/csp-merchant/checkouts/${el.checkout!.id}/pay`, { method: 'POST' })
      await waitUntil(() => el.state === 'paid', `state ${el.state}`, { timeout: 5000 })
      expect(win.__violations).to.deep.equal([])
      frame.remove()
    })

    // define.js bundles a trimmed Lit (vite.config.ts): event bindings, attributes in, reflected
    // attributes out.
    it('pays on a click, reads its attributes and reflects its properties', async () => {
      const { frame, el } = await openCspPage(src)
      const host = el as typeof el & { order?: string; mode: string; payTypes?: string[] }
      await waitUntil(() => el.state === 'choosing', `state ${el.state}`, { timeout: 5000 })
      expect([host.order, host.mode]).to.deep.equal(['CSP-1', 'qr'])
      el.shadowRoot!.querySelector<HTMLButtonElement>('[part~=pay-button]')!.click()
      await waitUntil(() => el.state === 'waiting', `state ${el.state}`, { timeout: 5000 })
      host.mode = 'redirect'
      host.order = undefined
      el.setAttribute('pay-types', '800201, 800101')
      await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete
      expect(el.getAttribute('mode')).to.equal('redirect')
      expect(el.hasAttribute('order')).to.equal(false)
      expect(host.payTypes).to.deep.equal(['800201', '800101'])
      frame.remove()
    })
  })
}
