import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import axios from 'axios'
import { fail, ok, type Result } from '../../src-common/errors'
import type { AppInfo, OpOutcome, SyncSummary } from '../../src-common/kioskApi'
import { deferredKinds, type OperationKind } from '../../src-common/operations'
import { maskEmail, maskIdNumber, maskMobile, maskName } from '../../src-common/rules'
import { loadPasswordDictionary } from '../../src-common/rules/passwordStrength'
import { devOutboxResponse } from '../../src-common/wire'
import { countUnfinishedOps, openOutbox, type OpView, type Outbox } from '../../sync/outbox'
import { createSyncEngine, type SyncEngine } from '../../sync/syncEngine'
import { createCentralClient, type CentralClient } from '../../sync/centralClient'
import { createCaptchaService, type CaptchaOptions, type CaptchaService } from './captchaService'
import { createCandidateIdleBackstop, type CandidateIdleBackstop } from './candidateIdleBackstop'
import { CandidateSessionHolder } from './candidateSession'
import { connectCentral, openDemoStore, type CentralLink, type DemoServerOptions, type Enrolment } from './centralLink'
import type { CentralStore } from '../../server/index'
import type { KioskConfig } from './kioskConfig'
import { KioskEventBus } from './kioskEventBus'
import { staffFiledMark, staffFiledValue } from './kioskOpLimit'
import type { AuditActor } from './supervisor/auditLog'
import { betterSqliteBinding } from './nativeBinding'
import { createKeyFileProtector, openSupervisorStore, type SecretProtector, type SupervisorStore } from './supervisor/supervisorStore'

/**
 * Everything main does, without Electron: the shell (src-main/index.ts) and the browser test
 * harness (test/e2e) both build the kiosk from here, so every screen is tested against the real
 * services: the outbox and supervisor store on a real kiosk.db, the sync engine, the central API
 * over HTTP (in demo mode the reference server, started in-process).
 */
export interface KioskServices {
  config: KioskConfig
  session: CandidateSessionHolder
  events: KioskEventBus
  captcha: CaptchaService
  supervisor: SupervisorStore
  /** Main's own end to a visit the screen never wiped (candidateIdleBackstop.ts): every call goes through it. */
  candidateIdle: CandidateIdleBackstop
  /** Null until the kiosk is enrolled: operations cannot be sealed, the candidate is told so. */
  readonly outbox: Outbox | null
  /**
   * Ops in kiosk.db not yet final, with or without an open outbox (they need the server they were
   * sealed to); `maybeSent`: only those the server may hold under this kiosk's id (see countUnfinishedOps).
   */
  unfinishedOps(options?: { maybeSent?: boolean }): number
  readonly engine: SyncEngine | null
  readonly central: CentralLink | null
  /** The central server the kiosk links to: KIOSK_CENTRAL_URL when set, else the setting (null: demo mode). */
  centralUrl(): string | null
  /** Demo mode: no central URL configured anywhere, the kiosk runs the reference server itself. */
  readonly demo: boolean
  /** No OS keychain was given (the shell found none): secrets are sealed with a key file beside kiosk.db. */
  readonly secretsInKeyFile: boolean
  /** The folder staff's exports are written to. */
  readonly exportDir: string
  info(): AppInfo
  syncSummary(): SyncSummary
  outcomeOf(view: OpView): OpOutcome
  /** Masked display values of an op's payload: all the kiosk keeps to show it later. */
  summaryOf(kind: OperationKind, payload: Record<string, unknown>): Record<string, string>
  devMessages(to?: string): Promise<Result<{ channel: 'sms' | 'email'; to: string; text: string; code: string | null; createdAt: string }[]>>
  /** (Re)connects to the central API from the settings, enrolling with `enrolmentCode` when given. */
  /** `actor`: the staff member whose re-enrolment this is, for the audit log. */
  relink(enrolmentCode?: string, actor?: AuditActor | null): Promise<Result<true>>
  /**
   * The visitor at the kiosk is forgotten (idle wipe, log-out, staff taking over): main's session
   * and verified codes, the captcha; their session on the server is ended without waiting for it.
   */
  endVisit(): void
  /**
   * A new document in the window (a crashed or hung renderer reloaded): it starts on the candidates'
   * home screen with nobody in, so main forgets the visitor and ends supervisor mode too; otherwise
   * staff's mode would stay open, PIN-free, behind a home screen until its idle timeout.
   */
  newDocument(): void
  /**
   * Exchanges a one-time code for a credential at `url`, storing and linking nothing: the set-up
   * wizard enrols first, so that a server out of reach or a refused code stores nothing at all.
   */
  enrol(url: string, code: string, kioskName: string): Promise<Result<Enrolment>>
  /** The shell quits or exits to the desktop (only reachable from supervisor mode). */
  quit(to: 'quit' | 'desktop'): void
  close(): Promise<void>
}

export interface KioskServiceOptions {
  config: KioskConfig
  version: string
  /** Where package.json and native/ live: the Electron build of better-sqlite3 is found from here. */
  appRoot: string
  /** Electron's safeStorage in the shell; elsewhere a key file beside kiosk.db (see supervisor/README.md). */
  protector?: SecretProtector
  captcha?: CaptchaOptions
  /** Sync engine timing for tests (probe while offline, periodic tick). */
  sync?: { probeMs?: number; tickMs?: number }
  /** Demo mode's reference server (tests lift its SMS resend interval). */
  demoServer?: DemoServerOptions
  onQuit?: (to: 'quit' | 'desktop') => void
  /** The shell's part of forgetting a visitor (the clipboard). */
  onEndVisit?: () => void
  /** Idle timeouts below the settings' 30 s floor, for the idle-wipe tests only. */
  idleOverride?: { timeoutSec: number; warningSec: number }
  /**
   * Main's end to a visit the screen never wiped, after the screen's timeout plus `marginSec` (default
   * 120) without a call or a touch; tests shorten the margin, look more often and bring their own clock.
   */
  candidateIdle?: { marginSec?: number; checkEveryMs?: number; now?: () => number }
  /** Where staff's exports (the audit CSV) are written: the shell gives the OS's Downloads folder; default `<dataDir>/exports`. */
  exportDir?: string
  /** The kiosk's clock for the outbox and the central client (epoch ms). Default
   * Date.now; tests set it wrong, as a hall's kiosk may be. */
  clock?: () => number
  /**
   * How long after start main loads the password dictionary (default 3,000 ms; tests 0). Every op's
   * check waits for it (parseOperation), so without this the first candidate's submit of the day
   * loaded it: 360-470 ms on the 2-core machine. At start it would compete with the window's first
   * screen for the two cores.
   */
  passwordDictionaryAfterMs?: number
}

const personalMasks: Record<string, (value: string) => string> = {
  name: maskName,
  mobile: maskMobile,
  newMobile: maskMobile,
  email: maskEmail,
  idNumber: maskIdNumber,
}

/** What `npm start` pre-fills in the set-up wizard when no central URL is configured. */
export const demoSetup = { kioskName: '演示自助机', examCentre: '演示考点', centralUrl: null }

export async function createKioskServices(options: KioskServiceOptions): Promise<KioskServices> {
  const { config } = options
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 })
  const nativeBinding = betterSqliteBinding(options.appRoot)
  const dbFile = join(config.dataDir, 'kiosk.db')
  const supervisor = openSupervisorStore({
    file: dbFile,
    protector: options.protector ?? createKeyFileProtector(join(config.dataDir, 'kiosk-secrets.key')),
    ...(nativeBinding ? { nativeBinding } : {}),
  })
  const session = new CandidateSessionHolder(options.clock)
  const events = new KioskEventBus()
  const captcha = createCaptchaService(options.captcha)
  const candidateIdle = createCandidateIdleBackstop({
    ...options.candidateIdle,
    screenTimeoutSec: () => services.info().idleTimeoutSec,
    staffHere: () => !supervisor.setup.isSetUp() || supervisor.session.isActive(),
    endVisit: () => {
      // Nothing of the person: that a screen left a visit open, for whoever looks after the kiosk. A
      // visit that held nothing (a tap on the home screen, which wipes only the language) is no
      // screen failing to wipe: said quietly, so the warning keeps its meaning.
      const after = `no call or touch for ${Math.round(candidateIdle.timeoutMs() / 1000)} s`
      if (!session.holdsAnything) console.info(`[kiosk] ${after}: main ended a visit that held nothing`)
      else {
        const held = session.current ? ' (a log-in was held)' : ' (a verified code was held)'
        console.warn(`[kiosk] ${after} and the screen did not wipe: main ended the visit${held}`)
      }
      services.endVisit()
      events.emit('visitEnded', { reason: 'idle' })
    },
  })
  const centralUrl = () => config.centralUrl ?? supervisor.settings.get().centralUrl

  // The kiosk's clock, as the outbox and the central clients take it (tests set it wrong).
  const kioskClock = options.clock ? { now: options.clock } : {}
  let central: CentralLink | null = null
  let demoData: Promise<CentralStore> | null = null
  const demoStore = () => (demoData ??= openDemoStore(config.dataDir, nativeBinding))
  let outbox: Outbox | null = null
  let engine: SyncEngine | null = null

  async function unlink(): Promise<void> {
    await engine?.stop()
    outbox?.close()
    await central?.close()
    engine = null
    outbox = null
    central = null
  }

  async function enrolWith(client: CentralClient, code: string, name: string): Promise<Result<Enrolment>> {
    const answer = await client.enroll({ code, name })
    if (!answer.ok) return { ok: false, error: answer.error }
    return ok({
      credential: { kioskId: answer.value.kioskId, secret: answer.value.secret },
      publicKey: answer.value.publicKey,
      keyId: answer.value.keyId,
    })
  }

  // One relink at a time: two at once (the wizard's and a re-enrolment's, or two taps) each closed
  // the old link and then both opened one, and the first was left running beside the second, with
  // kiosk.db open twice and an engine nothing would stop.
  let linking: Promise<unknown> = Promise.resolve()
  function relink(enrolmentCode?: string, actor?: AuditActor | null): Promise<Result<true>> {
    const run = linking.then(() => relinkNow(enrolmentCode, actor))
    linking = run.catch(() => undefined)
    return run
  }

  async function relinkNow(enrolmentCode?: string, actor?: AuditActor | null): Promise<Result<true>> {
    await unlink()
    const url = centralUrl()
    const stored = supervisor.settings.enrolment()
    // A credential is only ever sent to the URL it was issued for.
    let enrolment: Enrolment | null =
      stored.ok && stored.value && (url === null || stored.value.centralUrl === url)
        ? { credential: { kioskId: stored.value.kioskId, secret: stored.value.secret }, publicKey: stored.value.publicKey, keyId: stored.value.keyId }
        : null
    const linked = await connectCentral({
      centralUrl: url,
      kioskDataDir: config.dataDir,
      kioskName: supervisor.settings.get().kioskName || demoSetup.kioskName,
      enrolment,
      demoStore,
      ...kioskClock,
      ...(options.demoServer ? { demoServer: options.demoServer } : {}),
    })
    if (!linked.ok) return linked
    central = linked.value
    if (enrolmentCode && url !== null) {
      const enrolled = await enrolWith(central.client, enrolmentCode, supervisor.settings.get().kioskName || 'kiosk')
      if (!enrolled.ok) return enrolled
      enrolment = enrolled.value
      central.client.setCredential(enrolment.credential)
      central.client.setCentralKey(enrolment.publicKey, enrolment.keyId)
    } else {
      enrolment = central.enrolment
    }
    if (!enrolment) return ok(true)
    if (!stored.ok || stored.value?.kioskId !== enrolment.credential.kioskId) {
      const saved = supervisor.settings.saveEnrolment({ ...enrolment.credential, publicKey: enrolment.publicKey, keyId: enrolment.keyId, centralUrl: url }, actor)
      if (!saved.ok) return saved
    }
    const accountKeySecret = supervisor.settings.accountKeySecret()
    if (!accountKeySecret.ok) return accountKeySecret
    outbox = openOutbox({
      file: dbFile,
      centralPublicKey: enrolment.publicKey,
      keyId: enrolment.keyId,
      accountKeySecret: accountKeySecret.value,
      // Read at each purge: a change in 设置 applies at the engine's next tick, not at the next start.
      retentionDays: () => supervisor.settings.get().retentionDays,
      serverTime: () => linked.value.client.serverTimeIfKnown(),
      // The disk full or read-only, the file damaged: the candidate is told to ask staff
      // (STORAGE_UNAVAILABLE), the dashboard shows it, and the log says what SQLite said.
      onStorageFault: (error) => console.error('[kiosk] outbox: kiosk.db refused a write, nothing was saved:', error),
      nativeBinding,
      ...kioskClock,
    })
    engine = createSyncEngine({
      outbox,
      client: central.client,
      // An SQLite error names no person: the kiosk's log gets it, the dashboard STORAGE_UNAVAILABLE
      // (kiosk.db refused it) or INTERNAL (a bug) as its last error.
      onLocalFault: (error) => console.error('[kiosk] sync: local fault', error),
      ...options.sync,
    })
    // A candidate's call that got no answer: the kiosk is offline now, and the engine looks for the
    // server again (the header said 联网正常 until something was queued, and a submit waited for an
    // answer that could not come).
    central.client.onCallUnanswered(() => engine?.callUnanswered())
    engine.events.on('opChanged', (view) => events.emit('opChanged', services.outcomeOf(view)))
    for (const event of ['summary', 'online', 'offline'] as const) {
      engine.events.on(event, () => events.emit('syncSummary', services.syncSummary()))
    }
    engine.start()
    return ok(true)
  }

  // Every op's check waits for the password dictionary (parseOperation): loaded once, a moment after start.
  const dictionaryTimer = setTimeout(() => {
    loadPasswordDictionary().catch((error: unknown) =>
      console.error('[kiosk] password dictionary did not load; the first password check will try again', error),
    )
  }, options.passwordDictionaryAfterMs ?? 3_000)
  dictionaryTimer.unref()

  const services: KioskServices = {
    config,
    session,
    events,
    captcha,
    supervisor,
    candidateIdle,
    get outbox() {
      return outbox
    },
    get engine() {
      return engine
    },
    get central() {
      return central
    },
    centralUrl,
    unfinishedOps(options) {
      return countUnfinishedOps(dbFile, nativeBinding, options)
    },
    get demo() {
      return centralUrl() === null
    },
    secretsInKeyFile: options.protector === undefined,
    exportDir: options.exportDir ?? join(config.dataDir, 'exports'),
    info() {
      const settings = supervisor.settings.get()
      return {
        version: options.version,
        demo: services.demo,
        kioskName: settings.kioskName,
        examCentre: settings.examCentre,
        defaultLocale: settings.defaultLocale,
        idleTimeoutSec: options.idleOverride?.timeoutSec ?? settings.idleTimeoutSec,
        idleWarningSec: options.idleOverride?.warningSec ?? settings.idleWarningSec,
      }
    },
    syncSummary() {
      const summary = outbox?.summary()
      return {
        online: engine?.online === true,
        paused: engine?.paused ?? false,
        depth: summary ? { ...summary.depth } : {},
        oldestQueuedAgeSec: summary?.oldestQueuedAgeSeconds ?? null,
        lastSyncAt: summary?.lastSuccessfulSyncAt ?? null,
        lastError: summary?.lastError ?? null,
        clockOffsetSec: Math.round((central?.client.clockOffsetMs() ?? 0) / 1000),
      }
    },
    outcomeOf: (view) => ({
      id: view.id,
      kind: view.kind,
      receipt: view.receipt,
      status: view.status,
      error: view.status === 'rejected' || view.status === 'blocked' ? view.lastError : null,
      updatedAt: view.updatedAt,
    }),
    summaryOf(kind, payload) {
      const summary: Record<string, string> = {}
      for (const [field, mask] of Object.entries(personalMasks)) {
        const value = payload[field]
        if (typeof value === 'string' && value !== '') summary[field] = mask(value)
      }
      if (typeof payload.occupied === 'string') summary.occupied = payload.occupied
      if (typeof payload.method === 'string') summary.method = payload.method
      if (deferredKinds.includes(kind)) summary.deferred = 'yes'
      // Staff's 现场服务 (only supervisor mode adds an attestation): not held to candidates' hourly limit.
      if (payload.attestation !== undefined) summary[staffFiledMark] = staffFiledValue
      return summary
    },
    async devMessages(to) {
      if (!central?.demo) return fail('BAD_REQUEST')
      try {
        const response = await axios.get(`${central.url}/dev/outbox`, { params: to ? { to } : {}, timeout: 5000 })
        const parsed = devOutboxResponse.parse(response.data)
        return ok(
          parsed.messages.map(({ channel, to: recipient, text, code, createdAt }) => ({ channel, to: recipient, text, code, createdAt })),
        )
      } catch {
        return fail('NETWORK_UNAVAILABLE')
      }
    },
    relink,
    async enrol(url, code, kioskName) {
      const client = createCentralClient({ baseUrl: url, ...kioskClock })
      try {
        return await enrolWith(client, code, kioskName)
      } finally {
        client.close()
      }
    },
    endVisit() {
      const current = session.current
      session.wipe()
      captcha.clear()
      candidateIdle.visitEnded()
      if (current) void central?.client.logout({ sessionToken: current.sessionToken })
      options.onEndVisit?.()
    },
    newDocument() {
      services.endVisit()
      supervisor.session.leave('reloaded')
    },
    quit(to) {
      options.onQuit?.(to)
    },
    async close() {
      clearTimeout(dictionaryTimer)
      candidateIdle.close()
      session.wipe()
      captcha.clear()
      // A link still being made is let finish, then closed with the rest.
      await linking
      await unlink()
      await demoData?.then((store) => store.close(), () => undefined)
      supervisor.close()
    },
  }

  supervisor.session.onChange((change) => {
    // Staff leaving (a tap, the idle timeout, a reload) ends a visit, as staff arriving did: what they
    // did is not the next person's (an on-site reset's notices on the simulated phone, with the
    // holder's mobile and email; an ID number left on the clipboard).
    if (!change.active) services.endVisit()
    // 暂停同步 lasts while staff are here. Left paused, the kiosk would go on telling candidates
    // 联网后将自动提交 while nothing is sent until staff come back.
    if (!change.active && engine?.paused) {
      engine.resume()
      supervisor.audit.append({ action: 'resume', detail: {}, actor: null })
    }
    events.emit('supervisorChanged', supervisorStateOf(supervisor, change.active))
  })
  // Demo mode pre-fills and completes nothing by itself: the wizard shows the demo values. But a
  // demo kiosk links at once, so candidates can use it while staff have not set it up yet.
  const linked = await relink()
  if (!linked.ok) console.warn(`[kiosk] central API not linked: ${linked.error.code}`)
  return services
}

export function supervisorStateOf(supervisor: SupervisorStore, active = supervisor.session.isActive()) {
  const current = active ? supervisor.session.current() : null
  return { active: current !== null, expiresAt: current?.expiresAt ?? null, lockedForSec: supervisor.pin.state().retryAfter }
}
