import type { Outbox } from '../../sync/outbox'

/**
 * The most candidate ops this kiosk queues in any `kioskOpWindowMs`, however many visits they came in.
 * The per-visit limit (kioskHandlers' opsPerVisit) alone stops nothing: the screen ends a visit
 * whenever it asks (app.wipe), so a page gone wrong (or hostile) could wipe after every 30 and fill
 * kiosk.db without end. A busy hall serves a candidate every few minutes, each queuing a handful of
 * ops: 200 an hour is several times what one kiosk sees on the busiest day.
 */
export const opsPerKioskWindow = 200
export const kioskOpWindowMs = 60 * 60_000

/** Marks an op in its masked summary as staff's (现场服务, with an attestation): never counted here. */
export const staffFiledMark = 'staffFiled'
/**
 * Summaries of staff's ops carry it (kioskServices' summaryOf). One character: the outbox refuses a
 * summary value equal to a sealed field of two or more, and no staff id or name may then stop staff.
 */
export const staffFiledValue = '1'
const isStaffFiled = (summary: Record<string, string>): boolean => summary[staffFiledMark] === staffFiledValue

/** What staff see on 运行概况 while candidates' ops are refused. */
export interface KioskOpLimitState {
  limit: number
  windowMinutes: number
  /** Seconds until the oldest of them leaves the window and a candidate may submit again. */
  freeInSec: number
}

export interface KioskOpLimit {
  /** A place for one candidate op, or null when the window is full; release it once the op is queued or refused. */
  take(): (() => void) | null
  /** Null while candidates may submit. */
  state(): KioskOpLimitState | null
}

/**
 * Counted from the outbox itself (ops' ages, staff's left out), so neither a wipe nor a restart lifts
 * it. Ops on their way to the outbox count too, so that submits sent all at once cannot pass it
 * before the first of them is committed (each counts twice from its commit until its answer: only
 * ever against submits sent together, as no screen sends a candidate's).
 */
export function createKioskOpLimit(
  outbox: () => Outbox | null,
  /** `now` times the log's warning only (a clock nobody sets); the window is the outbox's. */
  options: { ops?: number; windowMs?: number; now?: () => number } = {},
): KioskOpLimit {
  const limit = options.ops ?? opsPerKioskWindow
  const windowMs = options.windowMs ?? kioskOpWindowMs
  const now = options.now ?? (() => performance.now())
  let inFlight = 0
  /**
   * When the log last said it: once a window at most. A screen looping at the limit reaches it again
   * each time an op leaves the window (one submit through, the next refused), up to `limit` times an hour.
   */
  let warnedAt: number | null = null
  const ages = (): number[] => {
    const open = outbox()
    return open?.open ? open.madeWithin(windowMs, { atMost: limit, except: isStaffFiled }) : []
  }
  return {
    take() {
      if (ages().length + inFlight >= limit) {
        if (warnedAt === null || now() - warnedAt >= windowMs) {
          // Counts only: nothing of any candidate.
          console.warn(
            `[kiosk] candidates' ops reached ${limit} in ${Math.round(windowMs / 60_000)} min: ops.submit refused (ops.perKiosk) until the oldest leaves the window; a screen gone wrong, or staff to check`,
          )
          warnedAt = now()
        }
        return null
      }
      inFlight += 1
      return () => void (inFlight -= 1)
    },
    state() {
      const made = ages()
      if (made.length < limit) return null
      const oldest = made[made.length - 1] ?? 0
      return {
        limit,
        windowMinutes: Math.round(windowMs / 60_000),
        freeInSec: Math.max(1, Math.ceil((windowMs - oldest) / 1000)),
      }
    },
  }
}
