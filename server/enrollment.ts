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

export type Redemption =
  | { ok: true; kioskId: string; secret: string }
  /** Why, for the server's log: the operator who hears "the code is refused" reads which it was. */
  | { ok: false; reason: 'unknown' }
  | { ok: false; reason: 'used' | 'expired'; hall: string; at: number }

/**
 * Exchanges a code for the kiosk's credential, once. An unknown, used or expired code is refused.
 * IMMEDIATE: an administrator's command may be writing beside the server (enroll-kiosk, kiosks
 * revoke), and a transaction that read the code first would be refused the write lock at once
 * (SQLITE_BUSY, the kiosk answered INTERNAL) instead of waiting for it.
 */
export function redeemEnrollmentCode(db: Db, code: string, kioskName: string, now: number): Redemption {
  return db.transaction((): Redemption => {
    const row = db
      .prepare<[string], { name: string; expires_at: number; used_at: number | null }>(
        'SELECT name, expires_at, used_at FROM enrollment_codes WHERE code_hash = ?',
      )
      .get(hashCode(code))
    if (!row) return { ok: false, reason: 'unknown' }
    if (row.used_at !== null) return { ok: false, reason: 'used', hall: row.name, at: row.used_at }
    if (row.expires_at <= now) return { ok: false, reason: 'expired', hall: row.name, at: row.expires_at }
    const kioskId = randomUUID()
    const secret = randomBytes(32).toString('base64url')
    db.prepare('UPDATE enrollment_codes SET used_at = ?, kiosk_id = ? WHERE code_hash = ?').run(now, kioskId, hashCode(code))
    db.prepare('INSERT INTO kiosks (id, name, secret, created_at) VALUES (?, ?, ?, ?)').run(
      kioskId,
      `${row.name} / ${kioskName}`,
      secret,
      now,
    )
    return { ok: true, kioskId, secret }
  }).immediate()
}

/**
 * How an unused code is named in `enrollment-codes list` and `cancel`: the first 8 hex digits of its
 * hash. The code is a secret that only its hash keeps (an id made from the code would tell it), and
 * these 32 bits of a hash of 80 random bits tell nothing of it.
 */
const codeIdOf = (codeHash: string) => Buffer.from(codeHash, 'base64url').toString('hex').slice(0, 8)

export interface EnrollmentCodeListing {
  id: string
  /** The hall it was made for (enroll-kiosk --name). */
  name: string
  createdAt: number
  expiresAt: number
}

/** Codes made and not used yet, expired ones too (for `enrollment-codes list`), oldest first. */
export function listEnrollmentCodes(db: Db): EnrollmentCodeListing[] {
  return db
    .prepare<[], { code_hash: string; name: string; created_at: number; expires_at: number }>(
      'SELECT code_hash, name, created_at, expires_at FROM enrollment_codes WHERE used_at IS NULL ORDER BY created_at',
    )
    .all()
    .map((row) => ({ id: codeIdOf(row.code_hash), name: row.name, createdAt: row.created_at, expiresAt: row.expires_at }))
}

export type CancelResult =
  | { ok: true; name: string }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'used'; usedAt: number; kioskId: string | null }

/**
 * Cancels an unused code, named by its id as `enrollment-codes list` shows it or by the code itself
 * (as printed or typed): a code written down where it should not be, or made for a hall that will
 * not come. It is deleted, so a kiosk that posts it is NOT_ENROLLED, as for a code never made. A
 * code already used cannot be cancelled: the kiosk that used it is revoked instead.
 */
export function cancelEnrollmentCode(db: Db, idOrCode: string): CancelResult {
  return db.transaction((): CancelResult => {
    const rows = db
      .prepare<[], { code_hash: string; name: string; used_at: number | null; kiosk_id: string | null }>(
        'SELECT code_hash, name, used_at, kiosk_id FROM enrollment_codes',
      )
      .all()
    const typed = hashCode(idOrCode)
    const id = idOrCode.trim().toLowerCase()
    const row = rows.find((r) => r.code_hash === typed) ?? rows.find((r) => r.used_at === null && codeIdOf(r.code_hash) === id)
    if (!row) return { ok: false, reason: 'not-found' }
    if (row.used_at !== null) return { ok: false, reason: 'used', usedAt: row.used_at, kioskId: row.kiosk_id }
    db.prepare('DELETE FROM enrollment_codes WHERE code_hash = ? AND used_at IS NULL').run(row.code_hash)
    return { ok: true, name: row.name }
  }).immediate()
}

export interface KioskListing {
  id: string
  name: string
  createdAt: number
  revokedAt: number | null
}

/** Every enrolled kiosk, oldest first (for `npm run server -- kiosks list`). Secrets are not listed. */
export function listKiosks(db: Db): KioskListing[] {
  return db
    .prepare<[], { id: string; name: string; created_at: number; revoked_at: number | null }>(
      'SELECT id, name, created_at, revoked_at FROM kiosks ORDER BY created_at',
    )
    .all()
    .map((k) => ({ id: k.id, name: k.name, createdAt: k.created_at, revokedAt: k.revoked_at }))
}

/**
 * Revokes a kiosk's credential (a stolen or retired kiosk): from the next request on it gets 401,
 * whatever it signs. Ops it already delivered stay applied. A kiosk comes back only by a new
 * enrolment code. False when there is no such kiosk or it was revoked already.
 */
export function revokeKiosk(db: Db, kioskId: string, now = Date.now()): boolean {
  return db.prepare('UPDATE kiosks SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, kioskId).changes === 1
}
