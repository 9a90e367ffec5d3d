import { randomInt } from 'node:crypto'
import type { KioskError } from '../src-common/errors'
import { clockGrainMs } from '../src-common/requestSigning'
import type { Db } from './database'
import { keyedHash, randomToken } from './sealingKeys'

export type Channel = 'sms' | 'email'

export interface SendLimits {
  /** One send per target per this many ms. */
  perTargetIntervalMs: number
  perTargetPerDay: number
  perKioskPerHour: number
  /** On-site (attested) password resets one kiosk may try in an hour (see accounts.countAttestedReset). */
  attestedResetsPerKioskPerHour: number
  /** Log-ins one kiosk may get wrong in an hour (see accounts.countLoginTry): a busy hall stays far below. */
  failedLoginsPerKioskPerHour: number
  /**
   * Receipt codes one kiosk may look up in an hour that find no op (GET /v1/receipts/:code without
   * ?op): above the kiosk's own limit (10 in 10 minutes), so only a kiosk that does not keep it meets it.
   */
  receiptMissesPerKioskPerHour: number
}

export const defaultSendLimits: SendLimits = {
  perTargetIntervalMs: 60_000,
  perTargetPerDay: 10,
  perKioskPerHour: 300,
  attestedResetsPerKioskPerHour: 20,
  failedLoginsPerKioskPerHour: 100,
  receiptMissesPerKioskPerHour: 120,
}

const maxTries = 5
const dayMs = 24 * 60 * 60 * 1000
const emailAlphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'

interface CodeRow {
  id: number
  code_hash: string
  issued_at: number
  expires_at: number
  voided_at: number | null
  used_at: number | null
  tries: number
}

/**
 * A checked proof: consume() marks it used (call it inside the transaction that applies the op).
 * countTry() spends one of its tries without using it up, for an answer that tells something about
 * other people's data (an ID number or email already taken): one code is not an oracle for many.
 * A verification token has one try.
 */
export type ProofCheck =
  | {
      ok: true
      consume: (now: number) => void
      countTry: (now: number) => void
      /** Names the proof (the code's row, the token), so that ops presenting the same one can wait in line for it. */
      key?: string
    }
  | { ok: false; error: KioskError; onReject?: () => void }

export function normalizeCode(channel: Channel, code: string): string {
  return channel === 'email' ? code.trim().toUpperCase() : code.trim()
}

/** SMS codes, email codes and verification tokens: stored only as keyed hashes, single use, limited tries. */
export function createCodes(db: Db, pepper: Buffer, limits: SendLimits) {
  const q = {
    lastForTarget: db.prepare<[string, string], { issued_at: number }>(
      'SELECT issued_at FROM codes WHERE channel = ? AND target = ? ORDER BY issued_at DESC LIMIT 1',
    ),
    countForTarget: db.prepare<[string, string, number], { n: number }>(
      'SELECT count(*) AS n FROM codes WHERE channel = ? AND target = ? AND issued_at > ?',
    ),
    oldestForTarget: db.prepare<[string, string, number], { issued_at: number }>(
      'SELECT issued_at FROM codes WHERE channel = ? AND target = ? AND issued_at > ? ORDER BY issued_at LIMIT 1',
    ),
    countForKiosk: db.prepare<[string, number], { n: number }>(
      'SELECT count(*) AS n FROM codes WHERE kiosk_id = ? AND issued_at > ?',
    ),
    voidOthers: db.prepare(
      `UPDATE codes SET voided_at = @now WHERE channel = @channel AND target = @target AND purpose = @purpose
       AND voided_at IS NULL AND used_at IS NULL`,
    ),
    insert: db.prepare(
      `INSERT INTO codes (channel, target, purpose, code_hash, kiosk_id, issued_at, expires_at)
       VALUES (@channel, @target, @purpose, @codeHash, @kioskId, @now, @expiresAt)`,
    ),
    validAt: db.prepare<[string, string, string, number], CodeRow>(
      `SELECT id, code_hash, issued_at, expires_at, voided_at, used_at, tries FROM codes
       WHERE channel = ? AND target = ? AND purpose = ? AND issued_at <= ? ORDER BY issued_at DESC, id DESC LIMIT 1`,
    ),
    earlier: db.prepare<[string, string, string, number, number], { code_hash: string }>(
      `SELECT code_hash FROM codes WHERE channel = ? AND target = ? AND purpose = ? AND issued_at <= ? AND id != ?
       ORDER BY issued_at DESC LIMIT 10`,
    ),
    addTry: db.prepare('UPDATE codes SET tries = tries + 1 WHERE id = ?'),
    use: db.prepare('UPDATE codes SET used_at = ? WHERE id = ? AND used_at IS NULL'),
    insertToken: db.prepare(
      `INSERT INTO verification_tokens (token_hash, mobile, purpose, kiosk_id, issued_at, expires_at)
       VALUES (@tokenHash, @mobile, @purpose, @kioskId, @now, @expiresAt)`,
    ),
    token: db.prepare<
      [string],
      { mobile: string; purpose: string; kiosk_id: string | null; issued_at: number; expires_at: number; used_at: number | null }
    >('SELECT mobile, purpose, kiosk_id, issued_at, expires_at, used_at FROM verification_tokens WHERE token_hash = ?'),
    useToken: db.prepare('UPDATE verification_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL'),
  }

  const hashCode = (channel: Channel, target: string, purpose: string, code: string) =>
    keyedHash(pepper, 'code', channel, target, purpose, normalizeCode(channel, code))

  /** Seconds until another send is allowed, or 0. */
  function retryAfter(channel: Channel, target: string, kioskId: string, now: number): number {
    const last = q.lastForTarget.get(channel, target)
    if (last && now - last.issued_at < limits.perTargetIntervalMs) {
      return Math.ceil((limits.perTargetIntervalMs - (now - last.issued_at)) / 1000)
    }
    if (q.countForTarget.get(channel, target, now - dayMs)!.n >= limits.perTargetPerDay) {
      const oldest = q.oldestForTarget.get(channel, target, now - dayMs)!
      return Math.ceil((oldest.issued_at + dayMs - now) / 1000)
    }
    if (q.countForKiosk.get(kioskId, now - 3_600_000)!.n >= limits.perKioskPerHour) return 60
    return 0
  }

  return {
    retryAfter,

    /** Issues a fresh code (voiding the previous one of the same purpose). Call after retryAfter() said 0. */
    issue(channel: Channel, target: string, purpose: string, kioskId: string, now: number, ttlMs: number): string {
      const code =
        channel === 'sms'
          ? String(randomInt(0, 1_000_000)).padStart(6, '0')
          : Array.from({ length: 8 }, () => emailAlphabet[randomInt(0, emailAlphabet.length)]).join('')
      db.transaction(() => {
        q.voidOthers.run({ now, channel, target, purpose })
        q.insert.run({
          channel,
          target,
          purpose,
          codeHash: hashCode(channel, target, purpose, code),
          kioskId,
          now,
          expiresAt: now + ttlMs,
        })
      })()
      return code
    },

    /** Is `code` the one that was valid at time `at`? A wrong code counts a try (onReject, to run in the op's transaction). */
    check(channel: Channel, target: string, purpose: string, code: string, at: number): ProofCheck {
      const bad: KioskError = { code: channel === 'sms' ? 'BAD_SMS_CODE' : 'BAD_EMAIL_CODE' }
      const expired: KioskError = { code: channel === 'sms' ? 'SMS_CODE_EXPIRED' : 'BAD_EMAIL_CODE' }
      const row = q.validAt.get(channel, target, purpose, at)
      if (!row) return { ok: false, error: bad }
      const usable =
        row.used_at === null &&
        row.tries < maxTries &&
        row.expires_at > at &&
        (row.voided_at === null || row.voided_at > at)
      if (!usable) return { ok: false, error: expired }
      const typed = hashCode(channel, target, purpose, code)
      if (row.code_hash !== typed) {
        // A code that a newer one replaced is expired rather than wrong: the candidate should ask again.
        if (q.earlier.all(channel, target, purpose, at, row.id).some((earlier) => earlier.code_hash === typed)) {
          return { ok: false, error: expired }
        }
        return { ok: false, error: bad, onReject: () => void q.addTry.run(row.id) }
      }
      return { ok: true, consume: (now) => void q.use.run(now, row.id), countTry: () => void q.addTry.run(row.id), key: `code ${row.id}` }
    },

    issueToken(mobile: string, purpose: string, kioskId: string, now: number, ttlMs: number): { token: string; expiresAt: number } {
      const token = randomToken()
      q.insertToken.run({ tokenHash: keyedHash(pepper, 'vtoken', token), mobile, purpose, kioskId, now, expiresAt: now + ttlMs })
      return { token, expiresAt: now + ttlMs }
    },

    /** A verification token given to `kioskId` for this mobile and purpose, valid at `at`. */
    checkToken(token: string, mobile: string, purpose: string, kioskId: string, at: number): ProofCheck {
      const tokenHash = keyedHash(pepper, 'vtoken', token)
      const row = q.token.get(tokenHash)
      const bad = { code: 'BAD_SMS_CODE' } as const
      // Issued after the op was made: the op cannot have relied on it (an op dated back to use a
      // token obtained later). Within clockGrainMs a kiosk keeps its own clock, so that much is allowed.
      if (!row || row.issued_at > at + clockGrainMs) return { ok: false, error: bad }
      // Another kiosk's token, or this one's tried for another mobile or purpose: refused and spent, so
      // a token seen on the way cannot be tried against mobile after mobile until one fits.
      if (row.kiosk_id !== kioskId || row.mobile !== mobile || row.purpose !== purpose) {
        return { ok: false, error: bad, onReject: () => void q.useToken.run(at, tokenHash) }
      }
      if (row.used_at !== null || row.expires_at <= at) return { ok: false, error: { code: 'SMS_CODE_EXPIRED' } }
      const consume = (now: number) => void q.useToken.run(now, tokenHash)
      return { ok: true, consume, countTry: consume, key: `token ${tokenHash}` }
    },
  }
}

export type Codes = ReturnType<typeof createCodes>
