import Database from 'better-sqlite3'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { isDamage } from './database'

/** Locked by the server for as long as it runs. */
const lockFile = 'server.lock'
/**
 * The running server's process id, for the message a second server prints. A server that stops
 * cleanly removes it; one that did not (killed, a power cut, a refused commit) leaves it behind,
 * and the next server checks the database before it serves (index.ts).
 */
const pidFile = 'server.pid'

/** Another server holds the data folder. */
export class DataFolderInUse extends Error {
  readonly code = 'DATA_FOLDER_IN_USE'
  constructor(
    readonly dataDir: string,
    /** The other server's process id, when its server.pid says it. */
    readonly pid: number | undefined,
  ) {
    super(
      `the data folder ${resolve(dataDir)} is in use by another server${pid === undefined ? '' : ` (pid ${pid})`}`,
    )
  }
}

/**
 * `server.lock` is not the file a server leaves (an empty SQLite file): something wrote over it. It
 * holds no data, but it is not removed here: a server that holds it would lose its lock.
 */
export class LockFileDamaged extends Error {
  readonly code = 'LOCK_FILE_DAMAGED'
  readonly lockFile: string
  constructor(dataDir: string, cause: unknown) {
    super(`${resolve(dataDir, lockFile)} is not the server's lock file${cause instanceof Error ? ` (${cause.message})` : ''}`)
    this.lockFile = resolve(dataDir, lockFile)
  }
}

export interface DataFolderLock {
  /** The last server on this folder did not stop cleanly: it left its server.pid behind. */
  readonly leftUnclean: boolean
  /** Unlocks the folder. `clean`: this server stopped as it should (its server.pid goes too). */
  release(clean: boolean): void
}

/**
 * One server per data folder. Two on one folder each run their own group commit on central.db:
 * each holds the write lock for a burst while the other waits, and a batch sent to both gets
 * INTERNAL from the one that waited too long.
 *
 * The lock is SQLite's exclusive lock on `server.lock` (fcntl on Unix, LockFileEx on Windows),
 * taken without waiting and held until release: the operating system drops it when the process
 * ends, however it ends (kill -9, a crash), so a server that was killed never keeps the folder shut,
 * and a pid reused by another program holds nothing. A second connection in the same process is
 * refused as well. This process never opens `server.lock` in any other way: closing another
 * descriptor of the file would drop a POSIX lock. Administrators' commands do not take it: they
 * work beside the running server, through SQLite's own locking of central.db.
 */
export function lockDataFolder(dataDir: string, nativeBinding?: string): DataFolderLock {
  const lock = new Database(join(dataDir, lockFile), {
    timeout: 0,
    ...(nativeBinding ? { nativeBinding } : {}),
  })
  try {
    // Nothing is kept in it: no journal file, and the lock kept after the first (empty) transaction.
    // MEMORY, not OFF: better-sqlite3's connections are defensive, and ignore journal_mode = OFF
    // (a server.lock-journal was left beside central.db, after a kill -9 too).
    lock.pragma('journal_mode = MEMORY')
    lock.pragma('locking_mode = EXCLUSIVE')
    lock.exec('BEGIN EXCLUSIVE')
    lock.exec('COMMIT')
  } catch (error) {
    lock.close()
    const code = (error as { code?: unknown }).code
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED')
      throw new DataFolderInUse(dataDir, holderPid(dataDir))
    // SQLite's words would say "file is not a database", and be read as central.db's.
    if (isDamage(error)) throw new LockFileDamaged(dataDir, error)
    throw error
  }
  const pidPath = join(dataDir, pidFile)
  const leftUnclean = existsSync(pidPath)
  try {
    writeFileSync(pidPath, `${process.pid}\n`)
  } catch (error) {
    lock.close()
    throw error
  }
  return {
    leftUnclean,
    release(clean) {
      if (!lock.open) return
      if (clean) rmSync(pidPath, { force: true })
      lock.close()
    },
  }
}

function holderPid(dataDir: string): number | undefined {
  try {
    const text = readFileSync(join(dataDir, pidFile), 'utf8').trim()
    return /^\d{1,10}$/.test(text) ? Number(text) : undefined
  } catch {
    return undefined
  }
}
