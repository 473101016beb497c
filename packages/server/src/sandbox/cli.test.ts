import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'
import { signResponse } from '../qfpay/response-signature.ts'
import { sign } from '../qfpay/sign.ts'

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url))

/** Starts the CLI and resolves with its base URL once it prints one. */
function start(
  args: string[],
  env: Record<string, string> = {}
): Promise<{ child: ChildProcess; baseUrl: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (match) resolve({ child, baseUrl: match[1] as string, output: () => output })
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.on('exit', (code) =>
      reject(new Error(`the CLI exited (${code}) before listening:\n${output}`))
    )
  })
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const [code] = (await exited) as [number | null]
  return code
}

describe('pnpm sandbox (cli.ts)', () => {
  it('starts on an ephemeral port with no credentials, prints the generated ones, serves, and exits cleanly on SIGTERM', async () => {
    const { child, baseUrl, output } = await start(['--port', '0'])
    try {
      const health = await fetch(`${baseUrl}/__sandbox/health`)
      assert.equal(health.status, 200)
      assert.match(output(), /appcode: [0-9A-F]{32} \(generated\)/)
      assert.match(output(), /key: +[0-9A-F]{32} \(generated\)/)
      // A cross-site page can POST here blind; without the printed token nothing changes.
      const blind = await fetch(`${baseUrl}/__sandbox/knobs`, {
        method: 'PUT',
        body: '{"notifyDropRate":1}',
      })
      assert.equal(blind.status, 401)
      const token = /control token: ([0-9a-f]{32})/.exec(output())?.[1]
      assert.ok(token, 'the CLI printed a control token')
      const withToken = await fetch(`${baseUrl}/__sandbox/knobs`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}` },
        body: '{"notifyDropRate":1}',
      })
      assert.equal(withToken.status, 200)
    } finally {
      assert.equal(await stop(child), 0)
    }
  })

  it('never prints a key given by flag or env, and accepts requests signed with it', async () => {
    const key = 'GIVEN-SECRET-KEY-0042'
    for (const [args, env] of [
      [['--port', '0', '--appcode', 'CLIAPP', '--key', key], {}],
      [['--port', '0'], { QFPAY_APPCODE: 'CLIAPP', QFPAY_KEY: key }],
    ] as const) {
      const { child, baseUrl, output } = await start([...args], env)
      try {
        const params = { out_trade_no: 'CLI-1' }
        const res = await fetch(`${baseUrl}/trade/v1/query`, {
          method: 'POST',
          headers: {
            'X-QF-APPCODE': 'CLIAPP',
            'X-QF-SIGN': await sign(params, key),
            'Content-Type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams(params),
        })
        assert.equal(((await res.json()) as { respcd: string }).respcd, '0000')
        const merchants = await (await fetch(`${baseUrl}/__sandbox/merchants`)).text()
        assert.ok(!merchants.includes(key))
      } finally {
        await stop(child)
      }
      assert.ok(!output().includes(key), 'the CLI printed the given key')
      assert.match(output(), /key: +\(given, not shown\)/)
    }
  })

  it("--profile current plays today's gateway (sorted-fields response signatures); a bad profile exits 2", async () => {
    const key = 'GIVEN-SECRET-KEY-0042'
    const { child, baseUrl, output } = await start([
      '--port',
      '0',
      '--appcode',
      'CLIAPP',
      '--key',
      key,
      '--profile',
      'current',
    ])
    try {
      assert.match(output(), /profile: current/)
      const params = { out_trade_no: 'CLI-2' }
      const res = await fetch(`${baseUrl}/trade/v1/query`, {
        method: 'POST',
        headers: {
          'X-QF-APPCODE': 'CLIAPP',
          'X-QF-SIGN': await sign(params, key),
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams(params),
      })
      const body = await res.text()
      assert.equal(res.headers.get('X-QF-SIGN'), signResponse(body, key, 'md5-fields'))
    } finally {
      await stop(child)
    }
    const bad = spawn(process.execPath, ['--import', 'tsx', CLI, '--profile', 'future'], {
      stdio: 'ignore',
    })
    const [code] = (await once(bad, 'exit')) as [number | null]
    assert.equal(code, 2)
  })
})
