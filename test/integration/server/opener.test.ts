import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { createOpener } from '../../../server/opener'
import { generateSealingKeyPair, seal, sealingAad, type SealedBox } from '../../../src-common/sealing'
import { createSealer } from '../../../sync/sealer'

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

  test('epoch boxes (queued ops) open to the same payload, in any order; one bound to another op or altered never does', async () => {
    const keys = await generateSealingKeyPair()
    const opener = await createOpener(keys.privateKey, keys.publicKey)
    const sealer = createSealer(keys.publicKey, { maxBoxes: 7 })
    const sealed: { box: SealedBox; aad: Uint8Array; payload: unknown }[] = []
    await fc.assert(
      fc.asyncProperty(fc.uuid(), fc.jsonValue(), async (opId, payload) => {
        const aad = sealingAad(opId, 'appeal')
        const box = await sealer.seal({ payload }, aad)
        sealed.push({ box, aad, payload: JSON.parse(JSON.stringify({ payload })) })
        assert.ok(box.n)
        assert.equal(await opener.open(box, sealingAad(opId, 'register')), undefined)
        const flip = (text: string) => (text.startsWith('A') ? 'B' : 'A') + text.slice(1)
        assert.equal(await opener.open({ ...box, ct: flip(box.ct) }, aad), undefined)
        assert.equal(await opener.open({ ...box, n: flip(box.n) }, aad), undefined)
      }),
      { numRuns: 60 },
    )
    // 60 boxes at 7 per epoch: 9 epochs, each with its own encapsulated key (and so its own AES key),
    // and no nonce twice under one key.
    assert.equal(new Set(sealed.map((s) => s.box.enc)).size, 9)
    assert.equal(new Set(sealed.map((s) => `${s.box.enc} ${s.box.n}`)).size, sealed.length)
    // A fresh opener (a restarted server) opens them last first.
    const restarted = await createOpener(keys.privateKey, keys.publicKey)
    for (const { box, aad, payload } of sealed.reverse()) assert.deepEqual(await restarted.open(box, aad), payload)
    // A box moved to another epoch's encapsulated key does not open.
    const [a, b] = sealed
    assert.ok(a && b && a.box.enc !== sealed.at(-1)?.box.enc)
    assert.equal(await opener.open({ ...a.box, enc: sealed.at(-1)!.box.enc }, a.aad), undefined)
    sealer.forget()
  })

  test('boxes sealed at once (while the epoch is set up, and after) never share a nonce under one key, and all open', async () => {
    const keys = await generateSealingKeyPair()
    const opener = await createOpener(keys.privateKey, keys.publicKey)
    const sealer = createSealer(keys.publicKey, { maxBoxes: 7 })
    const aad = sealingAad('op', 'appeal')
    // The first 20 all wait for the first epoch's HPKE set-up; the next 20 find it open.
    const boxes = [...(await Promise.all(Array.from({ length: 20 }, (_, i) => sealer.seal({ i }, aad))))]
    boxes.push(...(await Promise.all(Array.from({ length: 20 }, (_, i) => sealer.seal({ i: 20 + i }, aad)))))
    assert.equal(new Set(boxes.map((box) => `${box.enc} ${box.n}`)).size, boxes.length)
    for (const [i, box] of boxes.entries()) assert.deepEqual(await opener.open(box, aad), { i })
    sealer.forget()
  })

  test('a box waiting for its epoch when the epoch is forgotten is sealed under a new one, never under the overwritten key', async () => {
    const keys = await generateSealingKeyPair()
    const opener = await createOpener(keys.privateKey, keys.publicKey)
    const sealer = createSealer(keys.publicKey)
    const aad = sealingAad('op', 'appeal')
    const waiting = [sealer.seal({ a: 1 }, aad), sealer.seal({ a: 2 }, aad)]
    sealer.forget()
    const [one, two] = await Promise.all(waiting)
    assert.deepEqual(await opener.open(one!, aad), { a: 1 })
    assert.deepEqual(await opener.open(two!, aad), { a: 2 })
    sealer.forget()
  })

  test('an epoch holds at most as many boxes as its nonce counter counts', async () => {
    const keys = await generateSealingKeyPair()
    for (const maxBoxes of [0, -1, 1.5, 2 ** 32, Number.NaN]) assert.throws(() => createSealer(keys.publicKey, { maxBoxes }), RangeError, String(maxBoxes))
    createSealer(keys.publicKey, { maxBoxes: 2 ** 32 - 1 }).forget()
  })

  test('an epoch ends after its time and when forgotten; its boxes still open, sealed to this key only', async () => {
    const mine = await generateSealingKeyPair()
    const theirs = await generateSealingKeyPair()
    const opener = await createOpener(mine.privateKey, mine.publicKey)
    let clock = Date.now()
    const sealer = createSealer(mine.publicKey, { maxAgeMs: 30_000 }, () => clock)
    const aad = sealingAad('op', 'appeal')
    const first = await sealer.seal({ a: 1 }, aad)
    clock += 29_999
    assert.equal((await sealer.seal({ a: 2 }, aad)).enc, first.enc)
    clock += 1
    const later = await sealer.seal({ a: 3 }, aad)
    assert.notEqual(later.enc, first.enc)
    sealer.forget()
    const afterForget = await sealer.seal({ a: 4 }, aad)
    assert.notEqual(afterForget.enc, later.enc)
    for (const [box, a] of [[first, 1], [later, 3], [afterForget, 4]] as const) assert.deepEqual(await opener.open(box, aad), { a })
    const other = createSealer(theirs.publicKey)
    assert.equal(await opener.open(await other.seal({ a: 1 }, aad), aad), undefined)
    // Garbage in the encapsulated key or the nonce is refused, not thrown.
    assert.equal(await opener.open({ ...first, enc: 'AAAA' }, aad), undefined)
    assert.equal(await opener.open({ ...first, n: 'AAAA' }, aad), undefined)
    other.forget()
    sealer.forget()
  })
})
