import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { generateSealingKeyPair } from '../../../src-common/sealing'
import { submitOperation } from '../../../src-main/services/submitOperation'
import type { KioskServices } from '../../../src-main/services/kioskServices'
import { openOutbox } from '../../../sync/outbox'
import type { SyncEngine } from '../../../sync/syncEngine'
import { candidate, maskedSummary, payloadOf } from '../sync/fixtures'
import { tempDir } from '../sync/harness'

test('an op committed, then its outbox closed under the wait (a relink), answers with its receipt: saved, not an error', async () => {
  const { dir, cleanup } = tempDir()
  const keys = await generateSealingKeyPair()
  const outbox = openOutbox({ file: join(dir, 'kiosk.db'), centralPublicKey: keys.publicKey, keyId: 'k', accountKeySecret: 's' })
  try {
    // The engine as a relink leaves it: stopped while the candidate waited, the outbox closed next.
    const engine = {
      async waitForOutcome() {
        outbox.close()
        return undefined
      },
    } as unknown as SyncEngine
    const c = candidate(5)
    const services = { outbox, engine, summaryOf: () => maskedSummary(c), outcomeOf: () => assert.fail('no view to read') } as unknown as KioskServices
    const answer = await submitOperation(services, 'appeal', payloadOf('appeal', 5) as Record<string, unknown>, { accountIdNumber: c.idNumber, waitMs: 10 })
    assert.equal(answer.ok, true, JSON.stringify(answer))
    assert.ok(answer.ok)
    assert.equal(answer.value.status, 'queued')
    assert.match(answer.value.receipt, /^[0-9A-HJKMNP-TV-Z]{8}$/)
    // It really is in kiosk.db.
    const reopened = openOutbox({ file: join(dir, 'kiosk.db'), centralPublicKey: keys.publicKey, keyId: 'k', accountKeySecret: 's' })
    assert.equal(reopened.findByReceipt(answer.value.receipt)?.id, answer.value.id)
    reopened.close()
  } finally {
    if (outbox.open) outbox.close()
    cleanup()
  }
})
