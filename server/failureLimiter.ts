/**
 * Failures counted per key (a client address) in fixed windows: after `limit` failures in `windowMs`
 * the key waits for the window's end. Windows that have passed are dropped as new ones come, so the
 * map holds only the current windows' keys, however many addresses have tried.
 */
export function createFailureLimiter(limit: number, windowMs: number) {
  // Kept in the order the windows started (a new window is re-inserted at the end), so the
  // passed ones are always at the front.
  const windows = new Map<string, { count: number; since: number }>()
  const current = (key: string, now: number) => {
    const window = windows.get(key)
    return window && now - window.since < windowMs ? window : undefined
  }
  function prune(now: number): void {
    for (const [key, window] of windows) {
      if (now - window.since < windowMs) break
      windows.delete(key)
    }
  }
  return {
    /** Seconds `key` must wait before trying again; 0 when it may try now. */
    retryAfter(key: string, now: number): number {
      prune(now)
      const window = current(key, now)
      return window && window.count >= limit ? Math.ceil((window.since + windowMs - now) / 1000) : 0
    },
    failed(key: string, now: number): void {
      prune(now)
      const window = current(key, now)
      if (window) {
        window.count++
      } else {
        windows.delete(key)
        windows.set(key, { count: 1, since: now })
      }
    },
    /** Keys held (for tests). */
    get size(): number {
      return windows.size
    },
  }
}
