import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { openOutbox } from '../../../sync/outbox'
import { createSyncEngine } from '../../../sync/syncEngine'
import { startTlsFront, type TlsFront } from '../../faults/tlsFront'
import { startCentral, type Central } from './central'
import { candidate, maskedSummary, payloadOf } from './fixtures'
import { tempDir } from './harness'

// The central server behind https with a certificate this kiosk does not trust (self-signed, as a
// hall's private CA looks to a kiosk nobody configured): the kiosk must say so, not "the network is
// down", and the operator's remedy in the README (NODE_EXTRA_CA_CERTS) must really work.

let central: Central
let front: TlsFront

before(async () => {
  central = await startCentral()
  front = await startTlsFront(central.server.url)
})
after(async () => {
  await front.close()
  await central.close()
})

describe('a central server whose certificate the kiosk does not trust', () => {
  test('the client answers CENTRAL_UNTRUSTED, not NETWORK_UNAVAILABLE, and sends nothing', async () => {
    const client = central.clientFor(front.url)
    const health = await client.health()
    assert.deepEqual(health, { ok: false, error: { code: 'CENTRAL_UNTRUSTED' }, httpStatus: null, unsent: true })
    const code = central.server.createEnrollmentCode('tls')
    const enrol = await client.enroll({ code, name: 'tls kiosk' })
    assert.equal(!enrol.ok && enrol.error.code, 'CENTRAL_UNTRUSTED')
    // The one-time code never reached the server: it still works there.
    assert.equal((await central.clientFor(central.server.url).enroll({ code, name: 'tls kiosk' })).ok, true)
  })

  test('the sync engine goes offline, keeps the op queued and records why, for the dashboard', async () => {
    const { dir, cleanup } = tempDir()
    const outbox = openOutbox({ file: join(dir, 'kiosk.db'), centralPublicKey: central.server.publicKey, keyId: central.server.keyId, accountKeySecret: 'kiosk-secret' })
    const engine = createSyncEngine({ outbox, client: central.clientFor(front.url), probeMs: 50, tickMs: 200 })
    try {
      const c = candidate(61_000)
      const queued = await outbox.enqueue('appeal', payloadOf('appeal', 61_000), { accountIdNumber: c.idNumber, summary: maskedSummary(c) })
      assert.ok(queued.ok)
      engine.start()
      const end = Date.now() + 5_000
      while (outbox.summary().lastError === null && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20))
      assert.equal(outbox.summary().lastError?.error.code, 'CENTRAL_UNTRUSTED')
      assert.equal(engine.online, false)
      assert.equal(outbox.get(queued.value.id)?.status, 'queued')
    } finally {
      await engine.stop()
      outbox.close()
      cleanup()
    }
  })

  test('NODE_EXTRA_CA_CERTS with its certificate makes it trusted; a name the certificate does not carry stays refused', async () => {
    const localhostUrl = front.url.replace('127.0.0.1', 'localhost')
    const run = (env: NodeJS.ProcessEnv) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'tlsProbe.ts'), front.url, localhostUrl], { env, cwd: process.cwd() })
    const { NODE_EXTRA_CA_CERTS: _ignored, ...env } = process.env
    const without = JSON.parse((await run(env)).stdout) as Record<string, string>
    assert.deepEqual(without, { [front.url]: 'CENTRAL_UNTRUSTED', [localhostUrl]: 'CENTRAL_UNTRUSTED' })
    const trusted = JSON.parse((await run({ ...env, NODE_EXTRA_CA_CERTS: front.certFile })).stdout) as Record<string, string>
    assert.deepEqual(trusted, { [front.url]: 'ok', [localhostUrl]: 'CENTRAL_UNTRUSTED' })
  })
})
