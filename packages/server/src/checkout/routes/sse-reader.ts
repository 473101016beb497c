/**
 * Test support: reads a `text/event-stream` response frame by frame (the subset of the SSE
 * format the events route writes: `event`, `id`, `data` lines and `:` comments).
 */

/** One frame: a message (`event`/`id`/`data`) or a comment (`comment`). */
export interface SseFrame {
  event?: string
  id?: string
  data?: string
  /** The `retry:` field (reconnect delay in ms), as sent. */
  retry?: string
  comment?: string
}

/** Pulls frames from a response body; `next()` resolves `undefined` when the stream ends. */
export class SseReader {
  #reader: ReadableStreamDefaultReader<Uint8Array>
  #decoder = new TextDecoder()
  #buffer = ''

  constructor(res: Response) {
    if (!res.body) throw new Error('response has no body')
    this.#reader = res.body.getReader()
  }

  /** The next frame, or `undefined` once the server has closed the stream. */
  async next(): Promise<SseFrame | undefined> {
    for (;;) {
      const end = this.#buffer.indexOf('\n\n')
      if (end >= 0) {
        const raw = this.#buffer.slice(0, end)
        this.#buffer = this.#buffer.slice(end + 2)
        return parseFrame(raw)
      }
      const { done, value } = await this.#reader.read()
      if (done) return undefined
      this.#buffer += this.#decoder.decode(value, { stream: true })
    }
  }

  /** The next message frame, skipping heartbeat comments. */
  async nextMessage(): Promise<SseFrame | undefined> {
    for (;;) {
      const frame = await this.next()
      if (!frame || frame.comment === undefined) return frame
    }
  }

  /** Every remaining message frame until the stream ends. */
  async rest(): Promise<SseFrame[]> {
    const frames: SseFrame[] = []
    for (let frame = await this.nextMessage(); frame; frame = await this.nextMessage())
      frames.push(frame)
    return frames
  }

  /** Hangs up, as a closing browser tab would. */
  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {})
  }
}

function parseFrame(raw: string): SseFrame {
  const frame: SseFrame = {}
  for (const line of raw.split('\n')) {
    if (line.startsWith(':')) frame.comment = line.slice(1).trim()
    const match = /^(event|id|data|retry): ?(.*)$/.exec(line)
    if (!match) continue
    const [, key, value] = match as unknown as [string, 'event' | 'id' | 'data' | 'retry', string]
    frame[key] = key === 'data' && frame.data !== undefined ? `${frame.data}\n${value}` : value
  }
  return frame
}
