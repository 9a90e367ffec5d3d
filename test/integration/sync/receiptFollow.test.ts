import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { decideAppeal } from '../../../server/index'
import { createCentralClient } from '../../../sync/centralClient'
import { openOutbox } from '../../../sync/outbox'
import { createSyncEngine } from '../../../sync/syncEngine'
import { appealPayload, startTestServer, TestKiosk } from '../server/kiosk'
import { candidate, maskedSummary, payloadOf } from './fixtures'
import { tempDir } from './harness'

// After 重新登记 at the same server (a new kiosk id), a pending appeal is followed by its receipt code.
// A receipt is 8 characters: another kiosk's op may carry the same one, by chance or to shadow it.

test("a pending appeal followed by its receipt after re-enrolment is decided by its own outcome, not by another kiosk's op with the same receipt", async (t) => {
  const central = await startTestServer()
  t.after(() => central.stop())
  const { dir, cleanup } = tempDir('kiosk-receipt-follow-')
  t.after(cleanup)
  const outbox = openOutbox({ file: join(dir, 'kiosk.db'), centralPublicKey: central.server.publicKey, keyId: central.server.keyId, accountKeySecret: 's' })
  t.after(() => outbox.close())
  const clientOf = (k: TestKiosk) =>
    createCentralClient({ baseUrl: central.server.url, credential: { kioskId: k.kioskId, secret: k.secret }, centralPublicKey: k.publicKey, keyId: k.keyId })
  const fast = { probeMs: 50, tickMs: 100, pollDeferredMs: 0 }

  const before = clientOf(await TestKiosk.enrol(central, 'one'))
  let engine = createSyncEngine({ outbox, client: before, ...fast })
  engine.start()
  const who = candidate(7)
  const queued = await outbox.enqueue('appeal', payloadOf('appeal', 7), { accountIdNumber: who.idNumber, summary: maskedSummary(who) })
  assert.ok(queued.ok)
  assert.equal((await engine.waitForOutcome(queued.value.id, 5_000))?.status, 'pending')
  await engine.stop()
  before.close()

  // Another kiosk's appeal carrying the same receipt, rejected by the administrator.
  const other = await (await TestKiosk.enrol(central, 'two')).apply('appeal', appealPayload(), { receipt: queued.value.receipt })
  const db = new Database(join(central.dataDir, 'central.db'))
  t.after(() => db.close())
  const appealOf = (opId: string) => (db.prepare('SELECT id FROM appeals WHERE op_id = ?').get(opId) as { id: string }).id
  assert.equal(decideAppeal(db, appealOf(other.id), 'reject').ok, true)

  const after = clientOf(await TestKiosk.enrol(central, 'one again'))
  t.after(() => after.close())
  engine = createSyncEngine({ outbox, client: after, ...fast })
  t.after(() => engine.stop())
  engine.start()
  // Several polls by receipt: the other kiosk's decision is not taken for this one's.
  await new Promise((resolve) => setTimeout(resolve, 500))
  assert.equal(outbox.get(queued.value.id)?.status, 'pending')
  // Its own decision is.
  assert.equal(decideAppeal(db, appealOf(queued.value.id), 'accept').ok, true)
  for (let i = 0; i < 100 && outbox.get(queued.value.id)?.status === 'pending'; i++) await new Promise((resolve) => setTimeout(resolve, 50))
  assert.equal(outbox.get(queued.value.id)?.status, 'applied')
})
