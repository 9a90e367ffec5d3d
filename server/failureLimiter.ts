import { isIPv6 } from 'node:net'

/**
 * The key of a client address: an IPv6 address by its /64, the block one subscriber (or one
 * attacker) holds, so that rotating through it counts as one address; an IPv4 address as it is.
 */
export function addressKey(address: string): string {
  if (!isIPv6(address) || /^::ffff:\d/i.test(address)) return address.replace(/^::ffff:/i, '')
  const [head = '', tail] = address.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`
}

/**
 * Failures counted per key (a client address) in fixed windows: after `limit` failures in `windowMs`
 * the key waits for the window's end. Windows that have passed are dropped as new ones come, so the
 * map holds only the current windows' keys; and at most `maxKeys` of them: past that, new addresses
 * share one window (a flood from everywhere slows every new address down, and memory stays bounded).
 */
export function createFailureLimiter(limit: number, windowMs: number, maxKeys = 10_000) {
  const overflow = '*'
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
  /** The key counted for `key`: its own, or the shared one once the map is full. */
  const counted = (key: string) => (windows.has(key) || windows.size < maxKeys ? key : overflow)
  function wait(key: string, now: number): number {
    const window = current(key, now)
    return window && window.count >= limit ? Math.ceil((window.since + windowMs - now) / 1000) : 0
  }
  return {
    /** Seconds `key` must wait before trying again; 0 when it may try now. */
    retryAfter(key: string, now: number): number {
      prune(now)
      return Math.max(wait(key, now), windows.has(key) ? 0 : wait(overflow, now))
    },
    failed(address: string, now: number): void {
      prune(now)
      const key = counted(address)
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
