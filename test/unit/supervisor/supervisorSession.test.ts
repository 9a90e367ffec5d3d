import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { SessionChange } from '../../../src-main/services/supervisor/supervisorStore'
import { watchKioskDb } from '../../integration/sync/fullDisk'
import { setUpKiosk } from './supervisorFixture'


/** A set-up kiosk whose own kiosk.db connections `disk` can fill or make read-only from now on. */
async function setUpOnWatchedDisk() {
  const disk = watchKioskDb()
  const kiosk = await setUpKiosk()
  disk.stop()
  return { disk, ...kiosk }
}

describe('supervisor session', () => {
  test('the right PIN enters supervisor mode; leaving ends it', async () => {
    const { store, pin, clock } = await setUpKiosk()
    assert.equal(store.session.isActive(), false)

    const entered = await store.session.enter(pin, { staffId: 'T07', name: '王老师' })

    assert.deepEqual(entered, {
      ok: true,
      value: {
        actor: { staffId: 'T07', name: '王老师' },
        enteredAt: new Date(clock.now).toISOString(),
        expiresAt: new Date(clock.now + 60_000).toISOString(),
      },
    })
    assert.equal(store.session.isActive(), true)
    store.session.leave()
    assert.equal(store.session.isActive(), false)
    assert.deepEqual(
      store.audit
        .list({ limit: 2 })
        .entries.map((entry) => [entry.action, entry.detail, entry.actor?.staffId]),
      [
        ['leave', { reason: 'explicit' }, 'T07'],
        ['enter', {}, 'T07'],
      ],
    )
  })

  test('entering over a running session closes the first one in the log', async () => {
    const { store, pin } = await setUpKiosk()
    await store.session.enter(pin, { staffId: 'T07' })
    await store.session.enter(pin, { staffId: 'T08' })
    assert.equal(store.session.current()?.actor?.staffId, 'T08')
    assert.deepEqual(
      store.audit.list({ limit: 3 }).entries.map((entry) => `${entry.action} ${entry.actor?.staffId}`),
      ['enter T08', 'leave T07', 'enter T07'],
    )
  })

  test('a wrong or locked PIN does not enter', async () => {
    const { store } = await setUpKiosk()
    assert.deepEqual(await store.session.enter('135790'), { ok: false, error: { code: 'BAD_PIN', triesLeft: 4 } })
    for (let i = 0; i < 4; i++) await store.session.enter('135790')
    const locked = await store.session.enter('135790')
    assert.equal(!locked.ok && locked.error.code, 'PIN_LOCKED')
    assert.equal(store.session.isActive(), false)
  })

  test('it leaves by itself after 60 s without a touch; a touch pushes the deadline back', async () => {
    const { store, pin, clock } = await setUpKiosk()
    await store.session.enter(pin)

    clock.advance(50)
    assert.equal(store.session.touch(), true)
    clock.advance(59)
    assert.equal(store.session.isActive(), true, '109 s after entering, 59 s after the touch')
    clock.advance(1)
    assert.equal(store.session.isActive(), false)
    assert.equal(store.session.touch(), false, 'a touch after the timeout does not bring it back')
    assert.deepEqual(store.audit.list({ limit: 1 }).entries[0]?.detail, { reason: 'idle' })
  })

  test('an action still running holds the mode open past the idle deadline, and its end counts as a touch', async () => {
    const { store, pin, clock } = await setUpKiosk()
    await store.session.enter(pin)
    let finish: () => void = () => undefined
    const running = store.session.busy(() => new Promise<string>((resolve) => (finish = () => resolve('synced'))))
    clock.advance(120)
    assert.equal(store.session.isActive(), true, '立即同步 still draining, 120 s after the last touch')
    finish()
    assert.equal(await running, 'synced')
    clock.advance(59)
    assert.equal(store.session.isActive(), true, '59 s after the action ended')
    clock.advance(1)
    assert.equal(store.session.isActive(), false)
  })

  test('an action that never ends holds the mode 5 minutes past the deadline at most', async () => {
    const { store, pin, clock } = await setUpKiosk()
    await store.session.enter(pin)
    void store.session.busy(() => new Promise(() => undefined))
    clock.advance(60 + 299)
    assert.equal(store.session.isActive(), true)
    clock.advance(1)
    assert.equal(store.session.isActive(), false)
    assert.deepEqual(store.audit.list({ limit: 1 }).entries[0]?.detail, { reason: 'idle' })
  })

  test('the idle timeout is the one in the settings', async () => {
    const { store, pin, clock } = await setUpKiosk()
    assert.equal(store.settings.update({ supervisorIdleTimeoutSec: 20 }).ok, true)
    await store.session.enter(pin)
    clock.advance(20)
    assert.equal(store.session.isActive(), false)
  })

  test('the idle leave happens on its own and is announced, without anyone asking', async (t) => {
    const { store, pin, clock } = await setUpKiosk()
    const changes: SessionChange[] = []
    store.session.onChange((change) => changes.push(change))
    t.mock.timers.enable({ apis: ['setTimeout'] })
    await store.session.enter(pin)

    clock.advance(30)
    t.mock.timers.tick(30_000)
    store.session.touch()
    clock.advance(59)
    t.mock.timers.tick(59_000)
    assert.equal(changes.length, 1, 'still in supervisor mode 59 s after the touch')
    clock.advance(1)
    t.mock.timers.tick(1_000)

    assert.deepEqual(
      changes.map((change) => (change.active ? 'entered' : change.reason)),
      ['entered', 'idle'],
    )
  })

  test('nothing of supervisor mode survives a restart', async () => {
    const kiosk = await setUpKiosk()
    await kiosk.store.session.enter(kiosk.pin)
    kiosk.store.close()

    const restarted = kiosk.open()
    assert.equal(restarted.session.isActive(), false)
    assert.equal(restarted.session.current(), null)
    assert.deepEqual(restarted.audit.list({ limit: 1 }).entries[0]?.detail, { reason: 'closed' })
  })
})

describe('supervisor session: a full disk', () => {
  test('the idle leave still ends the mode and is announced when kiosk.db refuses its audit row, and throws nothing from the timer', async (t) => {
    const { disk, store, pin, clock } = await setUpOnWatchedDisk()
    const changes: SessionChange[] = []
    store.session.onChange((change) => changes.push(change))
    t.mock.timers.enable({ apis: ['setTimeout'] })
    try {
      await store.session.enter(pin)
      disk.readOnly()
      clock.advance(60)
      // Thrown from the timer, the refused 'leave' row was an uncaught exception in main, and the
      // renderer was never told: the screens, a half-typed on-site form with them, stayed up.
      assert.doesNotThrow(() => t.mock.timers.tick(60_000))
      assert.equal(store.session.isActive(), false)
      assert.deepEqual(
        changes.map((change) => (change.active ? 'entered' : change.reason)),
        ['entered', 'idle'],
      )
    } finally {
      disk.free()
    }
  })

  test('leaving on a read-only disk ends the mode and says so', async () => {
    const { disk, store, pin } = await setUpOnWatchedDisk()
    const changes: SessionChange[] = []
    store.session.onChange((change) => changes.push(change))
    try {
      await store.session.enter(pin)
      disk.readOnly()
      assert.doesNotThrow(() => store.session.leave())
      assert.equal(store.session.isActive(), false)
      assert.equal(changes.at(-1)?.active, false)
    } finally {
      disk.free()
    }
  })
})

test('an entry kiosk.db refuses to log leaves no session open in main', async () => {
  const { disk, store, pin } = await setUpOnWatchedDisk()
  try {
    disk.readOnly()
    // The caller (the dispatcher) answers STORAGE_UNAVAILABLE: staff are not in supervisor mode,
    // and neither may main think they are.
    await assert.rejects(store.session.enter(pin, { staffId: 'T07' }), { code: 'SQLITE_READONLY' })
    assert.equal(store.session.isActive(), false)
    assert.equal(store.session.current(), null)
  } finally {
    disk.free()
  }
})
