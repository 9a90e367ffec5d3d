import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import argon2 from 'argon2'
import Database from 'better-sqlite3'
import { watchKioskDb } from '../../integration/sync/fullDisk'
import { setUpKiosk } from './supervisorFixture'

const wrong = '135790'

async function typeWrongPins(verify: (pin: string) => Promise<unknown>, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await verify(wrong)
}

describe('supervisor PIN: hashing', () => {
  test('the PIN is kept only as an argon2id hash with at least OWASP parameters', async () => {
    const kiosk = await setUpKiosk('482913')
    kiosk.store.close()

    const db = new Database(kiosk.file, { readonly: true })
    const { hash } = db.prepare('SELECT hash FROM supervisor_pin').get() as { hash: string }
    db.close()
    assert.match(hash, /^\$argon2id\$v=19\$m=\d+,p=1,t=\d+\$/)
    const [, m, t] = /m=(\d+),p=1,t=(\d+)/.exec(hash) ?? []
    assert.ok(Number(m) >= 19456 && Number(t) >= 2, hash)
    assert.equal(await argon2.verify(hash, '482913'), true)
    assert.equal(kiosk.bytesOnDisk().includes('482913'), false, 'the PIN itself is nowhere in kiosk.db')
  })

  test('the right PIN opens, a wrong one answers BAD_PIN', async () => {
    const { store, pin } = await setUpKiosk()
    assert.deepEqual(await store.pin.verify(pin), { ok: true, value: undefined })
    assert.deepEqual(await store.pin.verify('482914'), { ok: false, error: { code: 'BAD_PIN', triesLeft: 4 } })
  })

  test('anything that is not 6+ digits is a wrong PIN, and counts as one', async () => {
    const { store } = await setUpKiosk()
    for (const attempt of ['', '12345', 'abcdef', '１２３４５６', '9'.repeat(10_000)]) {
      assert.equal((await store.pin.verify(attempt)).ok, false, attempt.slice(0, 10))
    }
    assert.equal(store.pin.state().locked, true, 'five of them lock the pad like five wrong PINs')
  })

  test('changing the PIN needs the old one; afterwards only the new one opens', async () => {
    const { store, pin } = await setUpKiosk('482913')
    assert.deepEqual(await store.pin.change('111111', '7654321'), { ok: false, error: { code: 'BAD_PIN', triesLeft: 4 } })
    assert.deepEqual(await store.pin.change(pin, '12ab56'), {
      ok: false,
      error: { code: 'INVALID_FIELD', field: 'newPin' },
    })

    assert.equal((await store.pin.change(pin, '7654321', { staffId: 'T07' })).ok, true)

    assert.equal((await store.pin.verify(pin)).ok, false)
    assert.equal((await store.pin.verify('7654321')).ok, true)
    const actions = store.audit.list().entries.map((entry) => entry.action)
    assert.ok(actions.includes('pinChanged'))
  })
})

describe('supervisor PIN: lockout', () => {
  test('five wrong PINs lock the pad for 30 s; the fifth already answers PIN_LOCKED', async () => {
    const { store } = await setUpKiosk()
    const answers = []
    for (let i = 0; i < 5; i++) answers.push(await store.pin.verify(wrong))

    assert.deepEqual(
      answers.map((answer) => (answer.ok ? 'ok' : answer.error.code)),
      ['BAD_PIN', 'BAD_PIN', 'BAD_PIN', 'BAD_PIN', 'PIN_LOCKED'],
    )
    // Each wrong PIN before the lock says how many more the pad takes.
    assert.deepEqual(
      answers.slice(0, 4).map((answer) => (answer.ok ? undefined : answer.error.triesLeft)),
      [4, 3, 2, 1],
    )
    assert.deepEqual(answers[4], { ok: false, error: { code: 'PIN_LOCKED', retryAfter: 30 } })
  })

  test('during the lock even the right PIN is refused with the seconds left, and nothing is counted', async () => {
    const { store, pin, clock, file } = await setUpKiosk()
    await typeWrongPins((p) => store.pin.verify(p), 5)
    const auditRows = store.audit.list().total
    clock.advance(12)
    // Not even hashed: with the stored hash made unreadable, any argon2id check would throw.
    const db = new Database(file)
    db.prepare("UPDATE supervisor_pin SET hash = 'not-a-hash'").run()
    db.close()

    const locked = await store.pin.verify(pin)

    assert.deepEqual(locked, { ok: false, error: { code: 'PIN_LOCKED', retryAfter: 18 } })
    assert.equal(store.audit.list().total, auditRows, 'a refused attempt during a lock is not a wrong PIN')
    clock.advance(18_000)
    await assert.rejects(store.pin.verify(pin), 'after the lock the PIN is checked against the stored hash again')
  })

  test('each further lock lasts twice as long: 30, 60, 120 s', async () => {
    const { store, clock } = await setUpKiosk()
    const locks: number[] = []
    for (let round = 0; round < 3; round++) {
      await typeWrongPins((p) => store.pin.verify(p), 4)
      const fifth = await store.pin.verify(wrong)
      assert.equal(fifth.ok, false)
      if (!fifth.ok) locks.push(fifth.error.retryAfter ?? -1)
      clock.advance(fifth.ok ? 0 : (fifth.error.retryAfter ?? 0))
    }
    assert.deepEqual(locks, [30, 60, 120])
  })

  test('the lock opens when its time is up, not a second earlier', async () => {
    const { store, pin, clock } = await setUpKiosk()
    await typeWrongPins((p) => store.pin.verify(p), 5)

    clock.advance(29.5)
    assert.deepEqual(await store.pin.verify(pin), { ok: false, error: { code: 'PIN_LOCKED', retryAfter: 1 } })
    clock.advance(0.5)
    assert.deepEqual(await store.pin.verify(pin), { ok: true, value: undefined })
  })

  test('a right PIN resets the count and the doubling', async () => {
    const { store, pin, clock } = await setUpKiosk()
    await typeWrongPins((p) => store.pin.verify(p), 5)
    clock.advance(30)
    await typeWrongPins((p) => store.pin.verify(p), 4)
    assert.equal((await store.pin.verify(pin)).ok, true)

    await typeWrongPins((p) => store.pin.verify(p), 4)
    assert.equal(store.pin.state().locked, false, 'four wrong PINs after a right one do not lock')
    assert.deepEqual(await store.pin.verify(wrong), {
      ok: false,
      error: { code: 'PIN_LOCKED', retryAfter: 30 },
    })
  })

  test('the lock and the count survive a restart', async () => {
    const kiosk = await setUpKiosk()
    await typeWrongPins((p) => kiosk.store.pin.verify(p), 5)
    kiosk.clock.advance(10)
    kiosk.store.close()

    const restarted = kiosk.open()
    assert.deepEqual(restarted.pin.state(), { set: true, locked: true, retryAfter: 20, failures: 0 })
    assert.deepEqual(await restarted.pin.verify(kiosk.pin), {
      ok: false,
      error: { code: 'PIN_LOCKED', retryAfter: 20 },
    })

    kiosk.clock.advance(20)
    await typeWrongPins((p) => restarted.pin.verify(p), 3)
    restarted.close()
    const again = kiosk.open()
    await typeWrongPins((p) => again.pin.verify(p), 1)
    assert.deepEqual(await again.pin.verify(wrong), {
      ok: false,
      error: { code: 'PIN_LOCKED', retryAfter: 60 },
    })
  })

  test('setting the clock back does not make a lock longer than it was', async () => {
    const { store, clock } = await setUpKiosk()
    await typeWrongPins((p) => store.pin.verify(p), 5)
    clock.advance(-3600)
    assert.equal(store.pin.state().retryAfter, 30)
  })

  test('PINs typed at the same moment are checked one by one, so no more than five slip in before the lock', async () => {
    const { store } = await setUpKiosk()
    const answers = await Promise.all(Array.from({ length: 8 }, () => store.pin.verify(wrong)))
    const codes = answers.map((answer) => (answer.ok ? 'ok' : answer.error.code))
    assert.deepEqual(codes, [
      'BAD_PIN',
      'BAD_PIN',
      'BAD_PIN',
      'BAD_PIN',
      'PIN_LOCKED',
      'PIN_LOCKED',
      'PIN_LOCKED',
      'PIN_LOCKED',
    ])
    assert.equal(store.audit.list().entries.filter((entry) => entry.action === 'wrongPin').length, 5)
  })

  test('wrong PINs and the lock are in the audit log, without the PIN typed', async () => {
    const { store } = await setUpKiosk()
    await typeWrongPins((p) => store.pin.verify(p), 5)
    const entries = store.audit.list({ limit: 6 }).entries
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.detail]),
      [
        ['lockout', { lock: 1, seconds: 30 }],
        ['wrongPin', { failures: 5 }],
        ['wrongPin', { failures: 4 }],
        ['wrongPin', { failures: 3 }],
        ['wrongPin', { failures: 2 }],
        ['wrongPin', { failures: 1 }],
      ],
    )
    assert.equal(store.audit.exportCsv().includes(wrong), false)
  })
})

describe('supervisor PIN: a full disk', () => {
  test('wrong PINs kiosk.db cannot count still lock the pad: a full disk is no way around the lockout', async () => {
    const disk = watchKioskDb()
    const kiosk = await setUpKiosk()
    disk.stop()
    const { store, pin, clock } = kiosk
    try {
      disk.fill()
      // What room the audit log's pages still had goes first: then no wrong PIN can be written down.
      for (let i = 0; i < 10_000; i++) {
        try {
          store.audit.append({ action: 'syncNow', detail: {}, actor: null })
        } catch {
          break
        }
      }
      // Each wrong PIN now locks the pad, instead of an error that counted nothing; each lock twice as
      // long as the one before, as stored locks are (a fixed 30 s was 120 guesses an hour, not 5).
      assert.deepEqual(await store.pin.verify(wrong), { ok: false, error: { code: 'PIN_LOCKED', retryAfter: 30 } })
      assert.deepEqual(await store.pin.verify(pin), { ok: false, error: { code: 'PIN_LOCKED', retryAfter: 30 } })
      assert.equal(store.pin.state().locked, true)
      clock.advance(31)
      assert.deepEqual(await store.pin.verify(wrong), { ok: false, error: { code: 'PIN_LOCKED', retryAfter: 60 } })
      clock.advance(31)
      assert.deepEqual(await store.pin.verify(pin), { ok: false, error: { code: 'PIN_LOCKED', retryAfter: 29 } })
      clock.advance(30)
      assert.deepEqual(await store.pin.verify(wrong), { ok: false, error: { code: 'PIN_LOCKED', retryAfter: 120 } })
      for (let i = 0; i < 10; i++) {
        clock.advance(3601)
        await store.pin.verify(wrong)
      }
      assert.equal(store.pin.state().retryAfter, 3600, 'never longer than maxLockSeconds')
      clock.advance(3601)
      // Staff still get in with the right PIN, to see why on the dashboard.
      assert.deepEqual(await store.pin.verify(pin), { ok: true, value: undefined })
    } finally {
      disk.free()
    }
  })
})
