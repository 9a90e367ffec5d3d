import Database from 'better-sqlite3'
import { ownerOnly } from '../../../sync/ownerOnly'

/**
 * The supervisor's tables live in kiosk.db beside the outbox (sync/), which migrates its own tables
 * and records its progress in PRAGMA user_version. Ours never touch that pragma: every table is
 * prefixed `supervisor_` and `supervisor_schema` lists the versions applied here. Never edit a
 * shipped migration: append a new one.
 */
const migrations: readonly string[] = [
  // 1: settings, secrets (protected blobs only), the PIN with its lockout state, and the audit log.
  `
  CREATE TABLE supervisor_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE TABLE supervisor_secrets (
    name TEXT PRIMARY KEY,
    blob BLOB NOT NULL
  );
  CREATE TABLE supervisor_pin (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    hash            TEXT    NOT NULL,
    failures        INTEGER NOT NULL DEFAULT 0,
    locks           INTEGER NOT NULL DEFAULT 0,
    locked_at       INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER NOT NULL DEFAULT 0,
    changed_at      INTEGER NOT NULL
  );
  CREATE TABLE supervisor_audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    actor_id    TEXT,
    actor_name  TEXT,
    action      TEXT    NOT NULL,
    detail      TEXT    NOT NULL,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
  );
  `,
]

export const supervisorSchemaVersion = migrations.length

/**
 * Append-only audit: UPDATE and DELETE abort. Created on every open (not only in a migration) so a
 * trigger someone dropped comes back at the next start; the hash chain is what detects what was
 * done in between.
 */
const auditTriggers = `
  CREATE TRIGGER IF NOT EXISTS supervisor_audit_no_update BEFORE UPDATE ON supervisor_audit
  BEGIN SELECT RAISE(ABORT, 'supervisor_audit is append-only'); END;
  CREATE TRIGGER IF NOT EXISTS supervisor_audit_no_delete BEFORE DELETE ON supervisor_audit
  BEGIN SELECT RAISE(ABORT, 'supervisor_audit is append-only'); END;
`

export function openSupervisorDatabase(file: string, nativeBinding?: string): Database.Database {
  ownerOnly(file)
  const db = new Database(file, nativeBinding ? { nativeBinding } : {})
  try {
    db.pragma('journal_mode = WAL')
    // FULL: a PIN failure or an audit row is on disk before the call returns, so a power cut does not
    // hand an attacker a fresh set of tries.
    db.pragma('synchronous = FULL')
    db.pragma('busy_timeout = 5000')
    migrateSupervisor(db)
    db.exec(auditTriggers)
  } catch (error) {
    db.close()
    throw error
  }
  return db
}

export function migrateSupervisor(db: Database.Database, now: () => number = Date.now): void {
  db.exec(
    `CREATE TABLE IF NOT EXISTS supervisor_schema (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`,
  )
  const applied = db.prepare<[], { version: number }>(`SELECT max(version) AS version FROM supervisor_schema`)
  const record = db.prepare<[number, number]>(
    `INSERT INTO supervisor_schema (version, applied_at) VALUES (?, ?)`,
  )
  const current = applied.get()?.version ?? 0
  if (current > migrations.length) {
    throw new Error(`kiosk.db has supervisor schema ${current}, newer than this build (${migrations.length})`)
  }
  for (let version = current + 1; version <= migrations.length; version++) {
    // IMMEDIATE: the outbox may be migrating the same file from another connection at the same time.
    db.transaction(() => {
      // Re-read inside the write lock: another connection may have applied it meanwhile.
      if ((applied.get()?.version ?? 0) >= version) return
      db.exec(migrations[version - 1] as string)
      record.run(version, now())
    }).immediate()
  }
}
