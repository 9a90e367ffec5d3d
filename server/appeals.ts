import type { Db } from './database'
import { normalize } from './accounts'
import { maskEmail, maskIdNumber, maskMobile, maskName } from './masking'

export interface AppealListing {
  id: string
  status: string
  occupied: string
  name: string
  idNumber: string
  mobile: string
  email: string
  createdAt: number
  /** Whether an account still holds the claimed identifier. */
  holderExists: boolean
}

interface AppealRow {
  id: string
  op_id: string
  occupied: 'idNumber' | 'mobile' | 'email'
  id_number: string
  name: string
  mobile: string
  email: string
  status: string
  created_at: number
}

const column = { idNumber: 'id_number', mobile: 'mobile', email: 'email' } as const
const occupiedCode = { idNumber: 'ID_OCCUPIED', mobile: 'MOBILE_OCCUPIED', email: 'EMAIL_OCCUPIED' } as const

function holderOf(db: Db, appeal: AppealRow): { id: string } | undefined {
  const value = appeal.occupied === 'idNumber' ? normalize.idNumber(appeal.id_number) : appeal[appeal.occupied]
  return db.prepare<[string], { id: string }>(`SELECT id FROM accounts WHERE ${column[appeal.occupied]} = ?`).get(value)
}

/** Appeals for the administrator's list (masked: the console is not a place for personal data either). */
export function listAppeals(db: Db, status?: string): AppealListing[] {
  const rows = db
    .prepare<[], AppealRow>('SELECT * FROM appeals ORDER BY created_at')
    .all()
    .filter((row) => !status || row.status === status)
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    occupied: row.occupied,
    name: maskName(row.name),
    idNumber: maskIdNumber(row.id_number),
    mobile: maskMobile(row.mobile),
    email: maskEmail(row.email),
    createdAt: row.created_at,
    holderExists: holderOf(db, row) !== undefined,
  }))
}

export type DecisionResult = { ok: true; freedFrom: string | null } | { ok: false; reason: 'not-found' | 'already-decided' }

/**
 * Accepting frees the claimed identifier from the account holding it (recorded in that account's
 * audit) and marks the appeal's op applied; rejecting marks the op rejected with the occupied code.
 * IMMEDIATE: run beside the server (`appeals accept`), a transaction that read first would not wait
 * for the write lock the server holds through each burst of ops: SQLite refuses it at once (BUSY).
 */
export function decideAppeal(db: Db, id: string, decision: 'accept' | 'reject', now = Date.now()): DecisionResult {
  return db.transaction((): DecisionResult => {
    const appeal = db.prepare<[string], AppealRow>('SELECT * FROM appeals WHERE id = ?').get(id)
    if (!appeal) return { ok: false, reason: 'not-found' }
    if (appeal.status !== 'pending') return { ok: false, reason: 'already-decided' }
    let freedFrom: string | null = null
    if (decision === 'accept') {
      const holder = holderOf(db, appeal)
      if (holder) {
        freedFrom = holder.id
        const verifiedColumn =
          appeal.occupied === 'mobile' ? ', mobile_verified = 0' : appeal.occupied === 'email' ? ', email_verified = 0' : ''
        db.prepare(`UPDATE accounts SET ${column[appeal.occupied]} = NULL${verifiedColumn}, updated_at = ? WHERE id = ?`).run(
          now,
          holder.id,
        )
        db.prepare(
          `INSERT INTO account_audit (account_id, at, event, detail) VALUES (?, ?, 'identifierFreedByAppeal', ?)`,
        ).run(holder.id, now, JSON.stringify({ appealId: id, identifier: appeal.occupied }))
      }
      db.prepare(`UPDATE ops SET status = 'applied', result = ?, error = NULL, updated_at = ? WHERE id = ?`).run(
        JSON.stringify({ appealId: id, decision: 'accepted' }),
        now,
        appeal.op_id,
      )
    } else {
      db.prepare(`UPDATE ops SET status = 'rejected', result = NULL, error = ?, updated_at = ? WHERE id = ?`).run(
        JSON.stringify({ code: occupiedCode[appeal.occupied] }),
        now,
        appeal.op_id,
      )
    }
    db.prepare('UPDATE appeals SET status = ?, decided_at = ?, freed_from = ? WHERE id = ?').run(
      decision === 'accept' ? 'accepted' : 'rejected',
      now,
      freedFrom,
      id,
    )
    return { ok: true, freedFrom }
  }).immediate()
}
