import { chmodSync, closeSync, constants, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'

/** The data folder's files that are not the database: without them the copy's ops cannot be opened. */
const keyFiles = ['sealing-key.json', 'pepper.key'] as const
const files = ['central.db', ...keyFiles] as const
/** A file of the copy while it is being made: renamed to its own name once every file is whole. */
const partialPrefix = '.partial-'

export type BackupResult = { ok: true } | { ok: false; reason: 'target-not-empty' | 'target-unfinished' | 'no-keys' }

/**
 * A consistent copy of a data folder into `target` (a new or empty folder, or an empty mounted
 * drive), safe while the server runs: VACUUM INTO writes the database as one committed state,
 * whatever is in its -wal at the time, within one read transaction, so a busy server neither waits
 * for it nor restarts it (as it would the page-by-page online backup). Copying the files instead
 * misses what the -wal holds (every op applied since the last checkpoint, which the kiosks have
 * forgotten), or catches the -wal halfway through a write. The copy is a data folder the server
 * starts on as it is: `--data <target>`.
 *
 * The database is read as it is, never migrated (a backup run from a newer checkout than the running
 * server's must not change its schema under it). The files are written under `.partial-` names in the
 * target and given their own names only when all are whole: a backup that fails (a full disk) removes
 * them, and one killed midway leaves only `.partial-` files, which the next backup names.
 */
export function backupDataFolder(dataDir: string, target: string): BackupResult {
  if (existsSync(target)) {
    const there = readdirSync(target)
    if (there.length > 0 && there.every((name) => name.startsWith(partialPrefix))) return { ok: false, reason: 'target-unfinished' }
    if (there.length > 0) return { ok: false, reason: 'target-not-empty' }
  }
  if (keyFiles.some((file) => !existsSync(join(dataDir, file)))) return { ok: false, reason: 'no-keys' }
  const made = !existsSync(target)
  // A folder the administrator made (a mounted drive, its owner and mode) is used as it is.
  if (made) mkdirSync(target, { recursive: true, mode: 0o700 })
  const partial = (file: string) => join(target, `${partialPrefix}${file}`)
  try {
    // Accounts and kiosk secrets, as in the data folder: made with the server's user only first.
    closeSync(openSync(partial('central.db'), 'wx', 0o600))
    const db = new Database(join(dataDir, 'central.db'), { readonly: true, fileMustExist: true })
    try {
      db.pragma('busy_timeout = 5000')
      db.prepare('VACUUM INTO ?').run(partial('central.db'))
    } finally {
      db.close()
    }
    for (const file of keyFiles) {
      copyFileSync(join(dataDir, file), partial(file), constants.COPYFILE_EXCL)
      chmodSync(partial(file), 0o600)
    }
    // On the disk before they take their names, and the names before the command says it is done.
    for (const file of files) syncPath(partial(file))
    for (const file of files) renameSync(partial(file), join(target, file))
    syncPath(target)
  } catch (error) {
    for (const file of files) rmSync(partial(file), { force: true })
    if (made) rmdirSync(target)
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
