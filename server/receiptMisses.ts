import type { Db } from './database'

const hourMs = 60 * 60 * 1000

/**
 * Receipt codes each kiosk looked up that found no op, for the per-kiosk hourly limit of
 * GET /v1/receipts/:code. 40 random bits are not guessed at a kiosk's pace, but nothing else stopped
 * a kiosk's credential (in the wrong hands, or a kiosk that does not keep its own limit) from asking
 * about code after code. A look-up is counted before the code is looked up (forgive() once it found
 * an op), so a burst gets no more than the limit; a code the kiosk already missed in the hour is not
 * counted again (a candidate pressing 查询 twice is not guessing). Rows older than the hour are
 * pruned as new ones come.
 */
export function createReceiptMisses(db: Db) {
  const q = {
    prune: db.prepare<[string, number]>('DELETE FROM receipt_misses WHERE kiosk_id = ? AND at <= ?'),
    oldest: db.prepare<[string], { at: number; n: number }>(
      'SELECT MIN(at) AS at, COUNT(*) AS n FROM receipt_misses WHERE kiosk_id = ?',
    ),
    seen: db.prepare<[string, string], { id: number }>(
      'SELECT id FROM receipt_misses WHERE kiosk_id = ? AND code = ? LIMIT 1',
    ),
    add: db.prepare<[string, string, number]>(
      'INSERT INTO receipt_misses (kiosk_id, code, at) VALUES (?, ?, ?)',
    ),
    remove: db.prepare<[number | bigint]>('DELETE FROM receipt_misses WHERE id = ?'),
  }
  const unchanged = { forgive: () => undefined }
  return {
    /** Seconds until the kiosk may look up again (every code waits while it lasts), or a count to forgive. */
    count(
      kioskId: string,
      code: string,
      now: number,
      perHour: number,
    ): { retryAfterSec: number } | { forgive: () => void } {
      q.prune.run(kioskId, now - hourMs)
      const { at, n } = q.oldest.get(kioskId) ?? { at: now, n: 0 }
      if (n >= perHour) return { retryAfterSec: Math.max(1, Math.ceil(((at ?? now) + hourMs - now) / 1000)) }
      if (q.seen.get(kioskId, code)) return unchanged
      const { lastInsertRowid } = q.add.run(kioskId, code, now)
      return { forgive: () => void q.remove.run(lastInsertRowid) }
    },
  }
}
