import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { operationKinds } from '../../../src-common/operations'
import { openOutbox } from '../../../sync/outbox'
import { createSyncEngine } from '../../../sync/syncEngine'
import { startCentral, smsCodeFor } from './central'
import { candidate, maskedSummary, payloadOf, sensitiveValues, staff } from './fixtures'
import { tempDir } from './harness'

function findIn(files: string[], needles: string[]): string[] {
  const found: string[] = []
  for (const file of files) {
    if (!existsSync(file)) continue
    const bytes = readFileSync(file)
    for (const needle of needles) if (bytes.includes(Buffer.from(needle, 'utf8'))) found.push(`${needle} in ${file.split('/').at(-1)}`)
  }
  return found
}

test('after every kind of operation, neither kiosk.db nor its WAL holds a password, ID number, mobile, email or name', async () => {
  const central = await startCentral()
  const { dir, cleanup } = tempDir()
  const file = join(dir, 'kiosk.db')
  const outbox = openOutbox({ file, centralPublicKey: central.server.publicKey, keyId: central.server.keyId, accountKeySecret: 'leak-test' })
  const client = central.clientFor(central.server.url)
  const engine = createSyncEngine({ outbox, client, probeMs: 20, backoff: { baseMs: 10, maxMs: 50 } })
  try {
    const needles = new Set<string>()
    // One real registration (a code from the dev SMS sink), so that an applied op and its server result are stored too.
    const reg = candidate(900)
    const code = await smsCodeFor(central, client, reg.mobile, 'register')
    const regOp = await outbox.enqueue('register', { ...payloadOf('register', 900), smsCode: code }, { accountIdNumber: reg.idNumber, summary: maskedSummary(reg) })
    assert.ok(regOp.ok, JSON.stringify(regOp))
    for (const v of [...sensitiveValues('register', 900), code]) needles.add(v)
    for (const [n, kind] of operationKinds.entries()) {
      const i = 910 + n
      const c = candidate(i)
      const r = await outbox.enqueue(kind, payloadOf(kind, i), { accountIdNumber: c.idNumber, summary: maskedSummary(c) })
      assert.ok(r.ok, `${kind}: ${JSON.stringify(r)}`)
      for (const v of [...sensitiveValues(kind, i), c.idNumber, c.mobile, c.email, c.name, c.password]) needles.add(v)
    }
    for (const v of [staff.staffName]) needles.add(v)
    const files = [file, `${file}-wal`]

    // While queued: everything is sealed.
    assert.deepEqual(findIn(files, [...needles]), [])

    engine.start()
    await engine.syncNow()
    const statuses = outbox.list().map((op) => op.status)
    assert.equal(statuses.includes('queued'), false, JSON.stringify(statuses))
    assert.equal(outbox.get(regOp.value.id)?.status, 'applied')

    // After the server answered (results, errors, tombstones): still nothing readable.
    assert.ok(existsSync(`${file}-wal`))
    assert.deepEqual(findIn(files, [...needles]), [])
    // The scan can fail: the masked values the UI shows are there.
    assert.notDeepEqual(findIn(files, [maskedSummary(reg).mobile as string]), [])
  } finally {
    await engine.stop()
    outbox.close()
    await central.close()
    cleanup()
  }
})
