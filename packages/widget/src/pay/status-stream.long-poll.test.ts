import { expect } from '@open-wc/testing'
import type { Checkout } from '@qfpay-checkout/server/contract'
import type { ApiResult } from '../state/api.ts'
import { POLL_MIN_MS, StatusStream } from './status-stream.ts'
import { createFakeClock } from '../../test/fake-clock.ts'
import { FakeEventSource } from '../../test/fake-event-source.ts'
import { checkout } from '../../test/fixtures.ts'

/** A poll the test answers by hand: `after` is what the stream asked for (undefined = plain). */
interface Ask {
  after: number | undefined
  at: number
  answer(result: ApiResult<Checkout>): Promise<void>
}

/** A stream whose event stream has already failed twice, so it is in its fallback. */
function fallenBack() {
  FakeEventSource.instances = []
  const clock = createFakeClock()
  const asks: Ask[] = []
  const seen: Checkout[] = []
  const connections: string[] = []
  const controller = new AbortController()
  const stream = new StatusStream({
    eventsUrl: '/qfpay/checkouts/co_1/events',
    poll: (_signal, after) =>
      new Promise((resolve) =>
        asks.push({
          after,
          at: clock.now(),
          answer: async (result) => {
            resolve(result)
            await new Promise((r) => setTimeout(r, 0))
          },
        })
      ),
    version: 1,
    EventSource: FakeEventSource as unknown as typeof EventSource,
    clock,
    signal: controller.signal,
    onStatus: (c) => seen.push(c),
    onConnection: (c) => connections.push(c),
    onError: () => undefined,
  })
  stream.start()
  FakeEventSource.current!.fail()
  FakeEventSource.instances[0]!.fail()
  clock.advance(0)
  return { clock, asks, seen, controller, connections }
}
const ok = (version: number, status: Checkout['status'] = 'pending'): ApiResult<Checkout> => ({
  ok: true,
  value: checkout({ version, status }),
})
const busy: ApiResult<Checkout> = {
  ok: false,
  error: { code: 'rate_limited', message: '', retryable: true, status: 429 },
}

describe('status stream fallback: long-poll', () => {
  it('long-polls after the version it has and asks again at once with each newer one', async () => {
    const { asks, seen, clock } = fallenBack()
    expect(asks.map((a) => a.after)).to.deep.equal([1])
    await asks[0]!.answer(ok(2))
    clock.advance(0)
    expect(asks.map((a) => a.after)).to.deep.equal([1, 2])
    await asks[1]!.answer(ok(3, 'paid'))
    clock.advance(60_000)
    expect(seen.map((c) => c.status)).to.deep.equal(['pending', 'paid'])
    // Final: nothing more to wait for.
    expect(asks).to.have.length(2)
  })

  it('asks again at once after a held request that timed out with nothing new', async () => {
    const { asks, clock } = fallenBack()
    clock.advance(25_000)
    await asks[0]!.answer(ok(1))
    clock.advance(0)
    expect(asks.map((a) => a.after)).to.deep.equal([1, 1])
  })

  it('waits one polling interval after a refused long-poll (429), then long-polls again', async () => {
    const { asks, clock, connections } = fallenBack()
    await asks[0]!.answer(busy)
    // Refused is not offline: the shopper is not told the connection is lost.
    expect(connections).to.not.include('offline')
    clock.advance(POLL_MIN_MS - 1)
    expect(asks).to.have.length(1)
    clock.advance(1)
    expect(asks.map((a) => a.after)).to.deep.equal([1, 1])
    await asks[1]!.answer(ok(2))
    clock.advance(0)
    expect(asks.map((a) => a.after)).to.deep.equal([1, 1, 2])
  })

  it('polls plainly, as a last resort, when two long-polls in a row come back at once with nothing new', async () => {
    const { asks, clock } = fallenBack()
    await asks[0]!.answer(ok(1))
    clock.advance(POLL_MIN_MS)
    await asks[1]!.answer(ok(1))
    clock.advance(10_000)
    expect(asks.map((a) => a.after)).to.deep.equal([1, 1, undefined])
    expect(asks[2]!.at - asks[1]!.at).to.equal(3_000)
  })
})
