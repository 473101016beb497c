/**
 * A server-sent event stream that holds only what it writes. Hono's `streamSSE` keeps the
 * request's whole `Context` (request, validated params, middleware variables, header maps) for
 * as long as the stream is open, and pipes a TransformStream through a second ReadableStream;
 * with thousands of streams open, that is most of what each one costs. Here a stream is one
 * ReadableStream whose queue holds at most one chunk, and the route hands it to Hono as an
 * ordinary body, so the request's state is freed as soon as the route returns.
 *
 * Frames are bytes: a broadcast encodes each frame once (see `sseFrame`) and every stream
 * enqueues the same bytes.
 */

/** The wire form of one event (the SSE format, https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export interface SseEvent {
  event?: string
  id?: string
  /** One line of data: the callers send JSON, which never holds a raw newline. */
  data: string
  /** Reconnection time the browser should use, ms. */
  retry?: number
}

const encoder = new TextEncoder()

/** Encodes `event` as its bytes on the wire. Throws when a field holds a line break. */
export function sseFrame(event: SseEvent): Uint8Array {
  for (const value of [event.event, event.id, event.data])
    if (value !== undefined && /[\r\n]/.test(value))
      throw new Error('Failed to write event: a field holds a line break.')
  let text = ''
  if (event.event) text += `event: ${event.event}\n`
  if (event.id !== undefined) text += `id: ${event.id}\n`
  if (event.retry !== undefined) text += `retry: ${event.retry}\n`
  return encoder.encode(`${text}data: ${event.data}\n\n`)
}

/** An open event stream: its body for the Response, and how to write to and end it. */
export interface SseStream {
  readonly body: ReadableStream<Uint8Array>
  /**
   * Queues `chunk`; resolves once the client has read what was queued (the queue holds one
   * chunk), or when the stream ends. Writing after the end does nothing.
   */
  write(chunk: Uint8Array): Promise<void>
  /** True while a written chunk still waits for the client to read it. */
  readonly backedUp: boolean
  /** True once the stream ended (closed here, or the client left). */
  readonly ended: boolean
  /** Ends the stream after what was written. */
  close(): void
  /** Calls `listener` once when the client goes away before `close()`. */
  onAbort(listener: () => void): void
}

/** Opens an event stream (see the file comment). */
export function openSseStream(): SseStream {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let ended = false
  let waiting: (() => void)[] = []
  let onAbort: (() => void) | undefined
  const wake = () => {
    const woken = waiting
    waiting = []
    for (const resolve of woken) resolve()
  }
  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => void (controller = c),
      // The client read what was queued: writers waiting for room may go on.
      pull: wake,
      cancel: () => {
        if (ended) return
        ended = true
        wake()
        onAbort?.()
      },
    },
    { highWaterMark: 1 }
  )
  return {
    body,
    write(chunk) {
      if (ended) return Promise.resolve()
      controller.enqueue(chunk)
      if ((controller.desiredSize ?? 0) > 0) return Promise.resolve()
      return new Promise((resolve) => waiting.push(resolve))
    },
    get backedUp() {
      return !ended && (controller.desiredSize ?? 0) <= 0
    },
    get ended() {
      return ended
    },
    close() {
      if (ended) return
      ended = true
      wake()
      controller.close()
    },
    onAbort(listener) {
      onAbort = listener
    },
  }
}
