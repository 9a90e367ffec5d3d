import { openOutbox } from '../../sync/outbox'
import { createCentralClient } from '../../sync/centralClient'
import { createSyncEngine } from '../../sync/syncEngine'
import { candidate, maskedSummary, payloadOf, token } from '../integration/sync/fixtures'

/**
 * The kiosk's sync side as a child process, for kill -9 tests: optionally enqueues ops (printing
 * "committed <id>" after each commit), then drains to the central API and prints "drained".
 * Configuration comes in SYNC_CHILD as JSON.
 */
interface ChildConfig {
  file: string
  url: string
  credential: { kioskId: string; secret: string }
  publicKey: string
  keyId: string
  enqueue: { from: number; count: number } | null
}

const config = JSON.parse(process.env.SYNC_CHILD ?? '{}') as ChildConfig
const outbox = openOutbox({ file: config.file, centralPublicKey: config.publicKey, keyId: config.keyId, accountKeySecret: 'kill-test-kiosk' })
const client = createCentralClient({ baseUrl: config.url, credential: config.credential, timeoutMs: 2_000 })
const engine = createSyncEngine({ outbox, client, batchMaxOps: 3, backoff: { baseMs: 2, maxMs: 20 }, probeMs: 5, tickMs: 50, pollDeferredMs: 1e9 })
engine.start()
process.stdout.write('ready\n')

if (config.enqueue) {
  for (let n = config.enqueue.from; n < config.enqueue.from + config.enqueue.count; n++) {
    const account = config.enqueue.from + (n % 5)
    const c = candidate(account)
    const r =
      n % 4 === 3
        ? await outbox.enqueue('verifyMobile', { ...payloadOf('verifyMobile', account), sessionToken: token(n) }, { summary: {} })
        : await outbox.enqueue('appeal', payloadOf('appeal', account), { accountIdNumber: c.idNumber, summary: maskedSummary(c) })
    if (!r.ok) throw new Error(JSON.stringify(r.error))
    process.stdout.write(`committed ${r.value.id}\n`)
  }
}

for (;;) {
  await engine.syncNow()
  const depth = outbox.summary().depth
  if (depth.queued === 0 && depth.sending === 0) break
  await new Promise((r) => setTimeout(r, 10))
}
await engine.stop()
outbox.close()
client.close()
process.stdout.write('drained\n')
