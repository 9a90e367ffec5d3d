import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createCandidateIdleBackstop, maxHoldMs } from '../../src-main/services/candidateIdleBackstop'

const checkEveryMs = 2
const looked = () => new Promise((resolve) => setTimeout(resolve, checkEveryMs * 10))

/** A backstop on a clock the test moves: 30 s screen timeout + 10 s margin. */
function backstop(staffHere: () => boolean = () => false) {
  const state = { now: 0, ends: 0 }
  const idle = createCandidateIdleBackstop({
    screenTimeoutSec: () => 30,
    marginSec: 10,
    now: () => state.now,
    checkEveryMs,
    staffHere,
    endVisit: () => {
      state.ends += 1
      idle.visitEnded()
    },
  })
  return { idle, state }
}

describe("main's idle end, on its own", () => {
  test('calls alone open no visit to end: a screen cannot log anyone in or fill a form without a touch or a key', async () => {
    const { idle, state } = backstop()
    await idle.during(async () => 'captcha')
    state.now += 100_000
    await looked()
    assert.equal(state.ends, 0)
    // Once someone has touched the screen, a call holds the end back as a touch does.
    idle.input('touchStart')
    state.now += 30_000
    await idle.during(async () => 'account')
    state.now += 39_000
    await looked()
    assert.equal(state.ends, 0)
    state.now += 2_000
    await looked()
    assert.equal(state.ends, 1)
    idle.close()
  })

  test('a call that never ends (a bug) holds the end back for a while, not for ever', async () => {
    const { idle, state } = backstop()
    idle.input('touchStart')
    void idle.during(() => new Promise(() => undefined))
    state.now += 40_000 + maxHoldMs - 1
    await looked()
    assert.equal(state.ends, 0)
    state.now += 2
    await looked()
    assert.equal(state.ends, 1)
    idle.close()
  })

  test('staff whose own timer runs out as main asks: their leaving ended the visit, main does not end it twice', async () => {
    let staff = true
    const { idle, state } = backstop(() => {
      if (!staff) return false
      // Supervisor mode leaves by idle while asked, and its leaving ends the visit.
      staff = false
      state.ends += 1
      idle.visitEnded()
      return false
    })
    idle.input('touchStart')
    state.now += 41_000
    await looked()
    assert.equal(state.ends, 1)
    idle.close()
  })

  test('a press, a key or a tap is someone at the kiosk; the pointer moving is not', async () => {
    const { idle, state } = backstop()
    idle.input('mouseMove')
    state.now += 41_000
    await looked()
    assert.equal(state.ends, 0, 'nothing happened: nothing to end')
    for (const type of ['mouseDown', 'keyDown', 'touchStart']) {
      idle.input(type)
      state.now += 39_000
      await looked()
      assert.equal(state.ends, 0, type)
    }
    state.now += 2_000
    await looked()
    assert.equal(state.ends, 1)
    idle.close()
  })

  test('a look that fails (kiosk.db refusing the timeout) is logged and tried again, not thrown from the timer', async (t) => {
    const logged: unknown[][] = []
    t.mock.method(console, 'error', (...args: unknown[]) => void logged.push(args))
    let refuse = true
    let ends = 0
    let now = 0
    const idle = createCandidateIdleBackstop({
      screenTimeoutSec: () => {
        if (refuse) throw new Error('SQLITE_IOERR: disk I/O error')
        return 30
      },
      marginSec: 10,
      now: () => now,
      checkEveryMs,
      staffHere: () => false,
      endVisit: () => {
        ends += 1
        idle.visitEnded()
      },
    })
    idle.input('touchStart')
    now += 41_000
    await looked()
    assert.equal(ends, 0)
    assert.match(String(logged[0]?.[1]), /SQLITE_IOERR/)
    refuse = false
    await looked()
    assert.equal(ends, 1)
    idle.close()
  })
})
