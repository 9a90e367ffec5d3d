import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { createFastOpener, createOpener } from '../../../server/opener'
import { generateSealingKeyPair, seal, sealingAad } from '../../../src-common/sealing'

describe('the server opener agrees with @hpke/core', () => {
  test('every box the kiosk seals opens on the fast path to the same payload; altered boxes never do', async () => {
    const keys = await generateSealingKeyPair()
    const openSync = createFastOpener(keys.privateKey, keys.publicKey)
    const opener = await createOpener(keys.privateKey, keys.publicKey)
    await fc.assert(
      fc.asyncProperty(fc.uuid(), fc.jsonValue(), async (opId, payload) => {
        const aad = sealingAad(opId, 'register')
        const box = await seal(keys.publicKey, { payload }, aad)
        const plaintext = openSync(box, aad)
        assert.ok(plaintext, 'the fast path opens it')
        assert.deepEqual(JSON.parse(plaintext.toString('utf8')), JSON.parse(JSON.stringify({ payload })))
        assert.equal(openSync(box, sealingAad(opId, 'appeal')), undefined)
        assert.equal(await opener.open(box, sealingAad(opId, 'appeal')), undefined)
        const flipped = box.ct.slice(0, 1) === 'A' ? 'B' + box.ct.slice(1) : 'A' + box.ct.slice(1)
        assert.equal(await opener.open({ ...box, ct: flipped }, aad), undefined)
      }),
      { numRuns: 60 },
    )
  })

  test('a box sealed to another key does not open', async () => {
    const mine = await generateSealingKeyPair()
    const theirs = await generateSealingKeyPair()
    const opener = await createOpener(mine.privateKey, mine.publicKey)
    const aad = sealingAad('op', 'register')
    assert.equal(await opener.open(await seal(theirs.publicKey, { a: 1 }, aad), aad), undefined)
  })
})
