import type { KioskError } from '../src-common/errors'
import { maxBatchBytes, maxOpsPerBatch, type OpResult, type WireOp } from '../src-common/wire'
import { isContentFault, type CentralClient, type CentralResult } from './centralClient'
import { TypedEmitter } from './emitter'
import type { OpStatus, OpView, Outbox, QueueSummary } from './outbox'
import { isStorageFault } from './storageFault'

/**
 * Reconciles the outbox with the central API: pushes the heads of ready account lines in batches,
 * retries what got no answer with exponential backoff and full jitter, records what the server
 * decided, polls deferred ops, and tells the UI and supervisor what is going on. See README.md.
 */

export interface SyncEngineOptions {
  outbox: Outbox
  client: CentralClient
  /** Ops per POST /v1/ops. Default 200 (the wire allows 500). */
  batchMaxOps?: number
  /** Bytes per POST /v1/ops body. Default the wire limit. */
  batchMaxBytes?: number
  /** Batches in flight at once (ops of one account are never in two). Default 2. */
  concurrency?: number
  /** Periodic drain, purge and summary. Default 30 s. */
  tickMs?: number
  /** How often the health endpoint is probed while offline. Default 5 s. */
  probeMs?: number
  /**
   * How often it is probed while online, so that the candidates' header does not say 联网正常 long
   * after the central API went away with nothing queued to find it out. Default 15 s.
   */
  heartbeatMs?: number
  /** Backoff of a failed op: full jitter over min(maxMs, baseMs * 2^(attempts-1)). */
  backoff?: { baseMs: number; maxMs: number }
  /** An op that failed this many times at the head of its line is flagged stuck. Default 5. */
  stuckAfterAttempts?: number
  /** How often pending (deferred) ops are polled. Default 60 s. */
  pollDeferredMs?: number
  /** For tests: a fixed jitter source. */
  random?: () => number
  /** A fault of the kiosk's own while syncing (the database refused a write): for the caller's log. */
  onLocalFault?: (error: unknown) => void
}

export interface SyncEvents {
  opChanged: OpView
  online: { at: string }
  offline: { error: KioskError; at: string }
  summary: QueueSummary
}

export interface SyncEngine {
  readonly events: TypedEmitter<SyncEvents>
  /** Probes the central API and starts the periodic tick. */
  start(): void
  /** Stops timers, waits for the batch in flight, and settles every `waitForOutcome` with the op as it is then. */
  stop(): Promise<void>
  /** The supervisor's "sync now": probe, send what waits in backoff now (and what the server asked to hold back), then drain everything ready. */
  syncNow(): Promise<void>
  /** Sends what is ready now (after a supervisor's retry of one op), leaving the backoff of the others alone. */
  sendReady(): Promise<void>
  /** The OS reports a network change: probe at once instead of waiting for the next probe. */
  networkChanged(): void
  /**
   * A candidate's call to the central API got no answer at all (refused, reset, timed out): the
   * kiosk is offline now, as after a push that got none, and a probe starts at once to find the
   * server again. Waiting for a probe to fail as well would double the time a hung server is
   * reported 联网正常.
   */
  callUnanswered(): void
  /**
   * A candidate looks up a deferred op (an appeal under review): the server is asked about it now,
   * not at the next poll (up to `pollDeferredMs` away), and its decision is recorded if made.
   * Nothing is asked while paused, offline or held back by the server.
   */
  refreshDeferred(id: string): Promise<void>
  pause(): void
  resume(): void
  readonly paused: boolean
  /** null until the first probe or push has answered. */
  readonly online: boolean | null
  /**
   * Resolves with the op as soon as the server has decided it (applied, rejected, pending) or it is
   * blocked/cancelled, or with its current state after `ms` or once the kiosk is (or goes) offline,
   * when no answer can come: then the UI shows the receipt.
   */
  waitForOutcome(id: string, ms: number): Promise<OpView | undefined>
  /** Resolves when no drain is running (for tests and for a clean shutdown). */
  idle(): Promise<void>
  /** Counters since creation: POST /v1/ops requests, ops and bytes in them, time spent waiting for answers. */
  stats(): SyncStats
}

export interface SyncStats {
  pushes: number
  opsSent: number
  bytesSent: number
  /** Sum over pushes of the time from request to answer (pushes in flight together overlap). */
  waitMs: number
  /** Time spent in kiosk.db claiming batches and recording answers. */
  localMs: number
}

const transientOpCodes: ReadonlySet<string> = new Set(['INTERNAL'])

const outcomeStatuses: readonly OpStatus[] = ['applied', 'rejected', 'pending', 'blocked', 'cancelled']

/**
 * The longest a server's Retry-After holds ops back: 15 minutes, as long as a restart lets any op
 * wait (outbox.ts). A longer one (a broken proxy's 99999999999999) would park the queue for good.
 */
export const maxRetryAfterWaitMs = 15 * 60_000

export function fullJitterDelay(attempts: number, backoff: { baseMs: number; maxMs: number }, random: () => number, retryAfterSeconds?: number): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30))
  const delay = Math.floor(random() * ceiling)
  return retryAfterSeconds === undefined ? delay : Math.max(delay, Math.min(retryAfterSeconds * 1000, maxRetryAfterWaitMs))
}

/**
 * Whether a push that failed as a whole may have reached the server and been acted on, with nothing
 * telling what it did: no answer (unless the request surely never left), a 5xx (a gateway's 502
 * after the server applied), an answer that could not be read, or a 4xx page not the server's own.
 * A definite refusal stored nothing ("a rejected signed request changes nothing", wire.ts): a 401
 * (a revoked or unknown kiosk), a 429, or any other 4xx in the server's own words.
 */
export function mayHaveReachedServer(failure: Extract<CentralResult<unknown>, { ok: false }>): boolean {
  const status = failure.httpStatus
  if (status === null) return failure.unsent !== true
  if (status === 401 || status === 429) return false
  return !(status >= 400 && status < 500 && failure.fromServer === true)
}

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { outbox, client, onLocalFault } = options
  const batchMaxOps = Math.min(options.batchMaxOps ?? 200, maxOpsPerBatch)
  const batchMaxBytes = Math.min(options.batchMaxBytes ?? maxBatchBytes, maxBatchBytes)
  const concurrency = Math.max(1, options.concurrency ?? 2)
  const tickMs = options.tickMs ?? 30_000
  const probeMs = options.probeMs ?? 5_000
  const heartbeatMs = options.heartbeatMs ?? 15_000
  const backoff = options.backoff ?? { baseMs: 1_000, maxMs: 5 * 60_000 }
  const stuckAfter = options.stuckAfterAttempts ?? 5
  const pollDeferredMs = options.pollDeferredMs ?? 60_000
  const random = options.random ?? Math.random
  // Building an op's view costs a query: forward the outbox's opChanged only while someone listens.
  let forwarding: (() => void) | undefined
  const events = new TypedEmitter<SyncEvents>((event, count) => {
    if (event !== 'opChanged') return
    if (count > 0 && !forwarding) {
      forwarding = outbox.events.on('opChanged', (op) => {
        events.emit('opChanged', op)
        scheduleSummary()
      })
    } else if (count === 0 && forwarding) {
      forwarding()
      forwarding = undefined
    }
  })

  let online: boolean | null = null
  let paused = false
  let stopped = true
  let draining: Promise<void> | null = null
  let again = false
  // By a clock nobody sets: a wall clock set back by hours must not hold the polls back as long.
  let lastPollAt = -Infinity
  // A push refused as a whole by what answered (429, 5xx, 401) speaks for the whole kiosk, not one
  // batch: no push or poll before heldUntil (performance.now). What the central API asked for itself
  // (serverHeldUntil, a 429 with its Retry-After) outlasts an outage; a page from something in
  // between does not.
  let heldUntil = -Infinity
  let serverHeldUntil = -Infinity
  let kioskFailures = 0
  const waiters = new Set<() => void>()
  let tickTimer: NodeJS.Timeout | undefined
  let heartbeatTimer: NodeJS.Timeout | undefined
  let wakeTimer: NodeJS.Timeout | undefined
  let probeTimer: NodeJS.Timeout | undefined
  let summaryTimer: NodeJS.Timeout | undefined
  let probing: Promise<void> | null = null

  let unsubscribe: Array<() => void> = []
  function subscribe() {
    unsubscribe = [
      // Right after a commit, so that an online candidate sees the server's answer on the spot.
      outbox.events.on('enqueued', () => {
        if (online !== false) void kick()
      }),
    ]
  }

  function scheduleSummary() {
    if (stopped || summaryTimer || events.listenerCount('summary') === 0) return
    summaryTimer = setTimeout(() => {
      summaryTimer = undefined
      if (!stopped) housekeeping(() => events.emit('summary', outbox.summary()))
    }, 200)
    summaryTimer.unref()
  }

  function setOnline(next: boolean, error?: KioskError) {
    if (online === next) return
    online = next
    const at = new Date().toISOString()
    if (next) events.emit('online', { at })
    else events.emit('offline', { error: error ?? { code: 'NETWORK_UNAVAILABLE' }, at })
    scheduleSummary()
  }

  function goOffline(error: KioskError) {
    setOnline(false, error)
    scheduleProbe(probeMs)
  }

  /** Probes now instead of at the next probe's time. */
  function probeNow() {
    if (stopped) return
    if (probeTimer) clearTimeout(probeTimer)
    probeTimer = undefined
    void probe()
  }

  function scheduleProbe(ms: number) {
    if (stopped || probeTimer) return
    probeTimer = setTimeout(() => {
      probeTimer = undefined
      void probe()
    }, ms)
  }

  function probe(): Promise<void> {
    probing ??= (async () => {
      const r = await client.health()
      // Closed while the probe was out (stopped, then the outbox closed): nothing to record or send.
      if (!outbox.open) return
      if (r.ok) {
        // Back from offline ("when the network comes back"): what was held for the outage goes now,
        // unless the central API itself asked for the wait.
        if (online === false) heldUntil = serverHeldUntil
        setOnline(true)
        kick()
      } else {
        outbox.recordSyncError(r.error)
        goOffline(r.error)
      }
    })().finally(() => {
      probing = null
    })
    return probing
  }

  const delayFor = (retryAfter?: number) => (attempts: number) => fullJitterDelay(attempts, backoff, random, retryAfter)

  /** The server is busy, failing or away: the pass ends and nothing is claimed again before the wait. */
  function holdKiosk(retryAfter: number | undefined, fromServer: boolean) {
    kioskFailures++
    const until = performance.now() + fullJitterDelay(kioskFailures, backoff, random, retryAfter)
    heldUntil = Math.max(heldUntil, until)
    if (fromServer) serverHeldUntil = Math.max(serverHeldUntil, until)
  }

  /** An op as the outbox has it; undefined once the outbox is closed (after stop(), at a relink). */
  const readOp = (id: string) => (outbox.open ? outbox.get(id) : undefined)

  const counters: SyncStats = { pushes: 0, opsSent: 0, bytesSent: 0, waitMs: 0, localMs: 0 }

  /** Pushes one batch and records what became of it; returns the failure that ends the pass, if any. */
  async function push(ops: WireOp[], bytes: number, serverTimed: ReadonlySet<string>): Promise<KioskError | undefined> {
    const ids = ops.map((o) => o.id)
    counters.pushes++
    counters.opsSent += ops.length
    counters.bytesSent += bytes
    const started = performance.now()
    const r = await client.pushOps(ops, serverTimed)
    const answeredAt = performance.now()
    counters.waitMs += answeredAt - started
    if (r.ok) {
      kioskFailures = 0
      const inBatch = new Set(ids)
      // A per-op INTERNAL is the server saying "not stored, send it again" (wire.ts), not a decision.
      const answered: OpResult[] = r.value.filter((x) => inBatch.has(x.id) && !(x.status === 'rejected' && transientOpCodes.has(x.error.code)))
      outbox.recordResults(answered)
      const answeredIds = new Set(answered.map((x) => x.id))
      // Said so by the server for that op: this push stored nothing of it.
      const notStored = r.value.filter((x) => inBatch.has(x.id) && !answeredIds.has(x.id))
      const notStoredIds = new Set(notStored.map((x) => x.id))
      const retry = notStored[0]
      if (retry?.status === 'rejected') {
        outbox.releaseForRetry([...notStoredIds], retry.error, delayFor(retry.error.retryAfter), stuckAfter, { maybeSent: false })
      }
      // Left out of the answer (or answered in a way this kiosk cannot read): the server may hold it.
      const unanswered = ids.filter((id) => !answeredIds.has(id) && !notStoredIds.has(id))
      if (unanswered.length > 0) outbox.releaseForRetry(unanswered, { code: 'INTERNAL' }, delayFor(), stuckAfter)
      outbox.recordSyncSuccess()
      counters.localMs += performance.now() - answeredAt
      setOnline(true)
      return undefined
    }
    // Something in this batch cannot be parsed: halve until the op at fault stands alone, so that it
    // alone is rejected and every other account's ops go through. Only the server's own refusal
    // rejects it: a proxy's (a WAF, a body limit) leaves it to be retried, stuck where staff see it.
    if (isContentFault(r.error, r.httpStatus) && (ops.length > 1 || r.fromServer)) {
      if (ops.length === 1) {
        outbox.recordResults([{ id: ids[0] as string, status: 'rejected', error: r.error }])
        return undefined
      }
      const half = Math.ceil(ops.length / 2)
      const stop = await push(ops.slice(0, half), Math.ceil(bytes / 2), serverTimed)
      // The first half met a hold (429, 5xx) or an outage: the second, claimed with it, waits with it
      // unsent, as the next batch would.
      if (stop === undefined) return push(ops.slice(half), Math.floor(bytes / 2), serverTimed)
      outbox.releaseForRetry(ids.slice(half), stop, delayFor(stop.retryAfter), stuckAfter, { maybeSent: false })
      return stop
    }
    outbox.releaseForRetry(ids, r.error, delayFor(r.error.retryAfter), stuckAfter, { maybeSent: mayHaveReachedServer(r) })
    outbox.recordSyncError(r.error)
    // The next batch would meet the same: 15 pushes answered 429 in one pass helped nobody. A proxy's
    // page for a lone op (a WAF's 400) is about that op only, and holds back no one else. No answer
    // at all takes the kiosk offline instead, and the probe that finds the server again sends at once.
    const holds = r.httpStatus === null || !isContentFault(r.error, r.httpStatus)
    if (r.httpStatus !== null && holds) holdKiosk(r.error.retryAfter, r.fromServer === true)
    if (r.httpStatus === null) goOffline(r.error)
    // The central API's own answer says it is there. A page from something in between (a proxy's
    // 502 while the server is down) says nothing of it: the health endpoint is asked instead of
    // taking the kiosk for online (联网正常) for as long as the proxy answers.
    else if (r.fromServer === true) setOnline(true)
    else void probe()
    return holds ? r.error : undefined
  }

  const canSend = () => !stopped && !paused && online !== false && performance.now() >= heldUntil

  /** What the dashboard reads for a fault of the kiosk's own: kiosk.db's, or a bug. */
  const localFaultOf = (error: unknown): KioskError => ({ code: isStorageFault(error) ? 'STORAGE_UNAVAILABLE' : 'INTERNAL' })

  /**
   * Claimed ops whose return to the queue the database refused too (the disk still full): left
   * 'sending', each would block its account's line until a restart. Released before the next claim.
   */
  const unreleased = new Set<string>()
  function releaseUnreleased(): void {
    if (unreleased.size === 0) return
    const ids = [...unreleased]
    outbox.releaseForRetry(ids, { code: 'STORAGE_UNAVAILABLE' }, delayFor(), stuckAfter)
    for (const id of ids) unreleased.delete(id)
  }

  /** Housekeeping (checkpoint, purge, summary) that kiosk.db may refuse: logged, never thrown from a timer. */
  function housekeeping(work: () => void): void {
    try {
      work()
    } catch (error) {
      onLocalFault?.(error)
    }
  }

  async function worker(): Promise<void> {
    while (canSend()) {
      const claimStarted = performance.now()
      let batch: ReturnType<Outbox['claimBatch']>
      try {
        releaseUnreleased()
        batch = outbox.claimBatch({ maxOps: batchMaxOps, maxBytes: batchMaxBytes })
      } catch (error) {
        // Nothing was claimed (one transaction): the other worker's push goes on, and is waited for.
        // The disk full or read-only, a damaged row: it will not mend by itself in a millisecond.
        // Held with backoff like a failing server (else the next pass came at once, again and
        // again), and the dashboard's last error says so.
        holdKiosk(undefined, false)
        // Kept in memory when kiosk.db refuses it; what else could throw here (the outbox closed
        // under a relink) is in the log below.
        try {
          outbox.recordSyncError(localFaultOf(error))
        } catch {
          // the log has the fault
        }
        onLocalFault?.(error)
        return
      }
      counters.localMs += performance.now() - claimStarted
      if (batch.ops.length === 0) return
      try {
        await push(batch.ops, batch.bytes, batch.serverTimed)
      } catch (error) {
        // A fault of this kiosk's own (the disk full, an I/O error) while an answer was recorded:
        // what is not final goes back to the queue (left 'sending', it would block its account's
        // line until a restart), and the pass ends; the next one tries again after the backoff.
        const fault = localFaultOf(error)
        const ids = batch.ops.map((op) => op.id)
        try {
          outbox.releaseForRetry(ids, fault, delayFor(), stuckAfter)
        } catch {
          // The database refuses even that (the disk still full): released before the next claim.
          for (const id of ids) unreleased.add(id)
        }
        try {
          outbox.recordSyncError(fault)
        } catch {
          // the log has the fault
        }
        // Not a pass at once, again and again, against a disk that refuses every answer.
        holdKiosk(undefined, false)
        onLocalFault?.(error)
        return
      }
    }
  }

  /**
   * A pending op the server does not know under this kiosk's id: made before the kiosk enrolled
   * again (a new kiosk id) at the same server. Its receipt, which any kiosk may look up, still
   * finds it; only when that finds nothing either is the op lost to the kiosk.
   */
  async function followByReceipt(id: string, notFound: KioskError): Promise<void> {
    const op = outbox.get(id)
    if (!op) return
    const r = await client.receipt(op.receipt, id)
    if (!r.ok) {
      if (r.error.code === 'OP_NOT_FOUND' && r.fromServer) outbox.recordDecision({ id, status: 'rejected', error: notFound })
      return
    }
    // Only this op is asked about (its id with the code): another kiosk's that drew the same code is
    // never the answer. Its kind is checked all the same.
    if (r.value.kind !== op.kind) return
    outbox.recordDecision(
      r.value.status === 'pending'
        ? { id, status: 'pending' }
        : r.value.status === 'applied'
          ? { id, status: 'applied', result: {} }
          : { id, status: 'rejected', error: r.value.error ?? { code: 'INTERNAL' } },
    )
  }

  async function pollDeferred(): Promise<void> {
    lastPollAt = performance.now()
    for (const id of outbox.pendingIds(50)) {
      if (!canSend()) return
      if (!(await pollOne(id))) return
    }
  }

  /** Asks the server about one deferred op and records its decision; false when the next polls should wait. */
  async function pollOne(id: string): Promise<boolean> {
    const r = await client.opStatus(id)
    if (!r.ok) {
      if (r.httpStatus === null) {
        goOffline(r.error)
        return false
      }
      // Busy or failing: the next 49 polls would meet the same. Held like a refused push.
      if (r.httpStatus === 429 || r.httpStatus >= 500) {
        holdKiosk(r.error.retryAfter, r.fromServer === true)
        return false
      }
      // The server's own "no such op", not a proxy's 404 page while it is redeployed.
      if (r.error.code === 'OP_NOT_FOUND' && r.fromServer) await followByReceipt(id, r.error)
    } else if (r.value.id === id) {
      // An answer about another op decides nothing: it is not the one that was asked about.
      outbox.recordDecision(r.value)
    }
    return true
  }

  async function drainOnce(): Promise<void> {
    await Promise.all(Array.from({ length: concurrency }, () => worker()))
    if (canSend() && performance.now() - lastPollAt >= pollDeferredMs) await pollDeferred()
  }

  function scheduleWake() {
    if (stopped || paused) return
    if (wakeTimer) clearTimeout(wakeTimer)
    wakeTimer = undefined
    const next = outbox.nextAttemptAt()
    if (next === null || online === false) return
    const ms = Math.max(0, next - Date.now(), heldUntil - performance.now())
    if (ms >= tickMs) return
    wakeTimer = setTimeout(() => {
      wakeTimer = undefined
      kick()
    }, ms)
  }

  function kick(): Promise<void> {
    if (stopped || paused) return draining ?? Promise.resolve()
    if (draining) {
      again = true
      return draining
    }
    draining = (async () => {
      do {
        again = false
        try {
          await drainOnce()
        } catch (error) {
          // Already handled where ops were at stake (worker); a poll's fault waits for the next pass.
          onLocalFault?.(error)
          return
        }
      } while (again && canSend())
    })().finally(() => {
      draining = null
      // What the pass wrote goes into kiosk.db now, while nobody waits on an enqueue. A full disk
      // refuses it (the WAL keeps every page): thrown here, it was an unhandled rejection, and the
      // wake-up below was never scheduled.
      housekeeping(() => outbox.checkpoint())
      housekeeping(scheduleWake)
      scheduleSummary()
    })
    return draining
  }

  function tick() {
    // Thrown from a timer, a full disk's refusal was an uncaught exception in the main process.
    housekeeping(() => outbox.purgeExpired())
    // A pass checkpoints when it ends; without one (offline, paused) what enqueues wrote goes in now.
    if (online === false || paused) housekeeping(() => outbox.checkpoint())
    if (online === false) void probe()
    else void kick()
    if (events.listenerCount('summary') > 0) housekeeping(() => events.emit('summary', outbox.summary()))
  }

  return {
    events,
    start() {
      if (!stopped) return
      stopped = false
      subscribe()
      tickTimer = setInterval(tick, tickMs)
      tickTimer.unref()
      // Offline, the probe timer finds the server again; online, this finds it gone.
      heartbeatTimer = setInterval(() => {
        if (online === true) void probe()
      }, heartbeatMs)
      heartbeatTimer.unref()
      void probe()
    },
    async stop() {
      stopped = true
      for (const t of [tickTimer, heartbeatTimer, wakeTimer, probeTimer, summaryTimer]) if (t) clearTimeout(t)
      tickTimer = heartbeatTimer = wakeTimer = probeTimer = summaryTimer = undefined
      for (const off of unsubscribe) off()
      unsubscribe = []
      await draining
      await probing
      // What the last drain or probe scheduled on its way out.
      for (const t of [wakeTimer, probeTimer, summaryTimer]) if (t) clearTimeout(t)
      wakeTimer = probeTimer = summaryTimer = undefined
      // A candidate's screen waiting for the server's answer gets the op as it is now (the outbox
      // is closed next, and its timer would find it closed).
      for (const settle of [...waiters]) settle()
    },
    async syncNow() {
      // Asked explicitly, the engine checks the link even when it believes it is up: with nothing
      // queued no push would find out that the central API has gone away, and the dashboard would
      // go on saying 联网正常.
      await probe()
      if (!outbox.open) return
      // Paused by staff, or the central API away: nothing will be tried, so nothing is hurried and no
      // stuck flag is cleared (the dashboard would read 0 多次失败 for ops that were never retried).
      if (paused || online === false) return
      // A supervisor asking explicitly also wants the ops waiting in backoff to go now, whatever the
      // server last asked (one try costs a 429 at most).
      // All of them, in one statement: a long backlog's oldest ops are the heads of their lines.
      outbox.hurryWaiting()
      heldUntil = serverHeldUntil = -Infinity
      lastPollAt = -Infinity
      await kick()
      while (draining) await draining
    },
    async sendReady() {
      // probe() starts a pass itself once the central API answers.
      if (online === true) await kick()
      else await probe()
      while (draining) await draining
    },
    async refreshDeferred(id) {
      if (stopped || !canSend() || outbox.get(id)?.status !== 'pending') return
      await pollOne(id)
    },
    networkChanged: probeNow,
    callUnanswered() {
      if (stopped) return
      const error: KioskError = { code: 'NETWORK_UNAVAILABLE' }
      if (online !== false) {
        outbox.recordSyncError(error)
        setOnline(false, error)
      }
      probeNow()
    },
    // Said in a summary too: the candidates' receipts and staff's results word a saved op by it.
    pause() {
      paused = true
      scheduleSummary()
    },
    resume() {
      paused = false
      scheduleSummary()
      void kick()
    },
    get paused() {
      return paused
    },
    get online() {
      return online
    },
    waitForOutcome(id, ms) {
      const current = readOp(id)
      if (!current || outcomeStatuses.includes(current.status) || online === false) return Promise.resolve(current)
      return new Promise((resolve) => {
        const settle = (op = readOp(id)) => {
          clearTimeout(timer)
          off()
          offOffline()
          waiters.delete(settle)
          resolve(op)
        }
        const timer = setTimeout(() => settle(), ms)
        const off = events.on('opChanged', (op) => {
          if (op.id === id && outcomeStatuses.includes(op.status)) settle(op)
        })
        // The push went unanswered: the candidate gets the receipt now, not a spinner for the rest of `ms`.
        const offOffline = events.on('offline', () => settle())
        waiters.add(settle)
      })
    },
    async idle() {
      while (draining) await draining
    },
    stats: () => ({ ...counters }),
  }
}
