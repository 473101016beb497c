/**
 * The tarballs as a registry would serve them: publint (package.json against the files shipped)
 * and Are The Types Wrong (every entry's types resolve to the JavaScript they describe, under
 * node16 and bundler resolution; the packages are ESM-only, so CommonJS `require` is not a
 * target). Both must report no errors. And what ships: built JavaScript with its types, README,
 * LICENSE and CHANGELOG; no TypeScript sources, tests, source maps or test-only dependencies.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { publint } from 'publint'
import { formatMessage } from 'publint/utils'
import { ROOT, run, state, type Tarball } from '../src/kit.ts'

const { server, widget } = state()

for (const tarball of [server, widget]) {
  test(`publint finds no error or warning in ${tarball.name}`, async () => {
    const bytes = readFileSync(tarball.path)
    const { messages, pkg } = await publint({
      pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) },
      level: 'warning',
      strict: true,
    })
    const found = messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`)
    assert.deepEqual(found, [])
  })

  test(`Are The Types Wrong finds no problem in ${tarball.name}`, () => {
    const attw = join(ROOT, 'consumer/node_modules/.bin/attw')
    const r = run(attw, [tarball.path, '--profile', 'esm-only', '--format', 'table-flipped'], ROOT)
    // attw exits non-zero on any problem outside the ignored resolutions.
    assert.equal(r.status, 0, r.out)
    assert.match(r.out, /node16 \(from ESM\)/)
  })

  test(`${tarball.name} ships built code, its docs and nothing of the workspace`, () => {
    const files = (tarball as Tarball).files
    for (const required of ['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json'])
      assert.ok(files.includes(required), `${required} is in the tarball`)
    assert.deepEqual(
      files.filter(
        (f) => /\.map$|\.test\.|(^|\/)test\/|^src\/|\.ts$/.test(f) && !f.endsWith('.d.ts')
      ),
      []
    )
    const pkg = JSON.parse(
      readFileSync(join(ROOT, 'packages', tarball.name.split('/')[1]!, 'package.json'), 'utf8')
    )
    for (const dep of Object.keys(pkg.dependencies ?? {}))
      assert.ok(
        !['fast-check', 'tsx', 'autocannon'].includes(dep),
        `${dep} is not a runtime dependency`
      )
  })
}

test('custom-elements.json points only at files the widget tarball ships', () => {
  const manifest = readFileSync(join(ROOT, 'packages/widget/custom-elements.json'), 'utf8')
  const paths = [...manifest.matchAll(/"(?:path|module)": "([^"]+)"/g)].map((m) => m[1]!)
  assert.ok(paths.length > 0)
  assert.deepEqual(
    [...new Set(paths)].filter((p) => !widget.files.includes(p)),
    []
  )
})
