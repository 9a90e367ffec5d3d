import {
  chmodSync,
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
} from 'node:fs'
import { join } from 'node:path'
import { openDatabase } from './database'

/** The data folder's files that are not the database: without them the copy's ops cannot be opened. */
const keyFiles = ['sealing-key.json', 'pepper.key'] as const

export type BackupResult = { ok: true } | { ok: false; reason: 'target-not-empty' | 'no-keys' }

/**
 * A consistent copy of a data folder into `target` (a new or empty folder), safe while the server
 * runs: VACUUM INTO writes the database as one committed state, whatever is in its -wal at the
 * time, within one read transaction, so a busy server neither waits for it nor restarts it (as it
 * would the page-by-page online backup). Copying the files instead misses what the -wal holds (every op applied since the
 * last checkpoint, which the kiosks have forgotten), or catches the -wal halfway through a write.
 * The copy is a data folder the server starts on as it is: `--data <target>`.
 */
export function backupDataFolder(dataDir: string, target: string): BackupResult {
  if (existsSync(target) && readdirSync(target).length > 0) return { ok: false, reason: 'target-not-empty' }
  if (keyFiles.some((file) => !existsSync(join(dataDir, file)))) return { ok: false, reason: 'no-keys' }
  mkdirSync(target, { recursive: true, mode: 0o700 })
  const copy = join(target, 'central.db')
  // Accounts and kiosk secrets, as in the data folder: made with the server's user only first.
  closeSync(openSync(copy, 'wx', 0o600))
  const db = openDatabase(dataDir)
  try {
    db.prepare('VACUUM INTO ?').run(copy)
  } finally {
    db.close()
  }
  // On the disk before the command says it is done.
  const written = openSync(copy, 'r+')
  try {
    fsyncSync(written)
  } finally {
    closeSync(written)
  }
  for (const file of keyFiles) {
    copyFileSync(join(dataDir, file), join(target, file), constants.COPYFILE_EXCL)
    chmodSync(join(target, file), 0o600)
  }
  return { ok: true }
}
