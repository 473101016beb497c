import assert from 'node:assert/strict'
import { Console } from 'node:console'
import { Writable } from 'node:stream'
import { describe, it } from 'node:test'
import pino from 'pino'
import { startBed, TEST_KEY } from '../../../test/support/checkout-test-bed.ts'

/** A writable that keeps what it is given, as text lines. */
function sink(): { stream: Writable; lines: () => string[] } {
  let text = ''
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString()
      done()
    },
  })
  return { stream, lines: () => text.split('\n').filter(Boolean) }
}

describe('the logger option', () => {
  it('takes pino as it is: the message as msg, the fields as properties of the JSON line', async (t) => {
    const out = sink()
    const logger = pino({ level: 'info' }, out.stream)
    const bed = await startBed({ checkout: { logger } })
    t.after(() => bed.close())
    bed.sandbox.setKnobs({ htmlErrorRate: 1 })
    await bed.create('order-1', '800201')
    const lines = out.lines().map((l) => JSON.parse(l) as Record<string, unknown>)
    const configured = lines.find((l) => l['msg'] === 'QFPay checkout gateway configured')
    assert.equal(configured?.['environment'], 'local')
    assert.equal(configured?.['level'], 30)
    assert.match(String(configured?.['baseUrl']), /^http:\/\/127\.0\.0\.1:\d+$/)
    // An error from the money path keeps its nested fields too.
    const failed = lines.find((l) => l['msg'] === 'checkout request failed')
    assert.equal(failed?.['level'], 50)
    assert.equal(failed?.['code'], 'gateway_error')
    assert.equal((failed?.['error'] as { endpoint?: string } | undefined)?.endpoint, 'payment')
    assert.ok(!out.lines().join('\n').includes(TEST_KEY), 'the key reached the log')
  })

  it('takes a console as it is, the fields printed as an object after the message', async (t) => {
    const out = sink()
    const logger = new Console({ stdout: out.stream, stderr: out.stream })
    const bed = await startBed({ checkout: { logger } })
    t.after(() => bed.close())
    const line = out.lines().find((l) => l.startsWith('QFPay checkout gateway configured'))
    assert.match(line ?? '', /environment: 'local'/)
  })
})
