import { chmodSync, closeSync, constants, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import Database from 'better-sqlite3'

/** The data folder's files that are not the database: without them the copy's ops cannot be opened. */
const keyFiles = ['sealing-key.json', 'pepper.key'] as const

export type BackupResult = { ok: true } | { ok: false; reason: 'target-not-empty' | 'no-keys' }

/**
 * A consistent copy of a data folder into `target` (a new or empty folder), safe while the server
 * runs: VACUUM INTO writes the database as one committed state, whatever is in its -wal at the
 * time, within one read transaction, so a busy server neither waits for it nor restarts it (as it
 * would the page-by-page online backup). Copying the files instead misses what the -wal holds (every
 * op applied since the last checkpoint, which the kiosks have forgotten), or catches the -wal halfway
 * through a write. The copy is a data folder the server starts on as it is: `--data <target>`.
 *
 * The database is read as it is, never migrated (a backup run from a newer checkout than the running
 * server's must not change its schema under it). The copy is made in a folder beside `target` and
 * renamed to it when whole: a backup that fails (a full disk) leaves no half-copy that a retry would
 * take for an earlier backup, or an administrator for a good one.
 */
export function backupDataFolder(dataDir: string, target: string): BackupResult {
  if (existsSync(target) && readdirSync(target).length > 0) return { ok: false, reason: 'target-not-empty' }
  if (keyFiles.some((file) => !existsSync(join(dataDir, file)))) return { ok: false, reason: 'no-keys' }
  const parent = dirname(resolve(target))
  mkdirSync(parent, { recursive: true })
  const partial = join(parent, `.${basename(target)}.partial-${process.pid}`)
  mkdirSync(partial, { mode: 0o700 })
  try {
    const copy = join(partial, 'central.db')
    // Accounts and kiosk secrets, as in the data folder: made with the server's user only first.
    closeSync(openSync(copy, 'wx', 0o600))
    const db = new Database(join(dataDir, 'central.db'), { readonly: true, fileMustExist: true })
    try {
      db.pragma('busy_timeout = 5000')
      db.prepare('VACUUM INTO ?').run(copy)
    } finally {
      db.close()
    }
    for (const file of keyFiles) {
      copyFileSync(join(dataDir, file), join(partial, file), constants.COPYFILE_EXCL)
      chmodSync(join(partial, file), 0o600)
    }
    // On the disk before the command says it is done: the files, then the folders that name them.
    for (const file of ['central.db', ...keyFiles]) syncPath(join(partial, file))
    syncPath(partial)
    // An empty target (made by the administrator) gives way to the whole copy.
    if (existsSync(target)) rmdirSync(target)
    renameSync(partial, target)
    syncPath(parent)
  } catch (error) {
    rmSync(partial, { recursive: true, force: true })
    throw error
  }
  return { ok: true }
}

function syncPath(path: string): void {
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
