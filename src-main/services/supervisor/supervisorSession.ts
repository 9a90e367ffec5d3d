import { ok, type Result } from '../../../src-common/errors'
import { checkActor, type AuditActor, type AuditRecorder } from './auditLog'
import type { SupervisorPin } from './supervisorPin'

/**
 * Supervisor mode: entered with the right PIN, left explicitly or after the supervisor idle timeout
 * (touch() on every supervisor interaction pushes it back). Held in memory only, so a restart always
 * starts outside supervisor mode.
 */

export type LeaveReason = 'explicit' | 'idle' | 'closed'

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
  leave(): void
  /** Pushes the idle deadline back; false (and nothing happens) when supervisor mode is off. */
  touch(): boolean
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
  const listeners = new Set<(change: SessionChange) => void>()

  const deadline = (session: Active) => session.lastActivity + session.timeoutMs
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
    audit.record({ action: 'leave', detail: { reason }, actor })
    emit({ active: false, reason })
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

  return {
    async enter(candidatePin, actor = null) {
      const who = checkActor(actor)
      if (!who.ok) return who
      const verified = await pin.verify(candidatePin, who.value)
      if (!verified.ok) return verified
      // Someone else entering over a running session: close the first one, so enter and leave pair up in the log.
      stop('explicit')
      const at = now()
      active = {
        actor: who.value,
        enteredAt: at,
        lastActivity: at,
        timeoutMs: options.idleTimeoutSec() * 1000,
      }
      audit.record({ action: 'enter', detail: {}, actor: active.actor })
      schedule()
      const session = info(active)
      emit({ active: true, session })
      return ok(session)
    },

    leave: () => stop('explicit'),

    touch() {
      if (!check() || !active) return false
      active.lastActivity = now()
      active.timeoutMs = options.idleTimeoutSec() * 1000
      schedule()
      return true
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
