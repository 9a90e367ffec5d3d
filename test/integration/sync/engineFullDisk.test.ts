import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Outbox } from '../../../sync/outbox'
import { createSyncEngine } from '../../../sync/syncEngine'
import { passAll, type FaultProxy } from '../../faults/faultProxy'
import type { Central } from './central'
import { fast, openKioskDb, queueAppeal, until, withCentralBehindProxy } from './engineKit'
import { sqliteFullError } from './fullDisk'

let central: Central
let proxy: FaultProxy
withCentralBehindProxy((c, p) => {
  central = c
  proxy = p
})

test("the disk is full when the central server's answer comes: no op is left 'sending' once there is room, and nothing is thrown from a timer", async () => {
  proxy.setSchedule(passAll)
  const { outbox, cleanup } = openKioskDb(central)
  // A full disk refuses every write, not just the first one: the answer, putting the ops back in
  // the queue, the checkpoint after the pass, the purge on the tick. (SQLite's max_page_count cannot
  // make these fail: they need no new page, but a full disk's WAL cannot grow for them either.)
  const full = sqliteFullError()
  let diskFull = false
  const refusing =
    <A extends unknown[], R>(write: (...args: A) => R) =>
    (...args: A): R => {
      if (diskFull) throw full
      return write(...args)
    }
  const faulty: Outbox = Object.assign(Object.create(outbox) as Outbox, {
    recordResults: refusing(outbox.recordResults),
    releaseForRetry: refusing(outbox.releaseForRetry),
    checkpoint: refusing(outbox.checkpoint),
    purgeExpired: refusing(outbox.purgeExpired),
  })
  const thrown: unknown[] = []
  const onThrown = (error: unknown) => void thrown.push(error)
  process.on('unhandledRejection', onThrown)
  process.on('uncaughtException', onThrown)
  const faults: unknown[] = []
  const engine = createSyncEngine({ outbox: faulty, client: central.clientFor(proxy.url), ...fast, onLocalFault: (e) => faults.push(e) })
  try {
    engine.pause()
    const { id } = await queueAppeal(outbox, 70_001)
    engine.start()
    diskFull = true
    engine.resume()
    await until(() => faults.length >= 3)
    // The server applied it; the kiosk could not write that down, nor put the op back in the queue.
    assert.equal(outbox.get(id)?.status, 'sending')
    assert.equal(outbox.summary().lastError?.error.code, 'STORAGE_UNAVAILABLE')
    // Staff free some room: without a restart, the op goes back and the resend's stored answer is read.
    diskFull = false
    await until(() => outbox.get(id)?.status === 'pending')
    assert.deepEqual(thrown, [])
  } finally {
    diskFull = false
    await engine.stop()
    process.off('unhandledRejection', onThrown)
    process.off('uncaughtException', onThrown)
    outbox.close()
    cleanup()
  }
})
