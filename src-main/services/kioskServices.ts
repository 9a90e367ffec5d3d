import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import axios from 'axios'
import { fail, ok, type KioskError, type Result } from '../../src-common/errors'
import type { AppInfo, OpOutcome, SyncSummary } from '../../src-common/kioskApi'
import { deferredKinds, type OperationKind } from '../../src-common/operations'
import { maskEmail, maskIdNumber, maskMobile, maskName } from '../../src-common/rules'
import { devOutboxResponse } from '../../src-common/wire'
import { openOutbox, type OpView, type Outbox } from '../../sync/outbox'
import { createSyncEngine, type SyncEngine } from '../../sync/syncEngine'
import { createCaptchaService, type CaptchaOptions, type CaptchaService } from './captchaService'
import { CandidateSessionHolder } from './candidateSession'
import { connectCentral, type CentralLink, type DemoServerOptions } from './centralLink'
import type { KioskConfig } from './kioskConfig'
import { KioskEventBus } from './kioskEventBus'

/**
 * Everything main does, without Electron: the shell (src-main/index.ts) and the browser test
 * harness (test/e2e) both build the kiosk from here, so every screen is tested against the real
 * services: the outbox on a real SQLite file, the sync engine, the central API over HTTP.
 */
export interface KioskServices {
  config: KioskConfig
  session: CandidateSessionHolder
  events: KioskEventBus
  captcha: CaptchaService
  /** Null when the kiosk is not enrolled yet: operations cannot be sealed, the candidate is told so. */
  outbox: Outbox | null
  engine: SyncEngine | null
  central: CentralLink | null
  info(): AppInfo
  syncSummary(): SyncSummary
  outcomeOf(view: OpView): OpOutcome
  /** Masked display values of an op's payload: all the kiosk keeps to show it later. */
  summaryOf(kind: OperationKind, payload: Record<string, unknown>): Record<string, string>
  devMessages(to?: string): Promise<Result<{ channel: 'sms' | 'email'; to: string; text: string; code: string | null; createdAt: string }[]>>
  close(): Promise<void>
}

export interface KioskServiceOptions {
  config: KioskConfig
  version: string
  /** Where package.json and native/ live: the Electron build of better-sqlite3 is found from here. */
  appRoot: string
  captcha?: CaptchaOptions
  /** Shorter timeouts for tests; production takes them from supervisor settings. */
  idle?: { timeoutSec: number; warningSec: number }
  /** Sync engine timing for tests (probe while offline, periodic tick). */
  sync?: { probeMs?: number; tickMs?: number }
  /** Demo mode's reference server (tests lift its SMS resend interval). */
  demoServer?: DemoServerOptions
}

const personalMasks: Record<string, (value: string) => string> = {
  name: maskName,
  mobile: maskMobile,
  newMobile: maskMobile,
  email: maskEmail,
  idNumber: maskIdNumber,
}

export async function createKioskServices(options: KioskServiceOptions): Promise<KioskServices> {
  const { config } = options
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 })
  const session = new CandidateSessionHolder()
  const events = new KioskEventBus()
  const captcha = createCaptchaService(options.captcha)
  const kioskName = 'ETEST kiosk'

  const linked = await connectCentral({
    centralUrl: config.centralUrl,
    kioskDataDir: config.dataDir,
    kioskName,
    enrolment: null,
    ...(options.demoServer ? { demoServer: options.demoServer } : {}),
  })
  const central = linked.ok ? linked.value : null
  let outbox: Outbox | null = null
  let engine: SyncEngine | null = null
  if (central?.enrolment) {
    outbox = openOutbox({
      file: join(config.dataDir, 'kiosk.db'),
      centralPublicKey: central.enrolment.publicKey,
      keyId: central.enrolment.keyId,
      accountKeySecret: randomBytes(32),
    })
    engine = createSyncEngine({ outbox, client: central.client, ...options.sync })
  }

  const services: KioskServices = {
    config,
    session,
    events,
    captcha,
    outbox,
    engine,
    central,
    info: () => ({
      version: options.version,
      demo: central?.demo ?? config.centralUrl === null,
      kioskName,
      examCentre: '',
      defaultLocale: 'zh-CN',
      idleTimeoutSec: options.idle?.timeoutSec ?? 120,
      idleWarningSec: options.idle?.warningSec ?? 20,
    }),
    syncSummary() {
      const summary = outbox?.summary()
      return {
        online: engine?.online === true,
        paused: engine?.paused ?? false,
        depth: summary ? { ...summary.depth } : {},
        oldestQueuedAgeSec: summary?.oldestQueuedAgeSeconds ?? null,
        lastSyncAt: summary?.lastSuccessfulSyncAt ?? null,
        lastError: summary?.lastError?.error.code ?? null,
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
    async close() {
      session.wipe()
      captcha.clear()
      await engine?.stop()
      outbox?.close()
      await central?.close()
    },
  }

  engine?.events.on('opChanged', (view) => events.emit('opChanged', services.outcomeOf(view)))
  engine?.events.on('summary', () => events.emit('syncSummary', services.syncSummary()))
  engine?.events.on('online', () => events.emit('syncSummary', services.syncSummary()))
  engine?.events.on('offline', () => events.emit('syncSummary', services.syncSummary()))
  engine?.start()
  return services
}

export type { KioskError }
