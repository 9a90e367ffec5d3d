import { chmodSync, closeSync, existsSync, openSync } from 'node:fs'

/**
 * Makes a SQLite file (and its -wal and -shm) readable and writable by this user only; call it
 * before opening the file. SQLite would create it with the umask's mode (0644 under the usual 022),
 * and it makes the -wal and -shm with the file's mode; a data folder made before the kiosk first
 * ran may be open to all. kiosk.db holds only sealed or masked data, but the audit log names staff
 * and the supervisor PIN's hash is there.
 */
export function ownerOnly(file: string): void {
  if (file === '' || file === ':memory:') return
  // Created empty with the mode, so that no other user can open it between creation and chmod.
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600))
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600)
}
