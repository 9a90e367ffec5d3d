import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { createGroupCommit } from '../../../server/groupCommit'

test('a burst whose commit fails: no answer of it, nor any after, can report what was not saved', () => {
  const dir = mkdtempSync(join(tmpdir(), 'group-commit-'))
  const db = new Database(join(dir, 'central.db'))
  try {
    // A real COMMIT that SQLite refuses: a deferred foreign key still broken when the burst commits
    // (as a full disk or an I/O error would refuse it).
    db.pragma('foreign_keys = ON')
    db.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY);
      CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`)
    let told: unknown
    const commits = createGroupCommit(db, (error) => (told = error))
    const notices: string[] = []
    commits.run(() => db.prepare('INSERT INTO child (id, parent) VALUES (1, 99)').run())
    commits.run(() => db.prepare('INSERT INTO parent (id) VALUES (7)').run())
    commits.afterCommit(() => notices.push('sms'))
    // The first request to answer flushes the burst: it fails, and so does every later one's flush
    // (the app turns that into 503), where before the second found nothing open and answered.
    assert.throws(() => commits.flush(), /FOREIGN KEY/)
    assert.match(String(told), /FOREIGN KEY/)
    assert.throws(() => commits.flush(), /FOREIGN KEY/)
    assert.throws(() => commits.run(() => 1), /FOREIGN KEY/, 'no op is applied any more')
    assert.deepEqual(notices, [], 'nothing announced that was not saved')
    assert.equal(db.inTransaction, false)
    assert.equal(db.prepare('SELECT count(*) FROM parent').pluck().get(), 0, 'the whole burst is rolled back')
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a full disk in the middle of a burst: SQLite rolls the burst back, and nothing after it commits on its own or is announced', () => {
  const dir = mkdtempSync(join(tmpdir(), 'group-commit-'))
  const db = new Database(join(dir, 'central.db'))
  try {
    db.pragma('journal_mode = WAL')
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)')
    // A disk with room for a few pages more than there are.
    const pages = Number(db.pragma('page_count', { simple: true }))
    db.pragma(`max_page_count = ${pages + 4}`)
    let told: unknown
    const commits = createGroupCommit(db, (error) => (told = error))
    const notices: string[] = []
    commits.run(() => db.prepare('INSERT INTO t (id, body) VALUES (1, ?)').run(Buffer.alloc(100)))
    commits.afterCommit(() => notices.push('first'))
    assert.throws(() => commits.run(() => db.prepare('INSERT INTO t (id, body) VALUES (2, ?)').run(Buffer.alloc(1_000_000))), /full/i)
    // SQLite rolled back the whole burst, the first op with it: no later op may be applied outside
    // it, and nothing of the burst may be announced as saved.
    assert.equal(db.inTransaction, false)
    assert.match(String(told), /full/i)
    assert.throws(() => commits.run(() => db.prepare('INSERT INTO t (id) VALUES (3)').run()), /full/i, 'no op is applied any more')
    assert.throws(() => commits.flush(), /full/i)
    assert.deepEqual(notices, [])
    assert.equal(db.prepare('SELECT count(*) FROM t').pluck().get(), 0)
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
