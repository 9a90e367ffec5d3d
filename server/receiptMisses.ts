import type { Db } from './database'
import { keyedHash } from './sealingKeys'

const hourMs = 60 * 60 * 1000

/**
 * Receipt codes each kiosk looked up that found no op, for the per-kiosk hourly limit of
 * GET /v1/receipts/:code. 40 random bits are not guessed at a kiosk's pace, but nothing else stopped
 * a kiosk's credential (in the wrong hands, or a kiosk that does not keep its own limit) from asking
 * about code after code. A look-up is counted before the code is looked up (forgive() once it found
 * an op), so a burst gets no more than the limit; a code the kiosk already missed in the hour is not
 * counted again (a candidate pressing 查询 twice is not guessing).
 *
 * A code is kept as a keyed hash (the server's pepper), not as typed: a mistyped code is a character
 * away from the candidate's real one, and a code for an op still queued on an offline kiosk is a real
 * receipt. Rows older than the hour are pruned, every kiosk's, at each count.
 */
export function createReceiptMisses(db: Db, pepper: Buffer) {
  const q = {
    prune: db.prepare<[number]>('DELETE FROM receipt_misses WHERE at <= ?'),
    oldest: db.prepare<[string], { at: number | null; n: number }>(
      'SELECT MIN(at) AS at, COUNT(*) AS n FROM receipt_misses WHERE kiosk_id = ?',
    ),
    seen: db.prepare<[string, string], { id: number }>(
      'SELECT id FROM receipt_misses WHERE kiosk_id = ? AND code_hash = ? LIMIT 1',
    ),
    add: db.prepare<[string, string, number]>('INSERT INTO receipt_misses (kiosk_id, code_hash, at) VALUES (?, ?, ?)'),
    remove: db.prepare<[number | bigint]>('DELETE FROM receipt_misses WHERE id = ?'),
  }
  const unchanged = { forgive: () => undefined }
  const count = db.transaction(
    (kioskId: string, code: string, now: number, perHour: number): { retryAfterSec: number } | { forgive: () => void } => {
      q.prune.run(now - hourMs)
      const { at, n } = q.oldest.get(kioskId) ?? { at: now, n: 0 }
      if (n >= perHour) return { retryAfterSec: Math.max(1, Math.ceil(((at ?? now) + hourMs - now) / 1000)) }
      const codeHash = keyedHash(pepper, 'receipt-miss', code)
      if (q.seen.get(kioskId, codeHash)) return unchanged
      const { lastInsertRowid } = q.add.run(kioskId, codeHash, now)
      return { forgive: () => void q.remove.run(lastInsertRowid) }
    },
  )
  return {
    /** Seconds until the kiosk may look up again (every code waits while it lasts), or a count to forgive. */
    count: (kioskId: string, code: string, now: number, perHour: number) => count(kioskId, code, now, perHour),
  }
}
