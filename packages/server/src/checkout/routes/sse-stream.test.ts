import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { openSseStream, sseFrame } from './sse-stream.ts'

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes)

describe('event stream', () => {
  it('encodes an event as SSE fields and refuses a line break in any of them', () => {
    assert.equal(
      text(sseFrame({ event: 'status', id: '3', data: '{"a":1}' })),
      'event: status\nid: 3\ndata: {"a":1}\n\n'
    )
    assert.equal(
      text(sseFrame({ event: 'reconnect', data: '{}', retry: 500 })),
      'event: reconnect\nretry: 500\ndata: {}\n\n'
    )
    assert.throws(() => sseFrame({ event: 'a\nb', data: '' }), /line break/)
    assert.throws(() => sseFrame({ data: 'x\r' }), /line break/)
  })

  it('holds a writer back while the client has not read, and lets it go once it reads', async () => {
    const stream = openSseStream()
    const reader = stream.body.getReader()
    let first = false
    const written = stream.write(sseFrame({ data: '1' })).then(() => (first = true))
    assert.equal(stream.backedUp, true)
    await Promise.resolve()
    assert.equal(first, false, 'the write waits for the client')
    assert.equal(text((await reader.read()).value), 'data: 1\n\n')
    await written
    assert.equal(stream.backedUp, false)
    const second = stream.write(sseFrame({ data: '2' }))
    assert.equal(text((await reader.read()).value), 'data: 2\n\n')
    await second
    stream.close()
    assert.equal((await reader.read()).done, true)
    assert.equal(stream.ended, true)
  })

  it('tells onAbort when the client goes away, releases waiting writers, and ignores later writes', async () => {
    const stream = openSseStream()
    let aborted = 0
    stream.onAbort(() => aborted++)
    const waiting = stream.write(sseFrame({ data: '1' }))
    await stream.body.cancel()
    await waiting
    assert.equal(aborted, 1)
    assert.equal(stream.ended, true)
    await stream.write(sseFrame({ data: '3' }))
    stream.close()
    assert.equal(aborted, 1, 'close after the client left is not an abort')
  })
})
