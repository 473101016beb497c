import assert from 'node:assert/strict'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { startVite, WEB_ROOT } from './start-vite.ts'

const REPO = fileURLToPath(new URL('../../', import.meta.url))

describe('the page dev server (Vite)', () => {
  let base = ''
  let close = async () => {}
  // A kept store beside the demo, and a database file inside the page root itself.
  const keptStore = join(REPO, 'demo', 'kept-store-test.sqlite')
  const inRoot = join(WEB_ROOT, 'leak-test.db')
  before(async () => {
    writeFileSync(keptStore, 'SQLite format 3\0 secret orders')
    writeFileSync(`${keptStore}-wal`, 'secret wal')
    writeFileSync(inRoot, 'secret')
    // Nothing listens on port 1: the proxy is not what is tested here.
    const vite = await startVite({
      host: '127.0.0.1',
      port: 0,
      merchantUrl: 'http://127.0.0.1:1',
      logLevel: 'silent',
    })
    base = `http://127.0.0.1:${vite.port}`
    close = () => vite.server.close()
  })
  after(async () => {
    await close()
    for (const f of [keptStore, `${keptStore}-wal`, inRoot]) rmSync(f, { force: true })
  })

  it('serves no file of the repository outside the page and the installed packages', async () => {
    for (const path of [
      `/@fs${keptStore}`,
      `/@fs${keptStore}-wal`,
      `/@fs${join(REPO, 'package.json')}`,
      `/@fs${join(REPO, 'packages', 'server', 'src', 'index.ts')}`,
    ]) {
      const response = await fetch(`${base}${path}`)
      const text = await response.text()
      assert.notEqual(response.status, 200, `${path} was served`)
      assert.ok(!text.includes('secret'), `${path} leaked its content`)
    }
  })

  it('serves no database file, even inside the page root', async () => {
    for (const path of ['/leak-test.db', `/@fs${inRoot}`]) {
      const response = await fetch(`${base}${path}`)
      assert.ok(!(await response.text()).includes('secret'), `${path} was served`)
    }
  })

  it('still serves the page and the element', async () => {
    const page = await fetch(`${base}/`)
    assert.equal(page.status, 200)
    const element = await fetch(`${base}/@fs${join(REPO, 'packages', 'widget', 'src', 'index.ts')}`)
    assert.equal(element.status, 200)
  })

  it('answers CORS to the page origin only', async () => {
    const evil = await fetch(`${base}/`, { headers: { Origin: 'http://localhost:3000' } })
    await evil.text()
    assert.equal(evil.headers.get('access-control-allow-origin'), null)
    const own = await fetch(`${base}/`, { headers: { Origin: base } })
    await own.text()
    assert.equal(own.headers.get('access-control-allow-origin'), base)
  })
})
