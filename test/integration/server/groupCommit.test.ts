import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { createGroupCommit } from '../../../server/groupCommit'

test('a burst whose commit fails stops the server before any answer or notice of it leaves', () => {
  const dir = mkdtempSync(join(tmpdir(), 'group-commit-'))
  const db = new Database(join(dir, 'central.db'))
  try {
    // A real COMMIT that SQLite refuses: a deferred foreign key still broken when the burst commits
    // (as a full disk or an I/O error would refuse it).
    db.pragma('foreign_keys = ON')
    db.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY);
      CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`)
    let stoppedBy: unknown
    const commits = createGroupCommit(db, (error) => {
      stoppedBy = error
      throw new Error('server stopped')
    })
    const notices: string[] = []
    commits.run(() => db.prepare('INSERT INTO child (id, parent) VALUES (1, 99)').run())
    commits.afterCommit(() => notices.push('sms'))
    // The first request to answer flushes the burst: it does not answer, nor does anyone after it.
    assert.throws(() => commits.flush(), /server stopped/)
    assert.match(String(stoppedBy), /FOREIGN KEY/)
    assert.deepEqual(notices, [], 'nothing announced that was not saved')
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
