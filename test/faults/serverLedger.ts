import Database from 'better-sqlite3'
import { join } from 'node:path'
import type { Outbox } from '../../sync/outbox'

/**
 * What the central server holds, read straight from its database (central.db): the ground truth
 * for "every op ends applied or rejected exactly once on the server, and none is lost".
 */
export interface ServerLedger {
  /** Problems found for these kiosk ops; empty when all is well. */
  check(outbox: Outbox, ids: readonly string[], orderedLines: readonly (readonly string[])[]): string[]
  close(): void
}

export function openServerLedger(centralDataDir: string): ServerLedger {
  const db = new Database(join(centralDataDir, 'central.db'), { readonly: true, fileMustExist: true })
  const opRows = db.prepare<[string], { rowid: number; status: string; error: string | null }>(
    'SELECT rowid, status, error FROM ops WHERE id = ?',
  )
  const appealCount = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM appeals WHERE op_id = ?')
  // Effects no constraint limits to one: an account's audit row per op applied (registered, password
  // changed ...). A second application of an op would add a second row; a rejected op adds none.
  const auditCount = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM account_audit WHERE op_id = ?')
  return {
    check(outbox, ids, orderedLines) {
      const problems: string[] = []
      const rowids = new Map<string, number>()
      for (const id of ids) {
        const local = outbox.get(id)
        const rows = opRows.all(id)
        if (!local) {
          problems.push(`${id}: lost on the kiosk`)
          continue
        }
        if (rows.length !== 1) {
          problems.push(`${id}: ${rows.length} rows on the server`)
          continue
        }
        const row = rows[0] as { rowid: number; status: string; error: string | null }
        rowids.set(id, row.rowid)
        const kioskStatus = local.status
        if (kioskStatus !== row.status) problems.push(`${id}: kiosk says ${kioskStatus}, server says ${row.status}`)
        if (row.status === 'rejected') {
          const serverCode = (JSON.parse(row.error ?? '{}') as { code?: string }).code
          if (local.lastError?.code !== serverCode) problems.push(`${id}: kiosk error ${local.lastError?.code}, server ${serverCode}`)
        }
        const appeals = appealCount.get(id)?.n ?? 0
        if (appeals > 1) problems.push(`${id}: appeal stored ${appeals} times`)
        const audits = auditCount.get(id)?.n ?? 0
        if (audits > 1) problems.push(`${id}: applied ${audits} times (audit)`)
        if (row.status === 'rejected' && audits > 0) problems.push(`${id}: rejected, yet applied (audit)`)
        if (local.kind === 'register' && row.status === 'applied' && audits !== 1) problems.push(`${id}: registered ${audits} times (audit)`)
      }
      // The server received each account's ops in the order the kiosk queued them.
      for (const line of orderedLines) {
        const seen = line.map((id) => rowids.get(id) ?? -1)
        for (let k = 1; k < seen.length; k++) {
          if ((seen[k] as number) < (seen[k - 1] as number)) problems.push(`account line out of order: ${line.join(',')}`)
        }
      }
      return problems
    },
    close: () => db.close(),
  }
}
