import type Database from 'better-sqlite3'

/**
 * Versioned schema of kiosk.db, applied in order inside one transaction each; PRAGMA user_version
 * records how far a file has come. Never edit a shipped migration: append a new one.
 */
export const migrations: readonly string[] = [
  // 1: the outbox. `body` is the op as sent on the wire (clear fields + the HPKE-sealed box); it is
  // set to NULL as soon as the server has the op. `summary` holds masked display values only.
  `
  CREATE TABLE ops (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT    NOT NULL UNIQUE,
    kind            TEXT    NOT NULL,
    receipt         TEXT    NOT NULL UNIQUE,
    account_key     TEXT,
    status          TEXT    NOT NULL CHECK (status IN ('queued','sending','pending','applied','rejected','blocked','cancelled')),
    body            TEXT,
    body_bytes      INTEGER NOT NULL,
    summary         TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    result          TEXT,
    stuck           INTEGER NOT NULL DEFAULT 0,
    blocked_by      TEXT,
    cancel_reason   TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    final_at        INTEGER
  );
  CREATE INDEX ops_by_status ON ops (status, seq);
  CREATE INDEX ops_by_account ON ops (account_key, seq) WHERE account_key IS NOT NULL;
  CREATE INDEX ops_by_final ON ops (final_at) WHERE final_at IS NOT NULL;
  CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 2: when an op was made by the machine's boot clock (uptime, which counts sleep and which nobody
  // sets) and in which boot: its date can be told again in the wall clock after that clock is set.
  `
  ALTER TABLE ops ADD COLUMN boot_id TEXT;
  ALTER TABLE ops ADD COLUMN boot_ms REAL;
  `,
  // 3: whether the server may hold an op without the kiosk knowing its answer: a push of it got no
  // answer, or one that does not tell (a 5xx, a lost or unreadable response). A definite refusal of
  // the whole request (401, 429, the server's own 4xx) stored nothing and does not count. Ops of an
  // older file that were ever claimed may have been sent: counted as such.
  `
  ALTER TABLE ops ADD COLUMN maybe_sent INTEGER NOT NULL DEFAULT 0;
  UPDATE ops SET maybe_sent = 1 WHERE attempts > 0 OR status = 'sending';
  `,
  // 4: whether an op carries a session or a verification token (operations.ts kioskBoundFields): the
  // server applies it only for this kiosk id, so a new enrolment waits for it. An older file's
  // payloads are sealed: its ops of the kinds that may carry one count as carrying one.
  `
  ALTER TABLE ops ADD COLUMN kiosk_bound INTEGER NOT NULL DEFAULT 0;
  UPDATE ops SET kiosk_bound = 1
    WHERE kind IN ('register', 'resetPassword', 'updateProfile', 'changeMobile', 'changePassword', 'verifyMobile', 'verifyEmail');
  `,
  // 5: the central server's time when the op was made, when the kiosk knew it (its clock read from an
  // answer, and not set since). An op from an earlier boot is sent dated by it: its own stamp is in
  // that boot's clock, which may have been set since (NULL: older ops, or the server's time unknown).
  `
  ALTER TABLE ops ADD COLUMN server_at INTEGER;
  `,
]

export const schemaVersion = migrations.length

/** The pragmas every connection to kiosk.db uses (the bench measures a bare insert with the same). */
export function applyPragmas(db: Database.Database): void {
  db.pragma('journal_mode = WAL')
  // FULL: a commit is on disk before enqueue returns, so "saved" survives a power cut, not only a crash.
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  // Checkpoints run when the kiosk is idle (`checkpoint()` below, after each sync pass and on the
  // engine's tick), not inside the commit that happens to fill the WAL: with SQLite's default of
  // 1,000 pages, one enqueue in about 170 paid for copying the whole WAL into the database. The
  // automatic checkpoint stays as a backstop, and the WAL file is cut back to 4 MiB afterwards.
  db.pragma('wal_autocheckpoint = 10000')
  db.pragma('journal_size_limit = 4194304')
  // A final op's sealed payload is overwritten on disk, not only unlinked from its row.
  db.pragma('secure_delete = ON')
}

/**
 * Copies what the WAL holds into the database file without waiting for, or blocking, anyone
 * (PASSIVE). For idle moments: it costs a few milliseconds per thousand pages.
 */
export function checkpoint(db: Database.Database): void {
  db.pragma('wal_checkpoint(PASSIVE)')
}

export function migrate(db: Database.Database): void {
  const current = Number(db.pragma('user_version', { simple: true }))
  if (current > migrations.length) {
    throw new Error(`kiosk.db is at schema ${current}, newer than this build (${migrations.length})`)
  }
  for (let version = current; version < migrations.length; version++) {
    const sql = migrations[version] as string
    db.transaction(() => {
      db.exec(sql)
      db.pragma(`user_version = ${version + 1}`)
    })()
  }
}
