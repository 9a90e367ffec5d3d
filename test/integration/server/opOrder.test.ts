import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { appealPayload, startTestServer, TestKiosk, type TestServer } from './kiosk'

// A fault inside one op (here SQLite refusing to store its answer, as an I/O error or a bug would)
// answers that op INTERNAL: nothing stored, the kiosk sends it again. An op of the same account
// queued behind it must not be applied meanwhile, or it would overtake the op it came after.
let t: TestServer
let kiosk: TestKiosk
let db: Database.Database
before(async () => {
  t = await startTestServer()
  kiosk = await TestKiosk.enrol(t)
  db = new Database(join(t.dataDir, 'central.db'))
})
after(async () => {
  db.close()
  await t.stop()
})

/** Runs `body` while the server fails to store the answer of op `id`. */
async function whileStoringFails<T>(id: string, body: () => Promise<T>): Promise<T> {
  db.exec(`CREATE TRIGGER fail_storing BEFORE INSERT ON ops WHEN NEW.id = '${id}' BEGIN SELECT RAISE(ABORT, 'injected fault'); END`)
  try {
    return await body()
  } finally {
    db.exec('DROP TRIGGER fail_storing')
  }
}
const stored = (id: string) => db.prepare('SELECT count(*) FROM ops WHERE id = ?').pluck().get(id)
const appeals = () => db.prepare('SELECT count(*) FROM appeals').pluck().get() as number

test('an op that fails unstored holds back the later ops of its account in the batch, not those of other accounts', async () => {
  const first = await kiosk.op('appeal', appealPayload(), { accountKey: 'account-a' })
  const second = await kiosk.op('appeal', appealPayload(), { accountKey: 'account-a' })
  const otherAccount = await kiosk.op('appeal', appealPayload(), { accountKey: 'account-b' })
  const before = appeals()
  const answer = await whileStoringFails(first.id, () => kiosk.push([first, second, otherAccount]))
  assert.equal(answer.status, 200)
  const [a, b, c] = answer.body.results
  assert.deepEqual(a, { id: first.id, status: 'rejected', error: { code: 'INTERNAL' } })
  assert.deepEqual(b, { id: second.id, status: 'rejected', error: { code: 'INTERNAL' } }, 'not applied ahead of the op it follows')
  assert.equal(stored(second.id), 0, 'nothing stored for it: its resend is applied, not answered from the store')
  assert.equal(c.status, 'pending', 'another account is not held back')
  assert.equal(appeals(), before + 1, 'only the other account\'s appeal was filed')

  // The kiosk sends both again, in order: both are applied now, once.
  const again = (await kiosk.push([first, second])).body.results
  assert.deepEqual(again.map((r: { status: string }) => r.status), ['pending', 'pending'])
  assert.equal(appeals(), before + 3)
  const order = db.prepare('SELECT id FROM ops WHERE id IN (?, ?) ORDER BY rowid').pluck().all(first.id, second.id)
  assert.deepEqual(order, [first.id, second.id])
})

test('once the held-back ops have been answered, the account\'s line runs again: the same ops and a new one are applied in order', async () => {
  const first = await kiosk.op('appeal', appealPayload(), { accountKey: 'account-c' })
  const second = await kiosk.op('appeal', appealPayload(), { accountKey: 'account-c' })
  const held = await whileStoringFails(first.id, () => kiosk.push([first, second]))
  assert.deepEqual(held.body.results.map((r: { error?: { code: string } }) => r.error?.code), ['INTERNAL', 'INTERNAL'])
  const next = await kiosk.op('appeal', appealPayload(), { accountKey: 'account-c' })
  const again = (await kiosk.push([first, second, next])).body.results
  assert.deepEqual(again.map((r: { status: string }) => r.status), ['pending', 'pending', 'pending'])
  const order = db.prepare('SELECT id FROM ops WHERE id IN (?, ?, ?) ORDER BY rowid').pluck().all(first.id, second.id, next.id)
  assert.deepEqual(order, [first.id, second.id, next.id])
})
