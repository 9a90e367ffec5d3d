import Database from 'better-sqlite3'
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs'
import { join } from 'node:path'
import { migrations } from './migrations'

export type Db = Database.Database

/** Applies the migrations this file has not had yet (migrations.ts), each in its own transaction. */
function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number
  migrations.forEach(({ sql }, index) => {
    const version = index + 1
    if (version <= current) return
    db.transaction(() => {
      db.exec(sql)
      db.pragma(`user_version = ${version}`)
    })()
  })
}

/** The data folder, made for the server's user only if it is not there. */
export function makeDataFolder(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
}

/**
 * `central.db` in the data folder, or with dataDir null a database in memory only, gone when it is
 * closed (the kiosk's demo mode: nothing of the server's accounts is written to the kiosk's disk).
 * nativeBinding: better-sqlite3's Electron build, when the kiosk runs this server in demo mode.
 * check: look the whole file over first (the last server on it did not stop cleanly), see checkIntact.
 */
export function openDatabase(dataDir: string | null, nativeBinding?: string, options: { check?: boolean } = {}): Db {
  if (dataDir !== null) makeDataFolder(dataDir)
  const file = dataDir === null ? ':memory:' : join(dataDir, 'central.db')
  if (dataDir !== null) {
    // Accounts and the kiosks' signing secrets: the server's user only. SQLite would make the file
    // with the umask's mode (0644 under the usual 022), and makes the -wal and -shm with the file's;
    // a data folder the administrator made may be open to all. Created empty with the mode first,
    // so that no other user can open it in between.
    if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600))
    for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600)
  }
  const db = new Database(file, nativeBinding ? { nativeBinding } : {})
  if (dataDir !== null) {
    db.pragma('journal_mode = WAL')
    // WAL + FULL: a commit survives a power cut too. An answer leaves only after its commit (group
    // commit, groupCommit.ts), and a kiosk forgets an op the server said it applied: a commit lost
    // after the answer would lose the op. Group commit pays one sync per burst, not per op.
    db.pragma('synchronous = FULL')
  }
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  try {
    if (options.check) checkIntact(db)
    migrate(db)
  } catch (error) {
    db.close()
    throw error
  }
  return db
}

/**
 * A page damaged deep inside central.db (a disk error, a power cut on a disk that lies about its
 * flushes) passes the open: the server starts, then stops at the first commit that touches it, and
 * its supervisor starts it again, and again. PRAGMA quick_check reads every page and finds it first:
 * on 100,000 ops (86 MB) it took 0.26-0.38 s with the file in the page cache and 1.5-2.4 s from the
 * disk (a start from a cold cache went from 3.6-4.1 s to 7.8 s), growing with the file, so it runs
 * only after a server did not stop cleanly (dataFolderLock.ts), not at every start. Thrown as SQLite's own SQLITE_CORRUPT, with what the check found first.
 */
function checkIntact(db: Db): void {
  const found = (db.pragma('quick_check(1)') as { quick_check: string }[]).map((row) => row.quick_check)
  if (found[0] === 'ok') return
  throw Object.assign(new Error(`quick_check found: ${found.join('; ').replace(/\s*\n\s*/g, ' ')}`), { code: 'SQLITE_CORRUPT' })
}

/**
 * SQLite's word that a file is damaged, or is no database at all (checkIntact's finding too):
 * opening it again does not help.
 */
export function isDamage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')
}

/**
 * SQLite's word that the disk failed it (SQLITE_IOERR and its extended codes: _READ, _SHORT_READ,
 * _FSTAT...): the file may be whole, and the next read may pass (a cable, a controller, a full queue).
 */
export function isDiskError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('SQLITE_IOERR')
}

/** What a request that read central.db may meet from the file or its disk: answered 503, not a 500 per request. */
export function isReadFault(error: unknown): boolean {
  return isDamage(error) || isDiskError(error)
}

/**
 * `central.db` for an administrator's command, beside the running server or not: never migrated
 * (run from a newer checkout, it must not change the schema under the running server), and opened
 * read-only for a command that only reads (kiosks list, appeals list), so that it cannot write at
 * all. Its writes (enroll-kiosk, kiosks revoke, appeals accept) are short transactions that SQLite
 * serializes with the server's (busy_timeout). A database older than this checkout is refused
 * (SCHEMA_OLDER): its tables may not have the columns the command uses.
 */
export function openDatabaseForCommand(dataDir: string, access: 'read' | 'write'): Db {
  const db = new Database(join(dataDir, 'central.db'), { readonly: access === 'read', fileMustExist: true })
  try {
    db.pragma('busy_timeout = 5000')
    if (access === 'write') {
      db.pragma('synchronous = FULL')
      db.pragma('foreign_keys = ON')
    }
    const version = db.pragma('user_version', { simple: true }) as number
    if (version < migrations.length) {
      throw Object.assign(new Error(`at version ${version}, this checkout's at ${migrations.length}`), { code: 'SCHEMA_OLDER' })
    }
  } catch (error) {
    db.close()
    throw error
  }
  return db
}
