import type { AccountSummary } from '../src-common/wire'
import { clockGrainMs } from '../src-common/requestSigning'
import type { Db } from './database'
import { maskEmail, maskIdNumber, maskMobile, maskName } from './masking'
import { keyedHash, randomToken } from './sealingKeys'
import { emailKey, normaliseIdNumber, normaliseMobile } from '../src-common/rules'

export interface AccountRow {
  id: string
  id_type: string
  id_number: string | null
  name: string
  mobile: string | null
  email: string | null
  pending_email: string | null
  mobile_verified: number
  email_verified: number
  password_hash: string
  failed_logins: number
  locked_until: number | null
  /** When the last wrong password was counted (null before migration 007 or when none was). */
  failed_at: number | null
  created_at: number
  updated_at: number
}

/** Uniqueness keys: the shared src-common normalisers, so the same person is the same key everywhere. */
export const normalize = {
  idNumber: normaliseIdNumber,
  mobile: normaliseMobile,
  email: emailKey,
}

export function summarize(row: AccountRow): AccountSummary {
  return {
    accountId: row.id,
    idType: row.id_type as AccountSummary['idType'],
    idNumber: row.id_number ? maskIdNumber(row.id_number) : '',
    name: maskName(row.name),
    mobile: row.mobile ? maskMobile(row.mobile) : null,
    email: row.email ? maskEmail(row.email) : null,
    mobileVerified: row.mobile_verified === 1,
    emailVerified: row.email_verified === 1,
    pendingEmail: row.pending_email ? maskEmail(row.pending_email) : null,
    createdAt: new Date(row.created_at).toISOString(),
  }
}

export interface SessionRow {
  account_id: string
  kiosk_id: string
  created_at: number
  expires_at: number
  ended_at: number | null
  revoked_at: number | null
}

const hourMs = 60 * 60 * 1000
const lockAfterFailures = 5
const maxLockMs = hourMs

/**
 * Lock length after `failures` wrong passwords (at log-in, or as the old password of 修改密码): 1 min
 * at the 5th, doubling, at most an hour.
 */
function lockMs(failures: number): number {
  return failures < lockAfterFailures ? 0 : Math.min(60_000 * 2 ** (failures - lockAfterFailures), maxLockMs)
}

/**
 * A day without a failure forgets the failures, of an account and of an ID number no account holds
 * alike (the longest lock is an hour): were one kept longer, a lock a day later would tell them apart.
 */
const failuresForgottenAfterMs = 24 * 60 * 60 * 1000

/** The failures still counted at `now` of a count last raised at `failedAt` (null: not known when). */
const stillCounted = (failures: number, failedAt: number | null, now: number) =>
  failedAt !== null && now - failedAt >= failuresForgottenAfterMs ? 0 : failures

/**
 * One password attempt under the lock (log-in, or 修改密码's old password): refused while locked (the
 * seconds left), else counted as a failure at once, before the password is checked. SQLite is
 * synchronous and nothing runs in between, so a burst of parallel guesses gets no more checks than
 * the lock allows; a right password gives the count back.
 */
export function countPasswordAttempt(
  guard: { failures: number; lockedUntil: number | null },
  now: number,
  record: (failures: number, lockedUntil: number | null) => void,
): PasswordAttempt {
  if (guard.lockedUntil !== null && guard.lockedUntil > now) return { locked: true, lockedForSec: Math.ceil((guard.lockedUntil - now) / 1000) }
  const failures = guard.failures + 1
  const lock = lockMs(failures)
  record(failures, lock > 0 ? now + lock : null)
  return { locked: false, wrongLocksForSec: Math.ceil(lock / 1000) }
}

/**
 * A password attempt under the lock: refused unchecked while locked; else counted, and if the
 * password proves wrong, `wrongLocksForSec` says whether this very failure locked it (0: not yet),
 * so the candidate is told at the 5th wrong password, not only when they try a 6th.
 */
export type PasswordAttempt = { locked: true; lockedForSec: number } | { locked: false; wrongLocksForSec: number }

/** The answer to a wrong password: ACCOUNT_LOCKED when this failure locked the account, else `wrong`. */
export function wrongPasswordError<E extends object>(attempt: { wrongLocksForSec: number }, wrong: E): E | { code: 'ACCOUNT_LOCKED'; retryAfter: number } {
  return attempt.wrongLocksForSec > 0 ? { code: 'ACCOUNT_LOCKED', retryAfter: attempt.wrongLocksForSec } : wrong
}

/**
 * Tries one kiosk made in the last hour, one row each in `table` (kiosk_id, at), for a per-kiosk
 * hourly limit: count() records a try, or says how long until the kiosk may try again (a limit of 0
 * refuses every try); forgive() takes a recorded try back. Rows older than the hour are pruned as
 * new ones come.
 */
function hourlyKioskTries(db: Db, table: 'attested_resets' | 'failed_logins') {
  const q = {
    since: db.prepare<[string, number, number], number>(`SELECT at FROM ${table} WHERE kiosk_id = ? AND at > ? ORDER BY at LIMIT ?`),
    add: db.prepare(`INSERT INTO ${table} (kiosk_id, at) VALUES (?, ?)`),
    remove: db.prepare(`DELETE FROM ${table} WHERE id = ?`),
    prune: db.prepare(`DELETE FROM ${table} WHERE kiosk_id = ? AND at <= ?`),
  }
  return {
    count(kioskId: string, now: number, perHour: number): { retryAfterSec: number } | { forgive: () => void } {
      const since = now - hourMs
      q.prune.run(kioskId, since)
      const tried = q.since.pluck().all(kioskId, since, perHour)
      if (tried.length >= perHour) return { retryAfterSec: Math.max(1, Math.ceil(((tried[0] ?? now) + hourMs - now) / 1000)) }
      const { lastInsertRowid } = q.add.run(kioskId, now)
      return { forgive: () => void q.remove.run(lastInsertRowid) }
    },
  }
}

export function createAccounts(db: Db, pepper: Buffer) {
  const attestedResets = hourlyKioskTries(db, 'attested_resets')
  const failedLogins = hourlyKioskTries(db, 'failed_logins')
  const q = {
    byId: db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE id = ?'),
    byIdNumber: db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE id_number = ?'),
    byMobile: db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE mobile = ?'),
    byEmail: db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE email = ?'),
    insert: db.prepare(
      `INSERT INTO accounts (id, id_type, id_number, name, mobile, email, mobile_verified, email_verified,
         password_hash, created_at, updated_at)
       VALUES (@id, @idType, @idNumber, @name, @mobile, @email, @mobileVerified, 0, @passwordHash, @now, @now)`,
    ),
    setPassword: db.prepare(
      'UPDATE accounts SET password_hash = ?, failed_logins = 0, locked_until = NULL, updated_at = ? WHERE id = ?',
    ),
    loginFailed: db.prepare('UPDATE accounts SET failed_logins = ?, locked_until = ?, failed_at = ?, updated_at = ? WHERE id = ?'),
    loginOk: db.prepare('UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = ?'),
    guard: db.prepare<[string], { failures: number; locked_until: number | null; updated_at: number }>(
      'SELECT failures, locked_until, updated_at FROM login_guards WHERE key_hash = ?',
    ),
    guardFailed: db.prepare(
      `INSERT INTO login_guards (key_hash, failures, locked_until, updated_at) VALUES (@key, @failures, @lockedUntil, @now)
       ON CONFLICT (key_hash) DO UPDATE SET failures = @failures, locked_until = @lockedUntil, updated_at = @now`,
    ),
    pruneGuards: db.prepare('DELETE FROM login_guards WHERE updated_at < ?'),
    setProfile: db.prepare(
      `UPDATE accounts SET id_type = @idType, id_number = @idNumber, name = @name, pending_email = @pendingEmail,
         updated_at = @now WHERE id = @id`,
    ),
    setMobile: db.prepare('UPDATE accounts SET mobile = ?, mobile_verified = 1, updated_at = ? WHERE id = ?'),
    setMobileVerified: db.prepare('UPDATE accounts SET mobile_verified = 1, updated_at = ? WHERE id = ?'),
    setEmail: db.prepare(
      'UPDATE accounts SET email = ?, pending_email = NULL, email_verified = 1, updated_at = ? WHERE id = ?',
    ),
    audit: db.prepare(
      `INSERT INTO account_audit (account_id, at, event, kiosk_id, op_id, detail)
       VALUES (@accountId, @at, @event, @kioskId, @opId, @detail)`,
    ),
    insertSession: db.prepare(
      `INSERT INTO sessions (token_hash, account_id, kiosk_id, created_at, expires_at)
       VALUES (@tokenHash, @accountId, @kioskId, @now, @expiresAt)`,
    ),
    session: db.prepare<[string], SessionRow>(
      'SELECT account_id, kiosk_id, created_at, expires_at, ended_at, revoked_at FROM sessions WHERE token_hash = ?',
    ),
    endSession: db.prepare('UPDATE sessions SET ended_at = ? WHERE token_hash = ? AND kiosk_id = ? AND ended_at IS NULL'),
    // Those already logged out too: an op may be dated back to when they were valid.
    endOtherSessions: db.prepare(
      `UPDATE sessions SET ended_at = COALESCE(ended_at, @now), revoked_at = @now
       WHERE account_id = @accountId AND token_hash != @keep AND revoked_at IS NULL`,
    ),
  }

  const sessionHash = (token: string) => keyedHash(pepper, 'session', token)

  return {
    byId: (id: string) => q.byId.get(id),
    byIdNumber: (idNumber: string) => q.byIdNumber.get(normalize.idNumber(idNumber)),
    byMobile: (mobile: string) => q.byMobile.get(normalize.mobile(mobile)),
    byEmail: (email: string) => q.byEmail.get(normalize.email(email)),
    insert(row: {
      id: string
      idType: string
      idNumber: string
      name: string
      mobile: string
      email: string
      mobileVerified: boolean
      passwordHash: string
      now: number
    }) {
      q.insert.run({
        ...row,
        idNumber: normalize.idNumber(row.idNumber),
        mobile: normalize.mobile(row.mobile),
        email: normalize.email(row.email),
        mobileVerified: row.mobileVerified ? 1 : 0,
      })
    },
    setPassword: (id: string, hash: string, now: number) => q.setPassword.run(hash, now, id),
    loginFailed: (id: string, failures: number, lockedUntil: number | null, now: number) =>
      q.loginFailed.run(failures, lockedUntil, now, now, id),
    /** An account's failed passwords and lock as they stand at `now` (countPasswordAttempt's guard). */
    guardOfAccount(account: AccountRow, now: number): { failures: number; lockedUntil: number | null } {
      return { failures: stillCounted(account.failed_logins, account.failed_at, now), lockedUntil: account.locked_until }
    },
    loginOk: (id: string) => q.loginOk.run(id),
    /**
     * Failed log-ins of an ID number no account holds: counted like an account's (keyed by a hash of
     * the normalised number, never the number), so they lock and answer ACCOUNT_LOCKED alike.
     */
    guardOf(idNumber: string, now: number): { failures: number; lockedUntil: number | null } {
      const row = q.guard.get(keyedHash(pepper, 'login', normalize.idNumber(idNumber)))
      return { failures: row ? stillCounted(row.failures, row.updated_at, now) : 0, lockedUntil: row?.locked_until ?? null }
    },
    guardFailed(idNumber: string, failures: number, lockedUntil: number | null, now: number) {
      q.guardFailed.run({ key: keyedHash(pepper, 'login', normalize.idNumber(idNumber)), failures, lockedUntil, now })
      // Forgotten anyway (stillCounted): the rows go, so that sprayed numbers do not pile up.
      q.pruneGuards.run(now - failuresForgottenAfterMs)
    },
    setProfile: (p: { id: string; idType: string; idNumber: string; name: string; pendingEmail: string | null; now: number }) =>
      q.setProfile.run({ ...p, idNumber: normalize.idNumber(p.idNumber) }),
    setMobile: (id: string, mobile: string, now: number) => q.setMobile.run(normalize.mobile(mobile), now, id),
    setMobileVerified: (id: string, now: number) => q.setMobileVerified.run(now, id),
    setEmail: (id: string, email: string, now: number) => q.setEmail.run(normalize.email(email), now, id),
    audit(e: { accountId: string; at: number; event: string; kioskId?: string; opId?: string; detail?: unknown }) {
      q.audit.run({
        accountId: e.accountId,
        at: e.at,
        event: e.event,
        kioskId: e.kioskId ?? null,
        opId: e.opId ?? null,
        detail: e.detail === undefined ? null : JSON.stringify(e.detail),
      })
    },
    /**
     * One on-site reset tried by a kiosk, counted whether or not the identity matches: refused (the
     * seconds until the oldest of the hour leaves it) once the kiosk has tried `perHour` in the last
     * hour. Run inside the op's transaction, so a burst of them in one batch gets no more.
     */
    countAttestedReset(kioskId: string, now: number, perHour: number): { retryAfterSec: number } | null {
      const counted = attestedResets.count(kioskId, now, perHour)
      return 'retryAfterSec' in counted ? counted : null
    },
    /**
     * Counts a log-in try of this kiosk before its password is checked (forgive() once it succeeded),
     * or says how long until the kiosk may try again: its hour's failed tries are used up.
     */
    countLoginTry(kioskId: string, now: number, perHour: number): { retryAfterSec: number } | { forgive: () => void } {
      return failedLogins.count(kioskId, now, perHour)
    },
    startSession(accountId: string, kioskId: string, now: number, ttlMs: number): { token: string; expiresAt: number } {
      const token = randomToken()
      q.insertSession.run({ tokenHash: sessionHash(token), accountId, kioskId, now, expiresAt: now + ttlMs })
      return { token, expiresAt: now + ttlMs }
    },
    /**
     * The session if it was valid at time `at` (an op's createdAt, which a kiosk may date in the past)
     * and belongs to this kiosk: started by it, started by `at`, not revoked by a password reset or
     * change since, whenever `at` is.
     */
    sessionAt(token: string, at: number, kioskId: string): SessionRow | undefined {
      const row = q.session.get(sessionHash(token))
      // A kiosk within clockGrainMs of the server keeps its own clock: an op made just after the log-in may be dated just before it.
      if (!row || row.kiosk_id !== kioskId || row.revoked_at !== null || row.created_at > at + clockGrainMs) return undefined
      if (row.expires_at <= at || (row.ended_at !== null && row.ended_at <= at)) return undefined
      return row
    },
    /** Ends a session of this kiosk (another kiosk's token, from a log say, ends nothing). */
    endSession: (token: string, kioskId: string, now: number) => q.endSession.run(now, sessionHash(token), kioskId),
    /** Revokes every session of the account except `keepToken` (a password change keeps the one that made it). */
    endOtherSessions: (accountId: string, now: number, keepToken?: string) =>
      q.endOtherSessions.run({ accountId, now, keep: keepToken ? sessionHash(keepToken) : '' }),
  }
}

export type Accounts = ReturnType<typeof createAccounts>
