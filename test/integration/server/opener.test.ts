import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { createOpener } from '../../../server/opener'
import { generateSealingKeyPair, seal, sealingAad } from '../../../src-common/sealing'

describe('the server opener', () => {
  test('every box the kiosk seals opens to the same payload; one bound to another op or altered never does', async () => {
    const keys = await generateSealingKeyPair()
    const opener = await createOpener(keys.privateKey, keys.publicKey)
    await fc.assert(
      fc.asyncProperty(fc.uuid(), fc.jsonValue(), async (opId, payload) => {
        const aad = sealingAad(opId, 'register')
        const box = await seal(keys.publicKey, { payload }, aad)
        assert.deepEqual(await opener.open(box, aad), JSON.parse(JSON.stringify({ payload })))
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
