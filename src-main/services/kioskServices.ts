import { mkdirSync } from 'node:fs'
import type { AppInfo } from '../../src-common/kioskApi'
import { CandidateSessionHolder } from './candidateSession'
import type { KioskConfig } from './kioskConfig'
import { KioskEventBus } from './kioskEventBus'

/**
 * Everything main does, without Electron: the shell (src-main/index.ts) and the browser test
 * harness (test/e2e) both build the kiosk from here, so every screen is tested against the real
 * services.
 */
export interface KioskServices {
  config: KioskConfig
  session: CandidateSessionHolder
  events: KioskEventBus
  info(): AppInfo
  close(): Promise<void>
}

export interface KioskServiceOptions {
  config: KioskConfig
  version: string
  /** Where package.json and native/ live: the Electron build of better-sqlite3 is found from here. */
  appRoot: string
}

export async function createKioskServices({ config, version }: KioskServiceOptions): Promise<KioskServices> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 })
  const session = new CandidateSessionHolder()
  const events = new KioskEventBus()
  return {
    config,
    session,
    events,
    info: () => ({
      version,
      demo: config.centralUrl === null,
      kioskName: '',
      examCentre: '',
      defaultLocale: 'zh-CN',
      idleTimeoutSec: 120,
      idleWarningSec: 20,
    }),
    async close() {
      session.wipe()
    },
  }
}
