import assert from 'node:assert/strict'
import { mkdtempSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import Database from 'better-sqlite3'
import { cannotStartText } from '../../../src-main/services/startFailure'

/** better-sqlite3 throws SQLite's extended codes: a real one, kiosk.db moved away under an open connection. */
function movedUnder(): Error {
  const dir = mkdtempSync(join(tmpdir(), 'start-failure-'))
  const db = new Database(join(dir, 'kiosk.db'))
  try {
    db.exec('CREATE TABLE t (x)')
    renameSync(join(dir, 'kiosk.db'), join(dir, 'moved.db'))
    db.exec('INSERT INTO t VALUES (1)')
  } catch (error) {
    return error as Error
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
  throw new Error('SQLite wrote to a moved file')
}

test("SQLite's extended codes (SQLITE_IOERR_SHORT_READ, SQLITE_READONLY_DBMOVED...) get the same words as their primary code, not the raw error alone", () => {
  const moved = movedUnder()
  assert.match((moved as { code?: string }).code ?? '', /^SQLITE_READONLY_/)
  assert.match(cannotStartText(moved, '/data'), /本机无法读写数据目录/)
  for (const [code, words] of [
    ['SQLITE_IOERR_SHORT_READ', /本机无法读写数据目录/],
    ['SQLITE_IOERR_WRITE', /本机无法读写数据目录/],
    ['SQLITE_CORRUPT_INDEX', /已损坏/],
    ['SQLITE_CANTOPEN_ISDIR', /本机无法读写数据目录/],
    ['SQLITE_BUSY_RECOVERY', /正被另一个程序使用/],
  ] as const) {
    const text = cannotStartText(new Database.SqliteError('disk I/O error', code), '/data')
    assert.match(text, words, code)
    assert.match(text, /详情 \/ Details: disk I\/O error/, code)
  }
  // Not a kiosk.db fault: the error alone, as before.
  assert.equal(cannotStartText(new Database.SqliteError('UNIQUE constraint failed', 'SQLITE_CONSTRAINT_UNIQUE'), '/data'), 'UNIQUE constraint failed')
})
