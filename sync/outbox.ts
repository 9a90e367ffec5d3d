import { createHmac, randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { uptime } from 'node:os'
import Database from 'better-sqlite3'
import { v7 as uuidv7 } from 'uuid'
import { z } from 'zod'
import { fail, kioskErrorSchema, ok, type KioskError, type Result } from '../src-common/errors'
import { carriesKioskBoundField, mayCarryKioskBound, operationKindSchema, parseOperation, splitPayload, type OperationKind } from '../src-common/operations'
import { normaliseIdNumber } from '../src-common/rules/idNumberRule'
import { clockGrainMs } from '../src-common/requestSigning'
import { sealingAad } from '../src-common/sealing'
import type { OpResult, WireOp } from '../src-common/wire'
import { TypedEmitter } from './emitter'
import { applyPragmas, checkpoint, migrate } from './migrations'
import { ownerOnly } from './ownerOnly'
import { createSealer, type SealerLimits } from './sealer'
import { newReceipt, normaliseReceipt } from './receipt'
import { isStorageFault } from './storageFault'

/**
 * The kiosk's outbox: every operation a candidate submits is validated, its secret and personal
 * fields sealed to the central public key, and committed here in one transaction before the UI may
 * say "saved". The sync engine (syncEngine.ts) drains it; the supervisor reads it. See README.md.
 */

export const opStatuses = ['queued', 'sending', 'pending', 'applied', 'rejected', 'blocked', 'cancelled'] as const
export type OpStatus = (typeof opStatuses)[number]
/** Statuses after which nothing more happens to an op (its tombstone waits for retention). */
export const finalStatuses: readonly OpStatus[] = ['applied', 'rejected', 'cancelled']
/** Ops that still need the server they were sealed to: sent, answered or polled by it later. */
export const unfinishedStatuses: readonly OpStatus[] = opStatuses.filter((status) => !finalStatuses.includes(status))

/** Why a supervisor cancelled an op: a closed list, so no free text (and no personal data) lands on disk. */
export const cancelReasons = ['candidateRequest', 'duplicate', 'wrongData', 'expired', 'other'] as const
export type CancelReason = (typeof cancelReasons)[number]

/** What the UI and the supervisor see of one op. Never any personal data beyond the masked summary. */
export interface OpView {
  id: string
  kind: OperationKind
  receipt: string
  status: OpStatus
  /** Masked display values given at enqueue (王*, 138****8000). */
  summary: Record<string, string>
  attempts: number
  /**
   * A push of it may have reached the server with no answer telling what became of it (none came,
   * a 5xx, a response lost or unreadable; or the kiosk stopped mid-push). Stays set until the op is
   * final: such an op can no longer be cancelled, nor resent under another kiosk id.
   */
  maybeSent: boolean
  /** `cancel` would take it: waiting (queued or blocked) and not `maybeSent`. */
  cancellable: boolean
  /** ISO; when the engine will try again (queued ops only). */
  nextAttemptAt: string | null
  lastError: KioskError | null
  /** The server's result of an applied op (e.g. { accountId }). */
  result: Record<string, unknown> | null
  /** Stayed at the head of its account's line across several failed attempts. */
  stuck: boolean
  /** For a blocked op: the rejected op it waits behind. */
  blockedBy: string | null
  cancelReason: CancelReason | null
  createdAt: string
  updatedAt: string
  finalAt: string | null
}

export interface QueueSummary {
  /** Number of ops per status (tombstones included until purged). */
  depth: Record<OpStatus, number>
  stuck: number
  /** Seconds since the oldest op still waiting to be sent was created; null when none waits. */
  oldestQueuedAgeSeconds: number | null
  /** ISO time of the last push or poll the server answered. */
  lastSuccessfulSyncAt: string | null
  lastError: { error: KioskError; at: string } | null
}

export interface EnqueueOptions {
  /** The ID number of the account the op belongs to: only its keyed hash is stored, to order that account's ops. */
  accountIdNumber?: string
  /** Masked display values only (name 王*, mobile 138****8000). Values equal to a sealed field are refused. */
  summary: Record<string, string>
}

export interface Enqueued {
  id: string
  receipt: string
}

export interface ClaimedBatch {
  ops: WireOp[]
  bytes: number
  /** The ops whose createdAt is already in the server's time (made in an earlier boot: see server_at). */
  serverTimed: ReadonlySet<string>
}

export interface OutboxEvents {
  /** An op was committed by enqueue. */
  enqueued: OpView
  /** Any status or attempt change of one op. */
  opChanged: OpView
}

export interface OutboxOptions {
  /** Path of kiosk.db. */
  file: string
  /** The central API's HPKE public key (base64url), as configured or fetched at enrolment. */
  centralPublicKey: string
  keyId: string
  /** The per-kiosk secret keying the account hash (kept sealed by the main process, never sent). */
  accountKeySecret: string | Uint8Array
  /** How long tombstones of final ops are kept, in days; a function is read at each purge (a setting staff can change). Default 30. */
  retentionDays?: number | (() => number)
  /** How many boxes, for how long, one in-memory sealing key seals (sync/sealer.ts). */
  sealing?: Partial<SealerLimits>
  /** Clock, for tests. */
  now?: () => number
  /**
   * The machine's boot clock (ms since boot: counts sleep, nobody sets it) and which boot this is,
   * for how long an op has waited whatever is done to the wall clock. Default `os.uptime()` and
   * Linux's boot id (elsewhere an id for this process only); for tests.
   */
  boot?: { now(): number; id: string; grainMs?: number }
  /** better-sqlite3's Electron build, when the kiosk runs inside Electron (src-main/services/nativeBinding.ts). */
  nativeBinding?: string
  /**
   * The central server's time now when this kiosk knows it, else null (centralClient's
   * serverTimeIfKnown): kept with each op, so that one made before a restart is dated right however
   * the clock was set across it.
   */
  serverTime?: () => number | null
  /**
   * kiosk.db refused a write (the disk full, read-only, damaged, locked by another process): for the
   * kiosk's log. The caller gets STORAGE_UNAVAILABLE and the dashboard's last error says so.
   */
  onStorageFault?: (error: unknown) => void
}

export interface Outbox {
  readonly events: TypedEmitter<OutboxEvents>
  readonly file: string
  /** False once closed: nothing may be read any more. */
  readonly open: boolean
  /** STORAGE_UNAVAILABLE when kiosk.db refused the commit: nothing of the op was stored. */
  enqueue(kind: OperationKind, payload: unknown, options: EnqueueOptions): Promise<Result<Enqueued>>
  get(id: string): OpView | undefined
  findByReceipt(receipt: string): OpView | undefined
  list(filter?: ListFilter): OpView[]
  /** How many ops `list` would page through with this filter (limit and offset aside). */
  count(filter?: ListFilter): number
  /**
   * How long ago (ms) each op made in the last `windowMs` was made, newest first, at most `atMost` of
   * them; `except` leaves ops out by their masked summary. Ages as `summary()` tells them (this boot's
   * ops by the boot clock, older ones by their createdAt but never younger than this outbox's time
   * open), so neither a restart nor a wall clock set back or forward in this boot changes them, and a
   * clock set back before a restart holds them at most one window after it. Read back from the newest op, stopping at the first
   * one older than the window: it costs the window's ops, not the outbox's (no index needed). Read
   * only; [] when kiosk.db refuses the read (an enqueue then says so).
   */
  madeWithin(windowMs: number, options: { atMost: number; except?: (summary: Record<string, string>) => boolean }): number[]
  summary(): QueueSummary
  /** Only ops the server cannot hold can be cancelled (not `maybeSent`): one it may hold may already be applied. */
  cancel(id: string, reason: CancelReason): Result<OpView>
  /** Makes a blocked or waiting op ready now (clears the stuck flag). */
  retry(id: string): Result<OpView>
  /** Every queued op is due now ("sync now"), those waiting in backoff too, and none is stuck; returns how many changed. */
  hurryWaiting(): number
  /** Deletes tombstones older than the retention; returns how many. */
  purgeExpired(): number

  // The engine's side.
  /** Marks the heads of ready account lines as sending and returns them, bounded by count and bytes. */
  claimBatch(limits: { maxOps: number; maxBytes: number }): ClaimedBatch
  /** Records the server's answers to a push. A rejection blocks the later queued ops of that account. */
  recordResults(results: readonly OpResult[]): void
  /** Records the answer to a poll of a pending op (GET /v1/ops/:id). */
  recordDecision(result: OpResult): void
  /**
   * Puts claimed ops back in the queue after a failed push. `maybeSent: false` only when the answer
   * said for sure that nothing of the request was stored (a refusal of the whole request); by
   * default the server may hold them, which is never undone.
   */
  releaseForRetry(
    ids: readonly string[],
    error: KioskError,
    delayMs: (attempts: number) => number,
    stuckAfterAttempts: number,
    outcome?: { maybeSent: boolean },
  ): void
  /** Ops the server accepted whose outcome comes later (appeals). */
  pendingIds(limit: number): string[]
  /** When the next queued op becomes ready (epoch ms), or null when none is queued. */
  nextAttemptAt(): number | null
  /** Bookkeeping: never throws (a disk that refuses it loses the time, never an op). */
  recordSyncSuccess(): void
  /** Never throws: a disk that refuses to store it still has it shown, from memory, by `summary()`. */
  recordSyncError(error: KioskError): void
  /** Moves committed pages from the WAL into kiosk.db; for idle moments (the engine calls it after each pass and on its tick). */
  checkpoint(): void
  close(): void
}

export interface ListFilter {
  status?: OpStatus | readonly OpStatus[]
  /** Whole or partial receipt code as a person typed it. */
  receipt?: string
  /** Only the ops flagged stuck (at the head of their line across several failed attempts). */
  stuck?: boolean
  limit?: number
  offset?: number
}

const summarySchema = z.record(z.string().min(1).max(32), z.string().max(64)).refine((s) => Object.keys(s).length <= 16)

interface OpRow {
  seq: number
  id: string
  kind: string
  receipt: string
  account_key: string | null
  status: OpStatus
  body: string | null
  body_bytes: number
  summary: string
  attempts: number
  next_attempt_at: number
  last_error: string | null
  result: string | null
  stuck: number
  blocked_by: string | null
  cancel_reason: string | null
  created_at: number
  updated_at: number
  final_at: number | null
  boot_id: string | null
  boot_ms: number | null
  maybe_sent: number
  server_at: number | null
}

/** The range of a JS Date: a time beyond it (a server's absurd Retry-After) is shown at its end, never thrown on. */
const maxDateMs = 8.64e15
const iso = (ms: number) => new Date(Number.isNaN(ms) ? 0 : Math.min(Math.max(ms, -maxDateMs), maxDateMs)).toISOString()

/**
 * Only ops the server cannot hold can be cancelled: one it may hold may already be applied there
 * (a blocked one too: blocked after it was sent, when staff retried an earlier one). One whose every
 * push was refused as a whole (a revoked kiosk's 401, a 429) never got there.
 */
const isCancellable = (row: Pick<OpRow, 'status' | 'maybe_sent'>) => (row.status === 'blocked' || row.status === 'queued') && row.maybe_sent === 0

function toView(row: OpRow): OpView {
  return {
    id: row.id,
    kind: row.kind as OperationKind,
    receipt: row.receipt,
    status: row.status,
    summary: JSON.parse(row.summary) as Record<string, string>,
    attempts: row.attempts,
    maybeSent: row.maybe_sent === 1,
    cancellable: isCancellable(row),
    nextAttemptAt: row.status === 'queued' ? iso(row.next_attempt_at) : null,
    lastError: row.last_error ? kioskErrorSchema.parse(JSON.parse(row.last_error)) : null,
    result: row.result ? (JSON.parse(row.result) as Record<string, unknown>) : null,
    stuck: row.stuck === 1,
    blockedBy: row.blocked_by,
    cancelReason: row.cancel_reason as CancelReason | null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    finalAt: row.final_at === null ? null : iso(row.final_at),
  }
}

/** The account key: case, full-width forms and spacing of the ID number do not make another account. */
export function accountKeyOf(secret: string | Uint8Array, idNumber: string): string {
  return createHmac('sha256', secret).update(normaliseIdNumber(idNumber)).digest('base64url')
}

/**
 * A display value that holds a sealed value in full is not masked: refused rather than stored. A mask
 * shows at most 6 characters of a value in a row (an ID number's address code) besides an email's
 * domain, so a shorter sealed value (an SMS code, a staff ID such as 105) may well turn up in one by
 * chance (110105********1239): only a display value that is all of it gives such a value away.
 */
function holdsSealedValue(display: string, sealed: readonly string[]): boolean {
  return sealed.some((s) => s.length >= 2 && (display === s || (s.length >= 7 && display.includes(s))))
}

/** Every string inside a value (nested objects such as the staff attestation included). */
function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value)
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsIn(v, out)
  return out
}


/**
 * How many ops in kiosk.db are not final, read on a connection of its own, so with or without an
 * open outbox: a kiosk whose credential cannot be read (another machine's keychain) has none open,
 * yet its ops still need the server they were sealed to. 0 when no outbox ever ran on this file.
 *
 * `maybeSent`: only those a new enrolment (a new kiosk id) could no longer resend or apply: in
 * flight or sent before without a telling answer (the server may hold them under this kiosk's id),
 * and those carrying a session or a verification token (applied only for the kiosk that holds it).
 * Ops never sent, or only refused as a whole (a revoked kiosk's 401, a 429), go under any id, and an
 * op waiting on a decision (an appeal) is followed by its receipt (syncEngine.ts). A file not yet
 * migrated (no outbox opened it since the upgrade) counts every op ever claimed, and every op of a
 * kind that may carry a token.
 */
export function countUnfinishedOps(file: string, nativeBinding?: string, options: { maybeSent?: boolean } = {}): number {
  if (!existsSync(file)) return 0
  const db = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) })
  try {
    if (!db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ops'`).get()) return 0
    const unfinished = unfinishedStatuses.map((status) => `'${status}'`).join(', ')
    const columns = db.prepare(`SELECT name FROM pragma_table_info('ops')`).pluck().all() as string[]
    const reached = columns.includes('maybe_sent') ? 'maybe_sent = 1' : 'attempts > 0'
    const bound = columns.includes('kiosk_bound') ? 'kiosk_bound = 1' : `kind IN (${mayCarryKioskBound.map((kind) => `'${kind}'`).join(', ')})`
    const sent = options.maybeSent ? ` AND status <> 'pending' AND (status = 'sending' OR ${reached} OR ${bound})` : ''
    return db.prepare(`SELECT count(*) FROM ops WHERE status IN (${unfinished})${sent}`).pluck().get() as number
  } finally {
    db.close()
  }
}

/**
 * `o` is at the head of its account's line: no earlier op of the same account still waiting or in
 * flight, and none of it in flight at all (one retried by staff may come back ahead of a later one
 * being sent: it waits for that answer). Ops without an account key stand alone. Blocked ops are out
 * of the line until retried.
 */
const headOfLine = `(o.account_key IS NULL OR NOT EXISTS (
  SELECT 1 FROM ops p WHERE p.account_key = o.account_key AND p.status IN ('queued', 'sending')
    AND (p.seq < o.seq OR p.status = 'sending')))`

/**
 * The longest a queued op may wait after the outbox opens: the engine's own backoff is at most 5 min;
 * a server's longer Retry-After is cut short by a restart (one early try costs a 429).
 */
const maxWaitAfterStartMs = 15 * 60_000

/**
 * This machine's boot clock: `os.uptime()` counts the time asleep and is not moved by setting the
 * wall clock (CLOCK_BOOTTIME on Linux, GetTickCount64 on Windows). A boot is told by Linux's boot
 * id; elsewhere by an id of this process, so an op's age is known only until the kiosk restarts.
 */
function machineBoot(): { now(): number; id: string; grainMs: number } {
  let id: string | undefined
  try {
    id = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined
  } catch {
    // not Linux
  }
  // Linux's /proc/uptime reads in hundredths of a second; Windows' tick count in about 16 ms.
  return { now: () => uptime() * 1000, id: id ?? `process-${randomUUID()}`, grainMs: process.platform === 'win32' ? 16 : 10 }
}

export function openOutbox(options: OutboxOptions): Outbox {
  const now = options.now ?? Date.now
  const boot = options.boot ?? machineBoot()
  /** The boot clock when this outbox opened: every op not dated by this boot's clock was made before it. */
  const openedUp = boot.now()
  const retentionMs = () => {
    const days = typeof options.retentionDays === 'function' ? options.retentionDays() : options.retentionDays
    return (days ?? 30) * 24 * 60 * 60 * 1000
  }
  ownerOnly(options.file)
  const db = new Database(options.file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
  applyPragmas(db)
  const sealer = createSealer(options.centralPublicKey, options.sealing)
  migrate(db)
  const events = new TypedEmitter<OutboxEvents>()

  const sql = {
    insert: db.prepare<Record<string, unknown>>(`
      INSERT INTO ops (id, kind, receipt, account_key, kiosk_bound, status, body, body_bytes, summary, next_attempt_at, created_at, updated_at, boot_id, boot_ms, server_at)
      VALUES (@id, @kind, @receipt, @accountKey, @kioskBound, 'queued', @body, @bodyBytes, @summary, @now, @now, @now, @bootId, @bootMs, @serverAt)`),
    byId: db.prepare<[string], OpRow>(`SELECT * FROM ops WHERE id = ?`),
    byReceipt: db.prepare<[string], OpRow>(`SELECT * FROM ops WHERE receipt = ?`),
    // The heads of the lines that are due.
    ready: db.prepare<{ now: number; limit: number }, Pick<OpRow, 'id' | 'body' | 'body_bytes' | 'created_at' | 'boot_id' | 'boot_ms' | 'server_at'>>(`
      SELECT o.id, o.body, o.body_bytes, o.created_at, o.boot_id, o.boot_ms, o.server_at FROM ops o
      WHERE o.status = 'queued' AND o.next_attempt_at <= @now AND ${headOfLine}
      ORDER BY o.seq LIMIT @limit`),
    shiftAttempts: db.prepare<{ step: number }>(`UPDATE ops SET next_attempt_at = next_attempt_at + @step WHERE status = 'queued'`),
    markSending: db.prepare<{ id: string; now: number }>(
      `UPDATE ops SET status = 'sending', attempts = attempts + 1, updated_at = @now WHERE id = @id AND status = 'queued'`,
    ),
    final: db.prepare<{ id: string; status: OpStatus; result: string | null; lastError: string | null; now: number }>(`
      UPDATE ops SET status = @status, result = @result, last_error = @lastError, body = NULL, stuck = 0,
        final_at = CASE WHEN @status = 'pending' THEN NULL ELSE @now END, updated_at = @now
      WHERE id = @id AND status IN ('sending', 'queued')`),
    // A deferred op's decision: it left the account's line when the server accepted it, so it blocks nobody.
    decide: db.prepare<{ id: string; status: OpStatus; result: string | null; lastError: string | null; now: number }>(`
      UPDATE ops SET status = @status, result = @result, last_error = @lastError, final_at = @now, updated_at = @now
      WHERE id = @id AND status = 'pending'`),
    touchPending: db.prepare<{ id: string; now: number }>(`UPDATE ops SET updated_at = @now WHERE id = @id AND status = 'pending'`),
    blockFollowers: db.prepare<{ id: string; now: number }, { id: string }>(`
      UPDATE ops SET status = 'blocked', blocked_by = @id, updated_at = @now
      WHERE status = 'queued' AND account_key = (SELECT account_key FROM ops WHERE id = @id)
        AND seq > (SELECT seq FROM ops WHERE id = @id)
      RETURNING id`),
    // Once the server may hold an op, it may for good: a later definite refusal does not clear it.
    release: db.prepare<{ id: string; nextAt: number; lastError: string; stuckAfter: number; maybeSent: number; now: number }>(`
      UPDATE ops SET status = 'queued', next_attempt_at = @nextAt, last_error = @lastError,
        stuck = CASE WHEN attempts >= @stuckAfter THEN 1 ELSE 0 END, maybe_sent = MAX(maybe_sent, @maybeSent), updated_at = @now
      WHERE id = @id AND status = 'sending'`),
    attemptsOf: db.prepare<[string], { attempts: number }>(`SELECT attempts FROM ops WHERE id = ?`),
    // In flight when the process died: the request may have reached the server.
    recoverSending: db.prepare(`UPDATE ops SET status = 'queued', maybe_sent = 1 WHERE status = 'sending'`),
    capAttempts: db.prepare<{ latest: number; now: number }>(
      `UPDATE ops SET next_attempt_at = @now WHERE status = 'queued' AND next_attempt_at > @latest`,
    ),
    // An op never tried is due from its making: a stamp the clock has not reached again (set back,
    // or lost in a power cut) must not make it wait.
    untriedDue: db.prepare<{ now: number }>(
      `UPDATE ops SET next_attempt_at = @now WHERE status = 'queued' AND attempts = 0 AND next_attempt_at > @now`,
    ),
    cancel: db.prepare<{ id: string; reason: string; now: number }>(`
      UPDATE ops SET status = 'cancelled', cancel_reason = @reason, body = NULL, stuck = 0, final_at = @now, updated_at = @now
      WHERE id = @id`),
    retry: db.prepare<{ id: string; now: number }>(`
      UPDATE ops SET status = 'queued', blocked_by = NULL, next_attempt_at = @now, stuck = 0, updated_at = @now WHERE id = @id`),
    hurryWaiting: db.prepare<{ now: number }, { id: string }>(`
      UPDATE ops SET next_attempt_at = MIN(next_attempt_at, @now), stuck = 0, updated_at = @now
      WHERE status = 'queued' AND (next_attempt_at > @now OR stuck = 1) RETURNING id`),
    pending: db.prepare<[number], { id: string }>(`SELECT id FROM ops WHERE status = 'pending' ORDER BY updated_at LIMIT ?`),
    // Over the heads of the lines only: an op waiting behind one in backoff is not due when its own
    // time comes, and waking for it would spin until the head's time.
    nextAttempt: db.prepare<[], { at: number | null }>(
      `SELECT MIN(o.next_attempt_at) AS at FROM ops o WHERE o.status = 'queued' AND ${headOfLine}`,
    ),
    depth: db.prepare<[], { status: OpStatus; n: number }>(`SELECT status, COUNT(*) AS n FROM ops GROUP BY status`),
    stuckCount: db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ops WHERE stuck = 1`),
    newestFirst: db.prepare<[], Pick<OpRow, 'created_at' | 'boot_id' | 'boot_ms' | 'summary'>>(
      `SELECT created_at, boot_id, boot_ms, summary FROM ops ORDER BY seq DESC`,
    ),
    // An op of this boot by the boot clock, which nobody sets; an older one by the wall clock.
    oldestWaiting: db.prepare<{ bootId: string; upNow: number; now: number }, { age: number | null }>(`
      SELECT MAX(CASE WHEN boot_id = @bootId AND boot_ms IS NOT NULL THEN @upNow - boot_ms ELSE @now - created_at END) AS age
      FROM ops WHERE status IN ('queued', 'sending', 'blocked')`),
    getState: db.prepare<[string], { value: string }>(`SELECT value FROM sync_state WHERE key = ?`),
    setState: db.prepare<{ key: string; value: string }>(
      `INSERT INTO sync_state (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    ),
    // A rejected op that a blocked one still waits behind is kept: staff see its receipt and reason.
    purge: db.prepare<{ before: number }>(`
      DELETE FROM ops WHERE final_at IS NOT NULL AND final_at < @before
        AND id NOT IN (SELECT blocked_by FROM ops WHERE blocked_by IS NOT NULL AND final_at IS NULL)`),
  }

  // A crash (or kill -9) while a batch was in flight leaves ops 'sending': they go back to the queue and
  // are resent with the same id, which the server answers from its stored result.
  sql.recoverSending.run()
  // A retry planned by a clock that was fast before the restart (and set right since) would wait as
  // long as it was wrong: none waits longer than a backoff's longest wait from now.
  sql.capAttempts.run({ latest: now() + maxWaitAfterStartMs, now: now() })
  sql.untriedDue.run({ now: now() })

  const view = (id: string): OpView | undefined => {
    const row = sql.byId.get(id)
    return row ? toView(row) : undefined
  }
  const changed = (ids: Iterable<string>) => {
    if (events.listenerCount('opChanged') === 0) return
    for (const id of ids) {
      const v = view(id)
      if (v) events.emit('opChanged', v)
    }
  }

  const insertOp = db.transaction((row: Record<string, unknown>, build: (receipt: string) => string) => {
    for (;;) {
      const receipt = newReceipt()
      const body = build(receipt)
      try {
        sql.insert.run({ ...row, receipt, body, bodyBytes: Buffer.byteLength(body) })
        return receipt
      } catch (error) {
        // A receipt already in use: draw another. Anything else is a bug.
        if (error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE' && /receipt/.test(error.message)) continue
        throw error
      }
    }
  })

  // The wall clock may be set while ops wait: NTP arriving with the network after an offline start
  // (a fast clock set back, a flat CMOS battery's clock set forward years), staff fixing it by hand.
  // The machine's boot clock, which counts sleep and which nobody sets, tells a step from time.
  //
  // - An op's createdAt: stamped by the old clock, it would be sent "from the future" (refused), or
  //   long before the SMS code or session it carries (refused too). An op made in this boot is dated
  //   again from its age by the boot clock, in the wall clock as it is now, either way. An op from an
  //   earlier boot keeps its stamp, unless that is in the future: then now, the latest it can be.
  // - Next attempts: a step back would make every queued op wait as long as the clock was wrong, so
  //   they move back with it (an attempt a little early costs nothing); after a restart none waits
  //   longer than `maxWaitAfterStartMs`.
  function datedAgain(row: Pick<OpRow, 'created_at' | 'boot_id' | 'boot_ms'>, op: WireOp, wallNow: number, upNow: number): WireOp {
    const age = row.boot_id === boot.id && row.boot_ms !== null ? upNow - row.boot_ms : null
    // Dated at the end of the boot clock's grain, so never before the SMS code the op carries,
    // issued a moment earlier.
    const then = age !== null && age >= 0 ? wallNow - age + (boot.grainMs ?? 0) : Math.min(row.created_at, wallNow)
    return Math.abs(then - row.created_at) > clockGrainMs ? { ...op, createdAt: iso(then) } : op
  }
  let wallAhead = now() - boot.now()
  /** Returns the boot clock's reading it took (os.uptime reads a file: once per look, not per op). */
  function followClockSteps(): number {
    const upNow = boot.now()
    const ahead = now() - upNow
    if (ahead < wallAhead - clockGrainMs) {
      try {
        sql.shiftAttempts.run({ step: ahead - wallAhead })
      } catch (error) {
        // The disk refused it (full, read-only): ops wait as planned, and the next look shifts them.
        // An enqueue must not fail for it: its own insert may still fit.
        if (!isStorageFault(error)) throw error
        return upNow
      }
    }
    // From one look to the next only: slow drift between the two clocks is never taken for a step.
    wallAhead = ahead
    return upNow
  }

  async function enqueue(kind: OperationKind, payload: unknown, opts: EnqueueOptions): Promise<Result<Enqueued>> {
    const kindCheck = operationKindSchema.safeParse(kind)
    if (!kindCheck.success) return fail('BAD_REQUEST', { field: 'kind' })
    // The authoritative check (main never trusts the renderer): field rules and cross-field checks.
    const parsed = await parseOperation(kind, payload)
    if (!parsed.ok) return parsed
    const summary = summarySchema.safeParse(opts.summary)
    if (!summary.success) return fail('INVALID_FIELD', { field: 'summary' })
    const value = parsed.value as Record<string, unknown>
    const { sealed, clear } = splitPayload(kind, value)
    const sealedStrings = stringsIn(sealed)
    if (Object.values(summary.data).some((value) => holdsSealedValue(value, sealedStrings))) {
      return fail('INVALID_FIELD', { field: 'summary' })
    }
    const idNumber = opts.accountIdNumber
    if (idNumber !== undefined && (typeof idNumber !== 'string' || normaliseIdNumber(idNumber).length === 0 || idNumber.length > 64)) {
      return fail('INVALID_FIELD', { field: 'accountIdNumber' })
    }
    const id = uuidv7()
    const box = await sealer.seal(sealed, sealingAad(id, kind))
    // Stamped by the clock as it is now, with nothing awaited between the stamp and the insert.
    const bootMs = followClockSteps()
    const createdAt = now()
    const serverAt = options.serverTime?.() ?? null
    const accountKey = idNumber === undefined ? undefined : accountKeyOf(options.accountKeySecret, idNumber)
    const build = (receipt: string) => {
      const op: WireOp = { id, kind, receipt, createdAt: iso(createdAt), keyId: options.keyId, clear, sealed: box }
      if (accountKey !== undefined) op.accountKey = accountKey
      return JSON.stringify(op)
    }
    let receipt: string
    try {
      receipt = insertOp(
        {
          id,
          kind,
          accountKey: accountKey ?? null,
          kioskBound: carriesKioskBoundField(value) ? 1 : 0,
          summary: JSON.stringify(summary.data),
          now: createdAt,
          bootId: boot.id,
          bootMs,
          serverAt,
        },
        build,
      )
    } catch (error) {
      if (!isStorageFault(error)) throw error
      // One transaction, rolled back: nothing of the op is in kiosk.db. The candidate's form is still
      // on their screen; staff learn of it on the dashboard and in the log.
      storageFault(error)
      return fail('STORAGE_UNAVAILABLE')
    }
    const v = view(id)
    if (v) {
      events.emit('enqueued', v)
      events.emit('opChanged', v)
    }
    return ok({ id, receipt })
  }

  const claimBatch = db.transaction((limits: { maxOps: number; maxBytes: number }): ClaimedBatch => {
    const upNow = followClockSteps()
    const t = now()
    const ops: WireOp[] = []
    const serverTimed = new Set<string>()
    // Room for the {"ops":[...]} envelope and the commas.
    let bytes = 16
    for (const row of sql.ready.all({ now: t, limit: Math.max(1, limits.maxOps) })) {
      if (row.body === null) continue
      if (ops.length > 0 && bytes + row.body_bytes + 1 > limits.maxBytes) break
      sql.markSending.run({ id: row.id, now: t })
      const op = JSON.parse(row.body) as WireOp
      // Made in an earlier boot: its stamp is in that boot's clock, which may have been set since (a
      // restart after the clock was put right, a reboot that lost the time). In the server's time of
      // its making, when the kiosk knew it, it is right whatever became of the clock.
      if (row.boot_id !== boot.id && row.server_at !== null) {
        ops.push({ ...op, createdAt: iso(row.server_at) })
        serverTimed.add(row.id)
      } else {
        ops.push(datedAgain(row, op, t, upNow))
      }
      bytes += row.body_bytes + 1
    }
    return { ops, bytes, serverTimed }
  })

  const recordResultsTx = db.transaction((results: readonly OpResult[]): string[] => {
    const t = now()
    const touched: string[] = []
    for (const r of results) {
      if (r.status === 'applied') {
        sql.final.run({ id: r.id, status: 'applied', result: JSON.stringify(r.result ?? {}), lastError: null, now: t })
      } else if (r.status === 'rejected') {
        const info = sql.final.run({ id: r.id, status: 'rejected', result: null, lastError: JSON.stringify(r.error), now: t })
        if (info.changes > 0) for (const f of sql.blockFollowers.all({ id: r.id, now: t })) touched.push(f.id)
      } else {
        sql.final.run({ id: r.id, status: 'pending', result: null, lastError: null, now: t })
      }
      touched.push(r.id)
    }
    return touched
  })

  const releaseTx = db.transaction(
    (ids: readonly string[], error: KioskError, delayMs: (attempts: number) => number, stuckAfter: number, maybeSent: boolean) => {
      const t = now()
      const lastError = JSON.stringify(error)
      for (const id of ids) {
        const attempts = sql.attemptsOf.get(id)?.attempts ?? 1
        sql.release.run({ id, nextAt: t + Math.max(0, delayMs(attempts)), lastError, stuckAfter, maybeSent: maybeSent ? 1 : 0, now: t })
      }
    },
  )

  /** The WHERE clause of a list filter and its parameters; null when nothing can match. */
  function whereOf(filter: ListFilter): { sql: string; params: Record<string, string | number> } | null {
    const where: string[] = []
    const params: Record<string, string | number> = {}
    const statuses = filter.status === undefined ? [] : typeof filter.status === 'string' ? [filter.status] : filter.status
    const known = statuses.filter((s) => (opStatuses as readonly string[]).includes(s))
    if (statuses.length > 0) {
      if (known.length === 0) return null
      where.push(`status IN (${known.map((_, i) => `@s${i}`).join(', ')})`)
      known.forEach((s, i) => (params[`s${i}`] = s))
    }
    if (filter.stuck) where.push('stuck = 1')
    if (filter.receipt !== undefined) {
      const code = normaliseReceipt(filter.receipt).replace(/[^0-9A-Z]/g, '')
      if (code.length === 0) return null
      where.push(`receipt LIKE @receipt`)
      params.receipt = `%${code}%`
    }
    return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params }
  }

  function list(filter: ListFilter = {}): OpView[] {
    const where = whereOf(filter)
    if (!where) return []
    const params = {
      ...where.params,
      limit: Math.min(Math.max(Math.trunc(filter.limit ?? 100), 1), 1000),
      offset: Math.max(Math.trunc(filter.offset ?? 0), 0),
    }
    const rows = db
      .prepare<Record<string, string | number>, OpRow>(`SELECT * FROM ops ${where.sql} ORDER BY seq DESC LIMIT @limit OFFSET @offset`)
      .all(params)
    return rows.map(toView)
  }

  function count(filter: ListFilter = {}): number {
    const where = whereOf(filter)
    if (!where) return 0
    return db.prepare<Record<string, string | number>, { n: number }>(`SELECT COUNT(*) AS n FROM ops ${where.sql}`).get(where.params)?.n ?? 0
  }

  function madeWithin(windowMs: number, { atMost, except }: { atMost: number; except?: (summary: Record<string, string>) => boolean }): number[] {
    const ages: number[] = []
    if (atMost <= 0) return ages
    const wallNow = now()
    const upNow = boot.now()
    try {
      for (const row of sql.newestFirst.iterate()) {
        // Another boot's op was made before this outbox opened, whatever its createdAt says: a wall
        // clock set back before a restart would otherwise keep it in the window for as long again.
        const age = row.boot_id === boot.id && row.boot_ms !== null ? upNow - row.boot_ms : Math.max(wallNow - row.created_at, upNow - openedUp)
        if (age >= windowMs) break
        if (except?.(JSON.parse(row.summary) as Record<string, string>)) continue
        ages.push(age)
        if (ages.length >= atMost) break
      }
    } catch (fault) {
      if (!isStorageFault(fault)) throw fault
      return []
    }
    return ages
  }

  /**
   * The last error as staff see it: kept in memory too, since a disk that is full or read-only refuses
   * to store it, and then the dashboard would say nothing at all.
   */
  let lastErrorSeen: { error: KioskError; at: string } | null = null
  function recordSyncError(error: KioskError) {
    const entry = { error, at: iso(now()) }
    lastErrorSeen = entry
    try {
      sql.setState.run({ key: 'lastError', value: JSON.stringify(entry) })
    } catch (fault) {
      if (!isStorageFault(fault)) throw fault
    }
  }
  function storageFault(error: unknown) {
    recordSyncError({ code: 'STORAGE_UNAVAILABLE' })
    options.onStorageFault?.(error)
  }

  function summary(): QueueSummary {
    const depth = Object.fromEntries(opStatuses.map((s) => [s, 0])) as Record<OpStatus, number>
    for (const { status, n } of sql.depth.all()) depth[status] = n
    const oldest = sql.oldestWaiting.get({ bootId: boot.id, upNow: boot.now(), now: now() })?.age ?? null
    const lastSuccess = sql.getState.get('lastSuccessAt')?.value ?? null
    const lastErrorRaw = sql.getState.get('lastError')?.value
    const stored = lastErrorRaw ? (JSON.parse(lastErrorRaw) as { error: KioskError; at: string }) : null
    const lastError = lastErrorSeen && (!stored || Date.parse(lastErrorSeen.at) >= Date.parse(stored.at)) ? lastErrorSeen : stored
    return {
      depth,
      stuck: sql.stuckCount.get()?.n ?? 0,
      oldestQueuedAgeSeconds: oldest === null ? null : Math.max(0, Math.round(oldest / 1000)),
      lastSuccessfulSyncAt: lastSuccess,
      lastError,
    }
  }

  function cancel(id: string, reason: CancelReason): Result<OpView> {
    if (!(cancelReasons as readonly string[]).includes(reason)) return fail('INVALID_FIELD', { field: 'reason' })
    const row = sql.byId.get(id)
    if (!row) return fail('OP_NOT_FOUND')
    if (!isCancellable(row)) return fail('BAD_REQUEST')
    sql.cancel.run({ id, reason, now: now() })
    changed([id])
    return ok(view(id) as OpView)
  }

  function retry(id: string): Result<OpView> {
    const row = sql.byId.get(id)
    if (!row) return fail('OP_NOT_FOUND')
    if (row.status !== 'blocked' && row.status !== 'queued') return fail('BAD_REQUEST')
    sql.retry.run({ id, now: now() })
    changed([id])
    return ok(view(id) as OpView)
  }

  return {
    events,
    file: options.file,
    get open() {
      return db.open
    },
    enqueue,
    get: view,
    findByReceipt(receipt) {
      const row = sql.byReceipt.get(normaliseReceipt(receipt))
      return row ? toView(row) : undefined
    },
    list,
    count,
    madeWithin,
    summary,
    cancel,
    retry,
    hurryWaiting() {
      const ids = sql.hurryWaiting.all({ now: now() }).map((r) => r.id)
      changed(ids)
      return ids.length
    },
    purgeExpired: () => sql.purge.run({ before: now() - retentionMs() }).changes,
    claimBatch(limits) {
      const batch = claimBatch(limits)
      changed(batch.ops.map((o) => o.id))
      return batch
    },
    recordResults(results) {
      changed(recordResultsTx(results))
    },
    recordDecision(r) {
      const t = now()
      if (r.status === 'pending') sql.touchPending.run({ id: r.id, now: t })
      else if (r.status === 'applied') {
        sql.decide.run({ id: r.id, status: 'applied', result: JSON.stringify(r.result ?? {}), lastError: null, now: t })
      } else sql.decide.run({ id: r.id, status: 'rejected', result: null, lastError: JSON.stringify(r.error), now: t })
      if (r.status !== 'pending') changed([r.id])
    },
    releaseForRetry(ids, error, delayMs, stuckAfter, outcome = { maybeSent: true }) {
      releaseTx(ids, error, delayMs, stuckAfter, outcome.maybeSent)
      changed(ids)
    },
    pendingIds: (limit) => sql.pending.all(limit).map((r) => r.id),
    nextAttemptAt: () => sql.nextAttempt.get()?.at ?? null,
    recordSyncSuccess: () => {
      try {
        sql.setState.run({ key: 'lastSuccessAt', value: iso(now()) })
      } catch (fault) {
        if (!isStorageFault(fault)) throw fault
      }
    },
    recordSyncError,
    checkpoint: () => {
      if (db.open) checkpoint(db)
    },
    close: () => {
      sealer.forget()
      db.close()
    },
  }
}
