import { ok, type Result } from '../../../src-common/errors'
import { isStorageFault } from '../../../sync/storageFault'
import { checkActor, type AuditActor, type AuditRecorder } from './auditLog'
import type { SupervisorPin } from './supervisorPin'

/**
 * Supervisor mode: entered with the right PIN, left explicitly or after the supervisor idle timeout
 * (touch() on staff's activity and actions pushes it back; an action still running holds it, up to
 * `maxBusyMs` past the deadline). Held in memory only, so a restart always starts outside supervisor
 * mode.
 */

/** How long past its idle deadline an action staff started (立即同步 on a long queue, a re-enrolment) holds the mode open. */
export const maxBusyMs = 5 * 60_000

/** explicit: staff left (or exited to the desktop); reloaded: a new document in the window (a crashed or hung screen reloaded). */
export type LeaveReason = 'explicit' | 'idle' | 'closed' | 'reloaded'

export interface SessionInfo {
  actor: AuditActor | null
  enteredAt: string
  /** When it leaves by itself unless touched. */
  expiresAt: string
}

export type SessionChange = { active: true; session: SessionInfo } | { active: false; reason: LeaveReason }

export interface SupervisorSession {
  /** Checks the PIN (with its lockout: BAD_PIN, PIN_LOCKED) and, if right, starts supervisor mode. */
  enter(pin: string, actor?: AuditActor | null): Promise<Result<SessionInfo>>
  leave(reason?: 'explicit' | 'reloaded'): void
  /** Pushes the idle deadline back; false (and nothing happens) when supervisor mode is off. */
  touch(): boolean
  /**
   * Runs an action staff started: the mode does not leave by idle while it runs (for at most
   * `maxBusyMs` past the deadline), and its end counts as activity.
   */
  busy<T>(work: () => Promise<T>): Promise<T>
  isActive(): boolean
  current(): SessionInfo | null
  /** Every enter and leave, including the idle one: the shell forwards it to the renderer. */
  onChange(listener: (change: SessionChange) => void): () => void
}

interface Active {
  actor: AuditActor | null
  enteredAt: number
  lastActivity: number
  timeoutMs: number
}

export function createSupervisorSession(options: {
  pin: SupervisorPin
  audit: AuditRecorder
  idleTimeoutSec: () => number
  now: () => number
}): SupervisorSession & { close(): void } {
  const { pin, audit, now } = options
  let active: Active | null = null
  let timer: NodeJS.Timeout | null = null
  /** Actions running now: while any does, the idle deadline waits (up to maxBusyMs more). */
  let running = 0
  const listeners = new Set<(change: SessionChange) => void>()

  const deadline = (session: Active) => session.lastActivity + session.timeoutMs + (running > 0 ? maxBusyMs : 0)
  const info = (session: Active): SessionInfo => ({
    actor: session.actor,
    enteredAt: new Date(session.enteredAt).toISOString(),
    expiresAt: new Date(deadline(session)).toISOString(),
  })
  const emit = (change: SessionChange) => {
    for (const listener of listeners) listener(change)
  }

  function stop(reason: LeaveReason) {
    if (!active) return
    const { actor } = active
    active = null
    if (timer) clearTimeout(timer)
    timer = null
    try {
      audit.record({ action: 'leave', detail: { reason }, actor })
    } catch (error) {
      // kiosk.db refused the row (the disk full, read-only): the mode ends all the same, and the
      // screens are told. Thrown, it was an uncaught exception from the idle timer, and the
      // supervisor screens (a half-typed on-site form with them) stayed up for the next person.
      if (!isStorageFault(error)) throw error
    } finally {
      emit({ active: false, reason })
    }
  }

  /** Leaves if the deadline has passed; true while still active. */
  function check(): boolean {
    if (active && now() >= deadline(active)) stop('idle')
    return active !== null
  }

  // The timer only wakes us up: check() decides with now(), so a touch in between just reschedules.
  function schedule() {
    if (timer) clearTimeout(timer)
    timer = null
    if (!active) return
    timer = setTimeout(
      () => {
        timer = null
        if (check()) schedule()
      },
      Math.max(deadline(active) - now(), 0),
    )
    timer.unref()
  }

  function touch(): boolean {
    if (!check() || !active) return false
    active.lastActivity = now()
    active.timeoutMs = options.idleTimeoutSec() * 1000
    schedule()
    return true
  }

  return {
    async enter(candidatePin, actor = null) {
      const who = checkActor(actor)
      if (!who.ok) return who
      const verified = await pin.verify(candidatePin, who.value)
      if (!verified.ok) return verified
      // Someone else entering over a running session: close the first one, so enter and leave pair up in the log.
      stop('explicit')
      const at = now()
      // Logged first: an entry kiosk.db refuses to log (the disk read-only) throws before main holds
      // a session the caller was told it does not have (STORAGE_UNAVAILABLE).
      audit.record({ action: 'enter', detail: {}, actor: who.value })
      active = {
        actor: who.value,
        enteredAt: at,
        lastActivity: at,
        timeoutMs: options.idleTimeoutSec() * 1000,
      }
      schedule()
      const session = info(active)
      emit({ active: true, session })
      return ok(session)
    },

    leave: (reason = 'explicit') => stop(reason),

    touch,

    async busy(work) {
      running++
      schedule()
      try {
        return await work()
      } finally {
        // Its end is activity, counted while it still holds the mode (else a deadline passed meanwhile would end it first).
        touch()
        running--
        schedule()
      }
    },

    isActive: check,

    current: () => (check() && active ? info(active) : null),

    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },

    close() {
      stop('closed')
      listeners.clear()
    },
  }
}
