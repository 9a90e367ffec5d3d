import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errorMessage } from '../../../src-common/errors'
import { payloadOf } from '../sync/fixtures'
import { watchKioskDb } from '../sync/fullDisk'
import { openDemoKiosk, valueOf, type DemoKiosk } from './demoKiosk'

const appealOf = (i: number) => {
  const { attestation: _staff, ...payload } = payloadOf('appeal', 100 + i)
  return payload
}

/**
 * A demo kiosk whose own kiosk.db connections `disk` can fill or make read-only, with the console's
 * errors caught (into `errors`) instead of printed; the disk freed and the kiosk closed after `body`.
 */
async function onWatchedDisk(
  body: (kiosk: DemoKiosk, disk: ReturnType<typeof watchKioskDb>, errors: unknown[][]) => Promise<void>,
): Promise<void> {
  const disk = watchKioskDb()
  const kiosk = await openDemoKiosk()
  disk.stop()
  const errors: unknown[][] = []
  const consoleError = console.error
  console.error = (...args: unknown[]) => void errors.push(args)
  try {
    await body(kiosk, disk, errors)
  } finally {
    console.error = consoleError
    disk.free()
    await kiosk.close()
  }
}

test('the disk fills up while a candidate submits: nothing is half-saved, the candidate is told to ask staff, and staff see why', () =>
  onWatchedDisk(async (kiosk, disk, errors) => {
    const outbox = kiosk.services.outbox!
    disk.fill()
    // Some ops may still fit in the pages kiosk.db already has; one will not.
    let refused: Awaited<ReturnType<typeof kiosk.call>> | undefined
    let saved = 0
    for (let i = 0; i < 200 && !refused; i++) {
      const answer = await kiosk.call('ops.submit', { kind: 'appeal', payload: appealOf(i), waitMs: 0 })
      if (answer.ok) saved++
      else refused = answer
    }
    // Not "系统繁忙，请稍后再试": trying again will not help, staff must act.
    assert.deepEqual(refused, { ok: false, error: { code: 'STORAGE_UNAVAILABLE' } })
    assert.match(errorMessage('STORAGE_UNAVAILABLE', 'zh-CN'), /未提交.*联系考点工作人员/)
    // Only what was answered "saved" is in kiosk.db: the refused op left no row, no receipt.
    assert.equal(outbox.count(), saved)
    // Staff: the dashboard's last error, and the kiosk's log says what SQLite said.
    assert.equal(kiosk.services.syncSummary().lastError?.error.code, 'STORAGE_UNAVAILABLE')
    assert.ok(
      errors.some((args) => args.some((a) => a instanceof Error && /disk is full/.test(a.message))),
      'the log has the fault',
    )
    // Room again: the candidate's form, still on the screen, goes through.
    disk.free()
    const again = valueOf<{ status: string }>(
      await kiosk.call('ops.submit', { kind: 'appeal', payload: appealOf(999) }),
    )
    assert.equal(again.status, 'pending')
    assert.equal(outbox.count(), saved + 1)
  }))

test("staff's action on a full disk says to check the disk, not 系统繁忙，请稍后再试", () =>
  onWatchedDisk(async (kiosk, disk) => {
    valueOf(
      await kiosk.call('setup.complete', {
        kioskName: '一号机',
        examCentre: '北京大学考点',
        centralUrl: null,
        pin: '24681357',
      }),
    )
    valueOf(await kiosk.call('supervisor.enter', { pin: '24681357', staffId: 'T07', staffName: '张老师' }))
    disk.fill()
    let refused: Awaited<ReturnType<typeof kiosk.call>> | undefined
    for (let i = 0; i < 500 && !refused; i++) {
      const answer = await kiosk.call('supervisor.updateSettings', {
        patch: { idleTimeoutSec: 60 + (i % 2) },
      })
      if (!answer.ok) refused = answer
    }
    assert.deepEqual(refused, { ok: false, error: { code: 'STORAGE_UNAVAILABLE' } })
  }))

test('kiosk.db turned read-only under a running kiosk: the submit is refused as unsaved, and staff see why', () =>
  onWatchedDisk(async (kiosk, disk) => {
    const before = kiosk.services.outbox!.count()
    disk.readOnly()
    const answer = await kiosk.call('ops.submit', { kind: 'appeal', payload: appealOf(500), waitMs: 0 })
    assert.deepEqual(answer, { ok: false, error: { code: 'STORAGE_UNAVAILABLE' } })
    assert.equal(kiosk.services.syncSummary().lastError?.error.code, 'STORAGE_UNAVAILABLE')
    disk.free()
    assert.equal(kiosk.services.outbox!.count(), before)
    valueOf(await kiosk.call('ops.submit', { kind: 'appeal', payload: appealOf(500) }))
    assert.equal(kiosk.services.outbox!.count(), before + 1)
  }))
