/**
 * Main's own end to a candidate's visit. The screen wipes after its idle timeout (IdleGuard.vue, 设置's
 * 考生页面超时); a renderer that hangs without Chromium noticing, broke halfway, or is hostile never
 * does, and main held the visitor's log-in and verified SMS codes until someone called app.wipe. So
 * main ends the visit itself (what app.wipe does) once the person at the kiosk has neither called
 * main nor touched the screen for the screen's timeout plus a margin: long enough that a working
 * screen always wipes first.
 *
 * Only a person opens a visit for main to end: a touch or a key (the shell's input events). Calls
 * hold the end back but open nothing: a working screen's own wipe re-mounts the screen it leaves, and
 * 登录's captcha, 我的ETEST通行证's account read or the PIN pad's state arrive just after app.wipe; had
 * they counted, main would end each of those visits again a timeout and a margin later, and log a
 * screen that never failed. A screen cannot log anyone in or type a form without someone's keys.
 *
 * Not while staff are in supervisor mode (their own timer ends the visit when they leave) or in the
 * set-up wizard (no candidate yet; finishing it ends the visit), not while a call runs (a submit
 * waiting for the centre, up to `maxHoldMs` past the deadline), and once per visit: after any end
 * (this one, app.wipe, 退出, staff) nothing is owed until someone touches the screen again.
 */

/** How much longer than the screen's own timeout main waits: the screen's warning, its wipe and a slow frame fit in it many times. */
export const idleMarginSec = 120

/** How long past the deadline a call still running holds the end back (a submit waits at most 15 s for the centre). */
export const maxHoldMs = 60_000

/**
 * What a person does to the window, as Electron's `input-event` names it (the shell forwards them):
 * a press, a key, a tap, the wheel. The pointer merely moving is not someone at the kiosk (the screen's
 * IdleGuard does not count it either).
 */
const personInputs: ReadonlySet<string> = new Set([
  'mouseDown',
  'mouseWheel',
  'rawKeyDown',
  'keyDown',
  'char',
  'touchStart',
  'gestureTapDown',
  'gestureTap',
  'gestureScrollBegin',
  'pointerDown',
])

export interface CandidateIdleOptions {
  /** The screen's idle timeout now (设置, or the tests' override): read at each look, so a change applies at once. */
  screenTimeoutSec: () => number
  marginSec?: number
  /** A clock nobody sets (ms): NTP moving the wall clock does not end a visit. */
  now?: () => number
  /** How often main looks (ms). */
  checkEveryMs?: number
  /** Staff have the kiosk: supervisor mode, or the set-up wizard (which no candidate reaches). */
  staffHere: () => boolean
  /** Ends the visit as app.wipe does, and tells the screen. */
  endVisit: () => void
}

export interface CandidateIdleBackstop {
  /** A call from the screen: its start and its end hold an owed end back, and no end comes while it runs. */
  during<T>(work: () => Promise<T>): Promise<T>
  /** Electron's input-event type: a press, a key or a tap is someone at the kiosk (the shell forwards every event). */
  input(type: string): void
  /** The visit ended, by whoever: nothing is owed until the next touch or key. */
  visitEnded(): void
  /** How long without activity before main ends the visit (ms). */
  timeoutMs(): number
  close(): void
}

export function createCandidateIdleBackstop(options: CandidateIdleOptions): CandidateIdleBackstop {
  const now = options.now ?? (() => performance.now())
  const marginSec = options.marginSec ?? idleMarginSec
  let lastActivity = now()
  /** Someone touched the screen since the last end: there is a visit to end. */
  let owed = false
  let running = 0

  const timeoutMs = () => (options.screenTimeoutSec() + marginSec) * 1000
  const deadline = () => lastActivity + timeoutMs() + (running > 0 ? maxHoldMs : 0)

  function activity(): void {
    lastActivity = now()
    owed = true
  }

  function check(): void {
    if (!owed || now() < deadline()) return
    // Asking may end supervisor mode by its own idle, which ends the visit: then nothing is owed.
    if (options.staffHere() || !owed) return
    options.endVisit()
  }

  const timer = setInterval(() => {
    try {
      check()
    } catch (error) {
      // kiosk.db refusing the timeout's read, say: an uncaught exception from a timer would take main
      // down. Logged (SQLite's words, nobody's data), and looked at again at the next turn.
      console.error("[kiosk] main's idle end could not look:", error)
    }
  }, options.checkEveryMs ?? 5_000)
  timer.unref()

  return {
    async during(work) {
      running++
      lastActivity = now()
      try {
        return await work()
      } finally {
        running--
        lastActivity = now()
      }
    },
    input(type) {
      if (personInputs.has(type)) activity()
    },
    visitEnded() {
      owed = false
      lastActivity = now()
    },
    timeoutMs,
    close() {
      clearInterval(timer)
    },
  }
}
