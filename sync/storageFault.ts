import Database from 'better-sqlite3'

/**
 * SQLite's codes for a kiosk.db that cannot be written or read as it should: the disk full,
 * read-only or failing, the file damaged, or locked by another process past the busy timeout.
 * Anything else it throws (a constraint, a syntax error) is a bug.
 */
const storageCodes = /^SQLITE_(FULL|READONLY|IOERR|CORRUPT|NOTADB|CANTOPEN|BUSY|LOCKED|PERM)/

/**
 * An error of kiosk.db itself, as opposed to a bug: it will not mend by retrying at once, and staff
 * must act (STORAGE_UNAVAILABLE).
 */
export function isStorageFault(error: unknown): boolean {
  return error instanceof Database.SqliteError && storageCodes.test(error.code)
}
