/** An EventSource the test drives by hand. */
export class FakeEventSource extends EventTarget {
  static instances: FakeEventSource[] = []
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSED = 2
  readonly CONNECTING = 0
  readonly OPEN = 1
  readonly CLOSED = 2
  readyState = 0
  constructor(readonly url: string) {
    super()
    FakeEventSource.instances.push(this)
  }
  /** The newest one still open. */
  static get current(): FakeEventSource | undefined {
    return FakeEventSource.instances.filter((s) => s.readyState !== 2).at(-1)
  }
  send(data: unknown, id?: number): void {
    this.readyState = 1
    this.dispatchEvent(
      new MessageEvent('status', { data: JSON.stringify(data), lastEventId: String(id ?? '') })
    )
  }
  /** A dropped connection: `closed` = the browser gives up (non-200), else it reconnects. */
  fail(closed = false): void {
    this.readyState = closed ? 2 : 0
    this.dispatchEvent(new Event('error'))
  }
  close(): void {
    this.readyState = 2
  }
}
