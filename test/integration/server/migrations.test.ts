import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { openDatabase } from '../../../server/database'
import { migrations } from '../../../server/migrations'

test('an account with failed passwords from before migration 007 has them dated, so a quiet day forgets them too', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'central-migrate-'))
  try {
    // central.db as the release before 007 left it: one account with 3 failures, last updated at T.
    const old = new Database(join(dataDir, 'central.db'))
    migrations.slice(0, 6).forEach(({ sql }, index) => {
      old.exec(sql)
      old.pragma(`user_version = ${index + 1}`)
    })
    const at = Date.UTC(2026, 10, 1)
    const insert = old.prepare(
      `INSERT INTO accounts (id, id_type, id_number, name, mobile, email, mobile_verified, email_verified, password_hash, failed_logins, created_at, updated_at)
       VALUES (?, 'resident', ?, '王小明', ?, NULL, 1, 0, 'x', ?, ?, ?)`,
    )
    insert.run('a-failed', '11010519491231002X', '13800138000', 3, at - 1000, at)
    insert.run('a-clean', '110105194912310038', '13800138001', 0, at - 1000, at)
    old.close()

    const db = openDatabase(dataDir)
    try {
      const failedAt = db.prepare('SELECT id, failed_at FROM accounts ORDER BY id').all()
      assert.deepEqual(failedAt, [
        { id: 'a-clean', failed_at: null },
        { id: 'a-failed', failed_at: at },
      ])
      assert.equal(db.pragma('user_version', { simple: true }), migrations.length)
    } finally {
      db.close()
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
})
