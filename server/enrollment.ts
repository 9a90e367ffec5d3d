import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto'
import type { Db } from './database'

const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
/** An unused enrolment code stops working after this long. */
export const enrollmentCodeTtlMs = 24 * 60 * 60 * 1000

/**
 * A code as printed (7KQ2-M9XD-4HVR-CW1P), from what staff typed: it is read aloud over the phone
 * and copied from paper or a chat, so case, full width, spaces, other dashes or none between the groups, and the letters the
 * alphabet leaves out for looking like digits (O for 0, I or L for 1) still make the code. Each miss
 * counts toward the 20 failed enrolments that hold up the hall's address for 10 minutes.
 */
function canonicalCode(typed: string): string {
  // NFKC: what a Chinese input method types in full width (７ＫＱ２－…) is the same code; and the
  // dashes a document or chat program puts in place of the hyphen, or an input method offers for
  // one (ー, 一): the code's alphabet has none of them.
  const characters = typed
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-\u2010-\u2015\u2212\u30fc\u4e00]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1')
  return characters.length === 16 ? (characters.match(/.{4}/g) ?? []).join('-') : typed.trim().toUpperCase()
}

const hashCode = (code: string) => createHash('sha256').update(canonicalCode(code)).digest('base64url')

/** A one-time enrolment code for the hall `name`, like 7KQ2-M9XD-4HVR-CW1P (80 random bits). Only its hash is stored. */
export function createEnrollmentCode(db: Db, name: string, now = Date.now()): string {
  const code = Array.from({ length: 4 }, () =>
    Array.from({ length: 4 }, () => alphabet[randomInt(0, alphabet.length)]).join(''),
  ).join('-')
  db.prepare(
    'INSERT INTO enrollment_codes (code_hash, name, created_at, expires_at) VALUES (?, ?, ?, ?)',
  ).run(hashCode(code), name, now, now + enrollmentCodeTtlMs)
  return code
}

/** Exchanges a code for the kiosk's credential, once. Undefined for an unknown, used or expired code. */
export function redeemEnrollmentCode(
  db: Db,
  code: string,
  kioskName: string,
  now: number,
): { kioskId: string; secret: string } | undefined {
  return db.transaction(() => {
    const row = db
      .prepare<[string], { name: string; expires_at: number; used_at: number | null }>(
        'SELECT name, expires_at, used_at FROM enrollment_codes WHERE code_hash = ?',
      )
      .get(hashCode(code))
    if (!row || row.used_at !== null || row.expires_at <= now) return undefined
    const kioskId = randomUUID()
    const secret = randomBytes(32).toString('base64url')
    db.prepare('UPDATE enrollment_codes SET used_at = ?, kiosk_id = ? WHERE code_hash = ?').run(now, kioskId, hashCode(code))
    db.prepare('INSERT INTO kiosks (id, name, secret, created_at) VALUES (?, ?, ?, ?)').run(
      kioskId,
      `${row.name} / ${kioskName}`,
      secret,
      now,
    )
    return { kioskId, secret }
  })()
}

export interface KioskListing {
  id: string
  name: string
  createdAt: string
  revokedAt: string | null
}

/** Every enrolled kiosk, oldest first (for `npm run server -- kiosks list`). Secrets are not listed. */
export function listKiosks(db: Db): KioskListing[] {
  return db
    .prepare<[], { id: string; name: string; created_at: number; revoked_at: number | null }>(
      'SELECT id, name, created_at, revoked_at FROM kiosks ORDER BY created_at',
    )
    .all()
    .map((k) => ({
      id: k.id,
      name: k.name,
      createdAt: new Date(k.created_at).toISOString(),
      revokedAt: k.revoked_at === null ? null : new Date(k.revoked_at).toISOString(),
    }))
}

/**
 * Revokes a kiosk's credential (a stolen or retired kiosk): from the next request on it gets 401,
 * whatever it signs. Ops it already delivered stay applied. A kiosk comes back only by a new
 * enrolment code. False when there is no such kiosk or it was revoked already.
 */
export function revokeKiosk(db: Db, kioskId: string, now = Date.now()): boolean {
  return db.prepare('UPDATE kiosks SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, kioskId).changes === 1
}
