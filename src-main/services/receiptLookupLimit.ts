/**
 * 查询办理进度's limit on this kiosk: receipt codes that found nothing, `misses` of them in any
 * `windowMs`, then the look-up waits until the oldest of them leaves the window.
 *
 * A receipt code is 40 random bits: nobody finds another person's op by guessing at a kiosk's pace,
 * but nothing stopped a script in the renderer (or a patient visitor) from asking the central API
 * about code after code through this kiosk's credential. It counts for the kiosk, not the visit: a
 * visit ends whenever the renderer asks (app.wipe), so a per-visit count would stop nobody. A
 * candidate who mistypes a code a few times stays far below it.
 *
 * Each look-up is counted when it starts and forgiven when it found an op (or could not tell), so
 * that look-ups sent all at once cannot pass the limit before the first of them has missed.
 */
export interface ReceiptLookupLimit {
  /** Seconds to wait before another look-up, or a ticket: forgive() it unless the code found nothing. */
  take(): { retryAfter: number } | { forgive: () => void }
}

/** Misses allowed in the window: a candidate mistypes a code two or three times, not ten. */
export const receiptMissesAllowed = 10
export const receiptMissWindowMs = 10 * 60_000

export function createReceiptLookupLimit(
  options: { misses?: number; windowMs?: number; now?: () => number } = {},
): ReceiptLookupLimit {
  const misses = options.misses ?? receiptMissesAllowed
  const windowMs = options.windowMs ?? receiptMissWindowMs
  // A clock nobody sets: putting the kiosk's clock back must not lift the limit, nor forward extend it.
  const now = options.now ?? (() => performance.now())
  /** When each counted look-up started, oldest first; never more than `misses` of them. */
  const counted: number[] = []
  return {
    take() {
      const at = now()
      while (counted.length > 0 && at - (counted[0] as number) >= windowMs) counted.shift()
      if (counted.length >= misses)
        return { retryAfter: Math.max(1, Math.ceil(((counted[0] as number) + windowMs - at) / 1000)) }
      counted.push(at)
      let forgiven = false
      return {
        forgive() {
          if (forgiven) return
          forgiven = true
          const index = counted.indexOf(at)
          if (index >= 0) counted.splice(index, 1)
        },
      }
    },
  }
}
