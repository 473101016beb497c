/** A minimal Server-Sent Events reader over fetch, for following a checkout's status stream. */

/** One event: its name (`message` if none) and data. */
export interface SseEvent {
  event: string
  data: string
}

/**
 * Opens `url` and parses events as they arrive. `next(match)` resolves with the first event
 * (already received or still to come) that `match` accepts, and rejects if the stream ends first.
 */
export function readSse(url: string) {
  const controller = new AbortController()
  const events: SseEvent[] = []
  const waiters = new Set<() => void>()
  let ended: Error | undefined
  const wake = () => waiters.forEach((w) => w())
  void (async () => {
    try {
      const res = await fetch(url, {
        headers: { accept: 'text/event-stream' },
        signal: controller.signal,
      })
      if (!res.ok || !res.body) throw new Error(`Stream ${url} answered ${res.status}`)
      const decoder = new TextDecoder()
      let buffer = ''
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true })
        let cut
        while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
          const block = buffer.slice(0, cut)
          buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, '')
          let event = 'message'
          const data: string[] = []
          for (const line of block.split(/\r?\n/)) {
            if (line.startsWith('event:')) event = line.slice(6).trim()
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
          }
          if (data.length > 0) events.push({ event, data: data.join('\n') })
          wake()
        }
      }
      ended = new Error(`Stream ${url} ended`)
    } catch (error) {
      ended = error as Error
    }
    wake()
  })()
  return {
    events,
    next(match: (e: SseEvent) => boolean, timeoutMs = 30_000): Promise<SseEvent> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`No matching event on ${url}; got ${JSON.stringify(events)}`))
        }, timeoutMs)
        const check = () => {
          const found = events.find(match)
          if (found || ended) {
            clearTimeout(timer)
            waiters.delete(check)
            if (found) resolve(found)
            else reject(ended)
          }
        }
        waiters.add(check)
        check()
      })
    },
    close: () => controller.abort(),
  }
}
