import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import Database from 'better-sqlite3'
import { rowHash } from '../../../src-main/services/supervisor/auditLog'
import { kioskDir } from './supervisorFixture'

const opId = '0197a0c4-6f2e-7a51-9c3b-2d4e5f607182'

/** A kiosk with a few supervisor actions in its log (no PIN work: the log stands on its own). */
function kioskWithLog() {
  const kiosk = kioskDir()
  const store = kiosk.open()
  const actor = { staffId: 'T07', name: '王老师' }
  store.audit.append({ action: 'syncNow', detail: {}, actor })
  kiosk.clock.advance(5)
  store.audit.append({ action: 'pause', detail: {}, actor })
  store.audit.append({ action: 'cancel', detail: { opId, receipt: 'K7M2Q9XB', reason: 'duplicate' }, actor })
  store.audit.append({ action: 'resume', detail: {}, actor })
  store.audit.append({ action: 'attestedReset', detail: { opId, receipt: 'K7M2Q9XA' }, actor })
  return { ...kiosk, store }
}

/** What an attacker with the file could do: another connection, without the triggers that stop us. */
function tamper(file: string, sql: string): void {
  const db = new Database(file)
  // The triggers make the table append-only for the app; someone holding the file can simply drop
  // them. Doing the same here is the honest simulation: the hash chain is what must catch it.
  db.exec(
    `DROP TRIGGER IF EXISTS supervisor_audit_no_update; DROP TRIGGER IF EXISTS supervisor_audit_no_delete;`,
  )
  db.exec(sql)
  db.close()
}

describe('audit log', () => {
  test('lists newest first, paged, with time, actor and detail', () => {
    const { store, clock } = kioskWithLog()
    const first = store.audit.list({ limit: 2 })
    const second = store.audit.list({ limit: 2, offset: 2 })

    assert.equal(first.total, 5)
    assert.deepEqual(
      [...first.entries, ...second.entries].map((entry) => entry.action),
      ['attestedReset', 'resume', 'cancel', 'pause'],
    )
    const newest = first.entries[0]
    assert.equal(newest?.at, new Date(clock.now).toISOString())
    assert.deepEqual(newest?.actor, { staffId: 'T07', name: '王老师' })
    assert.deepEqual(newest?.detail, { opId, receipt: 'K7M2Q9XA' })
  })

  test('every row carries the hash of the one before it', () => {
    const { store } = kioskWithLog()
    const entries = store.audit.list().entries.reverse()
    assert.equal(entries[0]?.prevHash, '0'.repeat(64))
    for (let i = 1; i < entries.length; i++) assert.equal(entries[i]?.prevHash, entries[i - 1]?.hash)
    assert.deepEqual(store.audit.verifyChain(), { intact: true, rows: 5 })
    assert.deepEqual(store.audit.head(), { id: 5, hash: entries[4]?.hash })
  })

  test('an empty log is intact', () => {
    const store = kioskDir().open()
    assert.deepEqual(store.audit.verifyChain(), { intact: true, rows: 0 })
    assert.equal(store.audit.head(), null)
  })

  test('the app itself cannot change or delete a row', () => {
    const { file } = kioskWithLog()
    const db = new Database(file)
    assert.throws(
      () => db.prepare(`UPDATE supervisor_audit SET action = 'resume' WHERE id = 2`).run(),
      /append-only/,
    )
    assert.throws(() => db.prepare(`DELETE FROM supervisor_audit WHERE id = 2`).run(), /append-only/)
    db.close()
  })

  test('editing one row in the database file is detected, at that row', () => {
    const kiosk = kioskWithLog()
    tamper(
      kiosk.file,
      `UPDATE supervisor_audit SET detail = '{"opId":"${opId}","reason":"candidateRequest"}' WHERE id = 3`,
    )
    assert.deepEqual(kiosk.store.audit.verifyChain(), {
      intact: false,
      firstBrokenId: 3,
      reason: 'hashMismatch',
    })
  })

  test('an edit that also recomputes the row hash is caught at the next row', () => {
    const kiosk = kioskWithLog()
    const db = new Database(kiosk.file, { readonly: true })
    const row = db.prepare(`SELECT * FROM supervisor_audit WHERE id = 2`).get() as Parameters<
      typeof rowHash
    >[0]
    db.close()
    const edited = { ...row, at: row.at - 60_000 }
    tamper(
      kiosk.file,
      `UPDATE supervisor_audit SET at = ${edited.at}, hash = '${rowHash(edited)}' WHERE id = 2`,
    )

    assert.deepEqual(kiosk.store.audit.verifyChain(), {
      intact: false,
      firstBrokenId: 3,
      reason: 'hashMismatch',
    })
  })

  test('deleting a row in the middle is detected at the row after the gap', () => {
    const kiosk = kioskWithLog()
    tamper(kiosk.file, `DELETE FROM supervisor_audit WHERE id = 3`)
    assert.deepEqual(kiosk.store.audit.verifyChain(), { intact: false, firstBrokenId: 4, reason: 'gap' })
  })

  test('deleting the newest rows is detected too, and stays visible after new rows', () => {
    const kiosk = kioskWithLog()
    tamper(kiosk.file, `DELETE FROM supervisor_audit WHERE id >= 4`)
    assert.deepEqual(kiosk.store.audit.verifyChain(), {
      intact: false,
      firstBrokenId: 4,
      reason: 'truncated',
    })

    kiosk.store.audit.append({ action: 'syncNow', detail: {} })
    assert.deepEqual(kiosk.store.audit.verifyChain(), { intact: false, firstBrokenId: 6, reason: 'gap' })
  })

  test('dropped triggers come back at the next start', () => {
    const kiosk = kioskWithLog()
    tamper(kiosk.file, `SELECT 1`)
    kiosk.store.close()
    kiosk.open()
    const db = new Database(kiosk.file)
    assert.throws(() => db.prepare(`DELETE FROM supervisor_audit`).run(), /append-only/)
    db.close()
  })

  test('details are structured: free text, a PIN or a mobile number has nowhere to go', () => {
    const store = kioskDir().open()
    const refused = [
      // @ts-expect-error: not a field of this action
      store.audit.append({ action: 'syncNow', detail: { note: '13812345678' } }),
      store.audit.append({ action: 'cancel', detail: { opId: 'not-an-op', receipt: 'K7M2Q9XB', reason: 'duplicate' } }),
      // @ts-expect-error: not a cancel reason
      store.audit.append({ action: 'cancel', detail: { opId, receipt: 'K7M2Q9XB', reason: '110101199003074477' } }),
      store.audit.append({ action: 'retry', detail: { opId, receipt: '13812345678' } }),
      store.audit.append({ action: 'syncNow', detail: {}, actor: { name: '138 1234 5678' } }),
      store.audit.append({ action: 'syncNow', detail: {}, actor: { name: '=HYPERLINK("x")' } }),
      // @ts-expect-error: not an action
      store.audit.append({ action: 'export', detail: {} }),
    ]
    assert.deepEqual(
      refused.map((answer) => (answer.ok ? 'ok' : answer.error.code)),
      Array<string>(refused.length).fill('INVALID_FIELD'),
    )
    assert.equal(store.audit.list().total, 0)
  })

  test('CSV export quotes per RFC 4180 and reads back to the same rows', () => {
    const kiosk = kioskWithLog()
    kiosk.store.audit.append({
      action: 'settingChanged',
      detail: { key: 'examCentre', value: '考点 "A", 二楼\n东厅' },
    })
    const csv = kiosk.store.audit.exportCsv()

    assert.ok(csv.endsWith('\r\n'))
    const rows = parseCsv(csv)
    assert.deepEqual(rows[0], ['id', 'time', 'staffId', 'staffName', 'action', 'detail', 'prevHash', 'hash'])
    assert.equal(rows.length, 7)
    const last = rows[6] ?? []
    assert.equal(last[4], 'settingChanged')
    assert.deepEqual(JSON.parse(last[5] ?? ''), { key: 'examCentre', value: '考点 "A", 二楼\n东厅' })
    assert.equal(last[7], kiosk.store.audit.head()?.hash)
    assert.deepEqual(rows[1]?.slice(2, 5), ['T07', '王老师', 'syncNow'])
  })
})

describe('audit log CSV times', () => {
  test('read as the screen and the file name read them: the kiosk’s local time, with its offset', () => {
    const zone = process.env.TZ
    process.env.TZ = 'Asia/Shanghai'
    try {
      const kiosk = kioskDir()
      kiosk.clock.now = Date.parse('2026-11-30T11:56:39.000Z')
      const store = kiosk.open()
      store.audit.append({ action: 'syncNow', detail: {}, actor: { staffId: 'T07', name: '王老师' } })
      const rows = parseCsv(store.audit.exportCsv())
      // 19:56:39 on the screen; not 11:56:39Z, eight hours off what staff saw.
      assert.equal(rows[1]?.[1], '2026-11-30T19:56:39.000+08:00')
    } finally {
      if (zone === undefined) delete process.env.TZ
      else process.env.TZ = zone
    }
  })
})

/** A strict RFC 4180 reader, enough to prove the export is one. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let i = 0
  while (i < text.length) {
    let field = ''
    if (text[i] === '"') {
      i++
      for (;;) {
        const quote = text.indexOf('"', i)
        assert.ok(quote >= 0, 'unterminated quote')
        field += text.slice(i, quote)
        i = quote + 1
        if (text[i] === '"') {
          field += '"'
          i++
        } else break
      }
    } else {
      const end = text.slice(i).search(/,|\r\n/)
      field = text.slice(i, end < 0 ? text.length : i + end)
      assert.ok(
        !field.includes('"') && !field.includes('\n'),
        `unquoted field with a quote or newline: ${field}`,
      )
      i += field.length
    }
    row.push(field)
    if (text.startsWith('\r\n', i)) {
      rows.push(row)
      row = []
      i += 2
    } else {
      assert.equal(text[i], ',', `expected a comma at ${i}`)
      i++
    }
  }
  return rows
}
