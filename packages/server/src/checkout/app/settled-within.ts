/**
 * Waits for `work` at most `ms`: resolves `true` when it settles (fulfilled or rejected) in time,
 * `false` when the time runs out first. Never rejects; the work itself goes on either way. Used
 * wherever a request or a shutdown must not wait longer than its budget for something slower.
 */
export async function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined
  // Not unref()ed: the wait is short and always cleared, and an unref()ed timer lets the event
  // loop drain while a stuck piece of work is being waited on.
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true
      ),
      timeout,
    ])
  } finally {
    clearTimeout(timer)
  }
}
