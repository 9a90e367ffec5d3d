/**
 * 查询办理进度's limit on this kiosk: receipt codes the central API found nothing for, `misses` of them
 * in any `windowMs`, then look-ups at the central API wait until the oldest miss leaves the window.
 *
 * A receipt code is 40 random bits: nobody finds another person's op by guessing at a kiosk's pace,
 * but nothing stopped a script in the renderer (or a patient visitor) from asking the central API
 * about code after code through this kiosk's credential. It counts for the kiosk, not the visit: a
 * visit ends whenever the renderer asks (app.wipe), so a per-visit count would stop nobody. A
 * candidate who mistypes a code a few times stays far below it, and asking again about a code that
 * already missed (the network seemed slow) is not another guess: it is not counted twice.
 *
 * What counts: a code found neither in this kiosk's outbox nor by the central API (its own answer:
 * a proxy's page, no answer or a fault here says nothing of the code). While it holds, the handler
 * still answers this kiosk's ops of the last `recentMs` (the candidate just served can follow their
 * receipt, whoever tried codes before them), and nothing else: an older op answered then would make
 * the lock a yes/no oracle for the outbox's codes.
 * Staff lift it by entering supervisor mode: its message sends candidates to them.
 *
 * Each look-up is counted when it starts and forgiven when it found an op (or could not tell), so
 * that look-ups sent all at once cannot pass the limit before the first of them has missed.
 */
export interface ReceiptLookupLimit {
  /** Seconds to wait before another look-up, or a ticket: forgive() it unless the code found nothing. */
  take(code: string): { retryAfter: number } | { forgive: () => void }
  /** Seconds until look-ups may go again; 0 while they may. */
  lockedFor(): number
  /** Forgets every miss: staff have come (supervisor mode entered). */
  lift(): void
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
  /** The counted look-ups, oldest first; never more than `misses` of them. */
  const counted: { at: number; code: string }[] = []
  const unchanged = { forgive: () => undefined }
  return {
    take(code) {
      const at = now()
      const wait = lockedFor(at)
      if (wait > 0) return { retryAfter: wait }
      if (counted.some((entry) => entry.code === code)) return unchanged
      const entry = { at, code }
      counted.push(entry)
      return {
        forgive() {
          const index = counted.indexOf(entry)
          if (index >= 0) counted.splice(index, 1)
        },
      }
    },
    lockedFor: () => lockedFor(now()),
    lift() {
      counted.length = 0
    },
  }

  function lockedFor(at: number): number {
    while (counted.length > 0 && at - counted[0]!.at >= windowMs) counted.shift()
    return counted.length >= misses ? Math.max(1, Math.ceil((counted[0]!.at + windowMs - at) / 1000)) : 0
  }
}
