import { expect } from '@open-wc/testing'
import type { Checkout } from '@qfpay-checkout/server/contract'
import type { ApiResult } from '../state/api.ts'
import { StatusStream } from './status-stream.ts'
import { createFakeClock } from '../../test/fake-clock.ts'
import { FakeEventSource } from '../../test/fake-event-source.ts'
import { checkout } from '../../test/fixtures.ts'

function setup(answers: ApiResult<Checkout>[] = []) {
  FakeEventSource.instances = []
  const clock = createFakeClock()
  const polls: number[] = []
  const seen: Checkout[] = []
  const connections: string[] = []
  const controller = new AbortController()
  const stream = new StatusStream({
    eventsUrl: '/qfpay/checkouts/co_1/events',
    poll: async () => {
      polls.push(clock.now())
      return answers.shift() ?? { ok: true, value: checkout() }
    },
    version: 1,
    EventSource: FakeEventSource as unknown as typeof EventSource,
    clock,
    signal: controller.signal,
    onStatus: (c) => seen.push(c),
    onConnection: (c) => connections.push(c),
    onError: () => undefined,
  })
  return { clock, polls, seen, connections, stream, controller }
}
const flush = () => new Promise((r) => setTimeout(r, 0))

describe('status stream', () => {
  it('passes on every status frame of the event stream', () => {
    const { stream, seen } = setup()
    stream.start()
    FakeEventSource.current!.send(checkout({ version: 2, status: 'paid' }), 2)
    expect(seen.map((c) => c.status)).to.deep.equal(['paid'])
  })

  it('lets the browser reconnect once, then polls every 2 s backing off to 10 s after a second failure', async () => {
    const { stream, clock, polls, connections } = setup()
    const start = clock.now()
    stream.start()
    FakeEventSource.current!.fail()
    expect(FakeEventSource.instances[0]!.readyState).to.equal(0)
    FakeEventSource.instances[0]!.fail()
    expect(connections).to.deep.equal(['polling'])
    const gaps: number[] = []
    // Small steps, so each poll's answer arrives before the next step (delays are multiples of 250 ms).
    for (let i = 0; i < 160; i++) {
      clock.advance(i === 0 ? 0 : 250)
      await flush()
    }
    for (let i = 1; i < polls.length; i++) gaps.push(polls[i]! - polls[i - 1]!)
    expect(polls[0]).to.equal(start)
    expect(gaps.slice(0, 5)).to.deep.equal([2000, 3000, 4500, 6750, 10000])
  })

  it('reopens a stream the browser closed, and polls only after the second failure', () => {
    const { stream, clock, connections } = setup()
    stream.start()
    FakeEventSource.current!.fail(true)
    expect(FakeEventSource.current).to.equal(undefined)
    clock.advance(1_000)
    expect(FakeEventSource.instances).to.have.length(2)
    FakeEventSource.current!.fail(true)
    expect(connections).to.deep.equal(['polling'])
  })

  it('goes quiet while hidden and checks at once when shown again', async () => {
    const { stream, clock, polls } = setup()
    stream.start()
    stream.pause()
    expect(FakeEventSource.current).to.equal(undefined)
    clock.advance(60_000)
    expect(polls).to.have.length(0)
    stream.resume()
    await flush()
    expect(polls).to.have.length(1)
    expect(FakeEventSource.current).to.not.equal(undefined)
  })

  it('reports offline while polls fail and keeps trying', async () => {
    const down = {
      ok: false as const,
      error: { code: 'network_error', message: '', retryable: true },
    }
    const { stream, clock, connections, seen } = setup([
      down,
      down,
      { ok: true, value: checkout({ version: 2, status: 'paid' }) },
    ])
    stream.start()
    FakeEventSource.current!.fail()
    FakeEventSource.instances[0]!.fail()
    for (let i = 0; i < 4; i++) {
      clock.advance(10_000)
      await flush()
    }
    expect(connections).to.include('offline')
    expect(seen[0]!.status).to.equal('paid')
  })

  it('stops everything when its signal aborts', () => {
    const { stream, controller, clock } = setup()
    stream.start()
    controller.abort()
    expect(FakeEventSource.current).to.equal(undefined)
    expect(clock.pending).to.equal(0)
  })
})
