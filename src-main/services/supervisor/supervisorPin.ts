import argon2 from 'argon2'
import type Database from 'better-sqlite3'
import { fail, ok, type Result } from '../../../src-common/errors'
import { pinPattern } from '../../../src-common/rules/staffRule'
import { isStorageFault } from '../../../sync/storageFault'
import { checkActor, type AuditActor, type AuditRecorder } from './auditLog'

/**
 * The supervisor PIN: 6 to 32 digits, kept only as an argon2id hash. Wrong PINs lock the pad: after
 * `failuresPerLock` wrong PINs in a row a lock of 30 s, and each further lock (after as many more
 * wrong PINs) twice as long as the one before, up to `maxLockSeconds`. A right PIN resets it all.
 * The counters live in kiosk.db, so restarting the app gives nobody fresh tries.
 */

/** OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane. */
export const pinHashOptions = {
  type: argon2.argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const

export const failuresPerLock = 5
export const firstLockSeconds = 30
/** One hour: a supervisor who forgot the PIN can still try again the same day; 5 guesses an hour is slow enough for 10^6 PINs. */
export const maxLockSeconds = 3600

export interface PinState {
  set: boolean
  locked: boolean
  /** Seconds until the pad opens again (0 when not locked). */
  retryAfter: number
  /** Wrong PINs since the last right PIN or lock. */
  failures: number
}

export interface SupervisorPin {
  isSet(): boolean
  state(): PinState
  /**
   * Ok for the right PIN. BAD_PIN for a wrong one, with how many more wrong PINs the pad takes before
   * it locks (a wrong PIN that starts a lock answers PIN_LOCKED);
   * PIN_LOCKED with retryAfter while locked, without looking at the PIN.
   */
  verify(pin: string, actor?: AuditActor | null): Promise<Result<void>>
  /** Needs the current PIN (and counts a wrong one like verify does). INVALID_FIELD (field newPin) for a PIN that is not 6+ digits. */
  change(oldPin: string, newPin: string, actor?: AuditActor | null): Promise<Result<void>>
}

interface PinRow {
  hash: string
  failures: number
  locks: number
  locked_at: number
  locked_until: number
}

export function lockSeconds(lock: number): number {
  return Math.min(firstLockSeconds * 2 ** Math.max(lock - 1, 0), maxLockSeconds)
}

export function hashPin(pin: string): Promise<string> {
  return argon2.hash(pin, pinHashOptions)
}

export function createSupervisorPin(
  db: Database.Database,
  audit: AuditRecorder,
  now: () => number,
): SupervisorPin & {
  /** For first-start set-up only: sets the first PIN inside the caller's transaction. */
  initialise(hash: string): void
} {
  const sql = {
    get: db.prepare<[], PinRow>(
      `SELECT hash, failures, locks, locked_at, locked_until FROM supervisor_pin WHERE id = 1`,
    ),
    init: db.prepare<{ hash: string; now: number }>(
      `INSERT INTO supervisor_pin (id, hash, changed_at) VALUES (1, @hash, @now)`,
    ),
    setHash: db.prepare<{ hash: string; now: number }>(
      `UPDATE supervisor_pin SET hash = @hash, changed_at = @now WHERE id = 1`,
    ),
    reset: db.prepare(
      `UPDATE supervisor_pin SET failures = 0, locks = 0, locked_at = 0, locked_until = 0 WHERE id = 1`,
    ),
    failed: db.prepare<{ failures: number; locks: number; lockedAt: number; lockedUntil: number }>(`
      UPDATE supervisor_pin SET failures = @failures, locks = @locks, locked_at = @lockedAt, locked_until = @lockedUntil
      WHERE id = 1`),
  }

  /** Seconds left of the current lock. Never more than the lock's own length, even if the clock was set back. */
  function remaining(row: PinRow, at: number): number {
    if (at >= row.locked_until) return 0
    const left = Math.min(row.locked_until - at, row.locked_until - row.locked_at)
    return Math.max(Math.ceil(left / 1000), 1)
  }

  // Checks run one after another: two PINs typed at once must not both slip in under the lock.
  let queue: Promise<unknown> = Promise.resolve()
  function serial<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task, task)
    queue = run.catch(() => undefined)
    return run
  }

  const recordFailure = db.transaction((actor: AuditActor | null): Result<void> => {
    const row = sql.get.get() as PinRow
    const at = now()
    const failures = row.failures + 1
    audit.record({ action: 'wrongPin', detail: { failures }, actor })
    if (failures < failuresPerLock) {
      sql.failed.run({ failures, locks: row.locks, lockedAt: row.locked_at, lockedUntil: row.locked_until })
      return fail('BAD_PIN', { triesLeft: failuresPerLock - failures })
    }
    const locks = row.locks + 1
    const seconds = lockSeconds(locks)
    sql.failed.run({ failures: 0, locks, lockedAt: at, lockedUntil: at + seconds * 1000 })
    audit.record({ action: 'lockout', detail: { lock: locks, seconds }, actor })
    return fail('PIN_LOCKED', { retryAfter: seconds })
  })

  /**
   * Locks kiosk.db could not store: in memory, for this run only; as `remaining`, never longer than
   * itself. Each doubles like a stored one (from the stored count), up to `maxLockSeconds`: a fixed
   * 30 s let a full disk give 120 guesses an hour instead of 5.
   */
  const unrecorded = { locks: 0, at: 0, seconds: 0 }
  const unrecordedLock = () => {
    if (unrecorded.at === 0) return 0
    const left = Math.min(unrecorded.at + unrecorded.seconds * 1000 - now(), unrecorded.seconds * 1000)
    return left > 0 ? Math.ceil(left / 1000) : 0
  }

  /** The shared first half of verify and change: lock check, then the hash. */
  async function check(pin: string, actor: AuditActor | null): Promise<Result<void>> {
    // Before anything else: an actor the audit log would refuse would cost us the wrongPin row.
    const who = checkActor(actor)
    if (!who.ok) return who
    const row = sql.get.get()
    if (!row) return fail('BAD_PIN')
    const left = Math.max(remaining(row, now()), unrecordedLock())
    if (left > 0) return fail('PIN_LOCKED', { retryAfter: left })
    // Anything that is not a PIN (letters, 10 kB of digits) counts as a wrong PIN without hashing it.
    const right = pinPattern.test(pin) && (await argon2.verify(row.hash, pin))
    if (!right) {
      try {
        return recordFailure.immediate(who.value)
      } catch (error) {
        if (!isStorageFault(error)) throw error
        // kiosk.db refused to count it (the disk full, read-only): uncounted, every wrong PIN was
        // free, and a full disk a way around the lock. Each locks the pad here instead, in memory.
        unrecorded.locks = Math.max(unrecorded.locks, row.locks) + 1
        unrecorded.seconds = lockSeconds(unrecorded.locks)
        unrecorded.at = now()
        return fail('PIN_LOCKED', { retryAfter: unrecorded.seconds })
      }
    }
    unrecorded.locks = 0
    if (row.failures !== 0 || row.locks !== 0) sql.reset.run()
    return ok(undefined)
  }

  return {
    isSet: () => sql.get.get() !== undefined,

    state() {
      const row = sql.get.get()
      if (!row) return { set: false, locked: false, retryAfter: 0, failures: 0 }
      const retryAfter = Math.max(remaining(row, now()), unrecordedLock())
      return { set: true, locked: retryAfter > 0, retryAfter, failures: row.failures }
    },

    verify: (pin, actor = null) => serial(() => check(pin, actor)),

    change: (oldPin, newPin, actor = null) =>
      serial(async () => {
        if (!pinPattern.test(newPin)) return fail('INVALID_FIELD', { field: 'newPin' })
        const checked = await check(oldPin, actor)
        if (!checked.ok) return checked
        const hash = await hashPin(newPin)
        db.transaction(() => {
          sql.setHash.run({ hash, now: now() })
          audit.record({ action: 'pinChanged', detail: {}, actor })
        }).immediate()
        return ok(undefined)
      }),

    initialise(hash) {
      sql.init.run({ hash, now: now() })
    },
  }
}
