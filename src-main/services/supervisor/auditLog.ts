import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import { z } from 'zod'
import { fail, ok, type Result } from '../../../src-common/errors'
import { staffIdSchema, staffNameSchema, staffProblem } from '../../../src-common/rules/staffRule'
import { cancelReasons } from '../../../sync/outbox'
import { receiptPattern } from '../../../sync/receipt'
import { kioskSettingKeys } from './kioskSettingsSchema'

/**
 * The supervisor audit log: one append-only table (SQLite triggers abort UPDATE and DELETE) where
 * each row stores SHA-256(previous row's hash + its own canonical content). Details are structured
 * per action from closed lists (op ids, receipt codes, setting names), so no free text, and with it
 * no PIN, password, ID number or mobile, can reach the log.
 */

export const auditActions = [
  'enter',
  'leave',
  'wrongPin',
  'lockout',
  'syncNow',
  'pause',
  'resume',
  'cancel',
  'retry',
  'attestedReset',
  'appealFiled',
  'settingChanged',
  'pinChanged',
  'setup',
  'quit',
  'auditExported',
] as const
export type AuditAction = (typeof auditActions)[number]

const opId = z.uuid()
const receipt = z.string().regex(receiptPattern)
const none = z.strictObject({})

const detailSchemas = {
  enter: none,
  /** closed: the app shut down while supervisor mode was on. */
  leave: z.strictObject({ reason: z.enum(['explicit', 'idle', 'closed', 'reloaded']) }),
  /** failures: wrong PINs in a row so far. */
  wrongPin: z.strictObject({ failures: z.number().int().positive() }),
  /** lock: the how-manieth lock in a row; seconds: how long it lasts. */
  lockout: z.strictObject({ lock: z.number().int().positive(), seconds: z.number().int().positive() }),
  syncNow: none,
  pause: none,
  resume: none,
  /** receipt: what staff and the candidate read; entries written before it was recorded have only opId. */
  cancel: z.strictObject({ opId, receipt, reason: z.enum(cancelReasons) }),
  retry: z.strictObject({ opId, receipt }),
  attestedReset: z.strictObject({ opId, receipt }),
  appealFiled: z.strictObject({ opId, receipt }),
  /** value: the new value; settings hold no personal data (names of the kiosk and centre, URLs, numbers). */
  settingChanged: z.strictObject({
    key: z.enum([...kioskSettingKeys, 'enrolment', 'accountKey']),
    value: z.union([z.string().max(2048), z.number(), z.null()]),
  }),
  pinChanged: none,
  setup: z.strictObject({ demo: z.boolean() }),
  quit: z.strictObject({ to: z.enum(['quit', 'desktop']) }),
  /** The log itself written to the export folder (who took a copy of it, and when). */
  auditExported: none,
} satisfies Record<AuditAction, z.ZodType>

export type AuditDetail = { [A in AuditAction]: z.infer<(typeof detailSchemas)[A]> }

/**
 * Who did it, as the staff member gave it at the PIN pad (optional). A staff number or a name, never
 * an ID-document number: names carry no digits, and no leading = + - @ (spreadsheet formulas).
 */
export const auditActorSchema = z.strictObject({
  staffId: staffIdSchema.optional(),
  name: staffNameSchema.optional(),
})
export type AuditActor = z.infer<typeof auditActorSchema>

export type AuditInput = {
  [A in AuditAction]: { action: A; detail: AuditDetail[A]; actor?: AuditActor | null }
}[AuditAction]

export interface AuditEntry {
  id: number
  /** ISO time. */
  at: string
  actor: AuditActor | null
  /**
   * Who wrote a row without staff (actor null), as 操作日志 says it: the first set-up (the wizard, and
   * the demo kiosk's link to the centre as it first starts: every row up to the `setup` row), or the
   * kiosk itself afterwards (sync resumed as staff left). Derived when read, not stored.
   */
  by?: 'setup' | 'kiosk'
  action: AuditAction
  detail: Record<string, unknown>
  prevHash: string
  hash: string
}

export type ChainCheck =
  | { intact: true; rows: number }
  | {
      intact: false
      /** The first row that does not fit (after a deleted row: the one after the gap; after a cut tail: one past the last row). */
      firstBrokenId: number
      reason: 'hashMismatch' | 'gap' | 'truncated'
    }

export interface AuditPage {
  total: number
  entries: AuditEntry[]
}

export interface AuditLog {
  append(input: AuditInput): Result<AuditEntry>
  /** Newest first. */
  list(options?: { limit?: number; offset?: number }): AuditPage
  /** The newest row's id and hash: worth writing down or sending away, as nothing on the kiosk can vouch for the tail. */
  head(): { id: number; hash: string } | null
  exportCsv(): string
  verifyChain(): ChainCheck
}

export const genesisHash = '0'.repeat(64)

interface AuditRow {
  id: number
  at: number
  actor_id: string | null
  actor_name: string | null
  action: string
  detail: string
  prev_hash: string
  hash: string
}

/** JSON with sorted keys: the same detail always gives the same bytes. */
function canonicalDetail(detail: Record<string, unknown>): string {
  return JSON.stringify(
    Object.fromEntries(Object.entries(detail).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  )
}

export function rowHash(row: Omit<AuditRow, 'hash'>): string {
  const content = JSON.stringify([row.id, row.at, row.actor_id, row.actor_name, row.action, row.detail])
  return createHash('sha256').update(row.prev_hash).update(content).digest('hex')
}

function toEntry(row: AuditRow): AuditEntry {
  const actor: AuditActor = {}
  if (row.actor_id !== null) actor.staffId = row.actor_id
  if (row.actor_name !== null) actor.name = row.actor_name
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    actor: row.actor_id === null && row.actor_name === null ? null : actor,
    action: row.action as AuditAction,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  }
}

/**
 * A moment in the kiosk's local time with its UTC offset (2026-11-30T19:56:39.000+08:00): what the
 * screen and the export's file name show, and still one exact instant for anyone reading it later.
 */
export function localIsoTime(ms: number): string {
  const at = new Date(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  const offset = -at.getTimezoneOffset()
  const sign = offset >= 0 ? '+' : '-'
  const zone = `${sign}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`
  const date = `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}`
  const millis = String(at.getMilliseconds()).padStart(3, '0')
  return `${date}T${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}.${millis}${zone}`
}

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled; records end with CRLF. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/** INVALID_FIELD (field actor) for an actor the log would refuse: check at the boundary, before anything is written. */
export function checkActor(actor: AuditActor | null | undefined): Result<AuditActor | null> {
  if (actor === null || actor === undefined) return ok(null)
  const parsed = auditActorSchema.safeParse(actor)
  if (parsed.success) return ok(parsed.data)
  const rule = staffProblem(actor.staffId ?? '', actor.name ?? '')
  return fail('INVALID_FIELD', { field: 'actor', ...(rule ? { rule } : {}) })
}

/** What the supervisor services use inside their own transactions: a refused row is a bug there, so it throws (and rolls back). */
export interface AuditRecorder extends AuditLog {
  record(input: AuditInput): AuditEntry
}

export function createAuditLog(db: Database.Database, now: () => number): AuditRecorder {
  const sql = {
    last: db.prepare<[], Pick<AuditRow, 'id' | 'hash'>>(
      `SELECT id, hash FROM supervisor_audit ORDER BY id DESC LIMIT 1`,
    ),
    // AUTOINCREMENT's high-water mark: it survives the deletion of the newest rows.
    sequence: db.prepare<[], { seq: number }>(
      `SELECT seq FROM sqlite_sequence WHERE name = 'supervisor_audit'`,
    ),
    insert: db.prepare<AuditRow>(`
      INSERT INTO supervisor_audit (id, at, actor_id, actor_name, action, detail, prev_hash, hash)
      VALUES (@id, @at, @actor_id, @actor_name, @action, @detail, @prev_hash, @hash)`),
    count: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM supervisor_audit`),
    page: db.prepare<{ limit: number; offset: number }, AuditRow>(
      `SELECT * FROM supervisor_audit ORDER BY id DESC LIMIT @limit OFFSET @offset`,
    ),
    all: db.prepare<[], AuditRow>(`SELECT * FROM supervisor_audit ORDER BY id`),
    setupId: db.prepare<[], { id: number }>(`SELECT id FROM supervisor_audit WHERE action = 'setup' ORDER BY id LIMIT 1`),
  }

  const highWater = (): number => sql.sequence.get()?.seq ?? 0

  const insert = db.transaction((row: Omit<AuditRow, 'id' | 'prev_hash' | 'hash'>): AuditRow => {
    const last = sql.last.get()
    // Past the high-water mark, not past the last row: after a deleted tail the gap stays visible.
    const id = Math.max(highWater(), last?.id ?? 0) + 1
    const unhashed = { ...row, id, prev_hash: last?.hash ?? genesisHash }
    const full = { ...unhashed, hash: rowHash(unhashed) }
    sql.insert.run(full)
    return full
  })

  function append(input: AuditInput): Result<AuditEntry> {
    // The type says so, but the lead's IPC handlers pass on what the renderer sent.
    if (!(auditActions as readonly string[]).includes(input.action))
      return fail('INVALID_FIELD', { field: 'action' })
    const detail = detailSchemas[input.action].safeParse(input.detail)
    if (!detail.success) return fail('INVALID_FIELD', { field: 'detail' })
    const actor = auditActorSchema.safeParse(input.actor ?? {})
    if (!actor.success) return fail('INVALID_FIELD', { field: 'actor' })
    const row = insert.immediate({
      at: now(),
      actor_id: actor.data.staffId ?? null,
      actor_name: actor.data.name ?? null,
      action: input.action,
      detail: canonicalDetail(detail.data),
    })
    return ok(toEntry(row))
  }

  return {
    append,

    record(input) {
      const appended = append(input)
      if (!appended.ok) throw new Error(`Audit row refused: ${input.action} ${appended.error.field ?? ''}`)
      return appended.value
    },

    list({ limit = 50, offset = 0 } = {}) {
      const safeLimit = Math.min(Math.max(Math.trunc(limit), 1), 500)
      const safeOffset = Math.max(Math.trunc(offset), 0)
      const setupId = sql.setupId.get()?.id ?? Infinity
      return {
        total: sql.count.get()?.n ?? 0,
        entries: sql.page.all({ limit: safeLimit, offset: safeOffset }).map((row) => {
          const entry = toEntry(row)
          return entry.actor === null ? { ...entry, by: entry.id <= setupId ? 'setup' : 'kiosk' } : entry
        }),
      }
    },

    head() {
      return sql.last.get() ?? null
    },

    exportCsv() {
      const header = ['id', 'time', 'staffId', 'staffName', 'action', 'detail', 'prevHash', 'hash']
      const lines = [header.join(',')]
      for (const row of sql.all.iterate()) {
        const cells = [
          String(row.id),
          localIsoTime(row.at),
          row.actor_id ?? '',
          row.actor_name ?? '',
          row.action,
          row.detail,
          row.prev_hash,
          row.hash,
        ]
        lines.push(cells.map(csvField).join(','))
      }
      return lines.join('\r\n') + '\r\n'
    },

    verifyChain() {
      let expectedId = 1
      let prev = genesisHash
      for (const row of sql.all.iterate()) {
        if (row.id !== expectedId) return { intact: false, firstBrokenId: row.id, reason: 'gap' }
        if (row.prev_hash !== prev || rowHash(row) !== row.hash) {
          return { intact: false, firstBrokenId: row.id, reason: 'hashMismatch' }
        }
        prev = row.hash
        expectedId++
      }
      if (highWater() >= expectedId) return { intact: false, firstBrokenId: expectedId, reason: 'truncated' }
      return { intact: true, rows: expectedId - 1 }
    },
  }
}
