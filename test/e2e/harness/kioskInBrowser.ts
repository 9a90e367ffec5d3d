import type { Page } from '@playwright/test'
import { build } from 'esbuild'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { eventChannel } from '../../../src-common/kioskApi'
import { createKioskDispatcher, type KioskDispatcher } from '../../../src-main/services/kioskDispatcher'
import type { KioskConfig } from '../../../src-main/services/kioskConfig'
import { createKioskHandlers } from '../../../src-main/services/kioskHandlers'
import { createKioskServices, demoSetup, type KioskServices } from '../../../src-main/services/kioskServices'
import { startRendererServer } from './rendererServer'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = join(here, '..', '..', '..')

let bridgeScript: Promise<string> | undefined
function bundleBridge(): Promise<string> {
  bridgeScript ??= build({
    entryPoints: [join(here, 'bridge.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
  }).then((result) => result.outputFiles[0]!.text)
  return bridgeScript
}

export interface KioskHarness {
  page: Page
  services: KioskServices
  dataDir: string
  /** Calls that reached main through window.kiosk, in order: proof of the round-trip. */
  calls: string[]
  /** What main asked the shell to do from 退出: quit, or exit to the desktop (the shell itself is Electron's). */
  quits: Array<'quit' | 'desktop'>
  open(path?: string): Promise<void>
  /** The text of a captcha image (by its id, or the one shown last): what a candidate reads off the screen. */
  captchaAnswer(captchaId?: string): string
  /** Main restarted on the same data directory (a kiosk rebooted), then the page reloaded. */
  restart(): Promise<void>
  /**
   * Demo mode's central server: stop() is the network going away, start() brings it back with its
   * data; decideAppeal(receipt, 'accept' | 'reject') is the centre deciding the appeal with that
   * receipt (it must have reached the centre: 已提交，等待审核).
   */
  central: { stop(): Promise<void>; start(): Promise<void>; decideAppeal(receipt: string, decision: 'accept' | 'reject'): Promise<void> }
  /** The newest code the dev message sink delivered to this mobile or email (the candidate's phone). */
  codeSentTo(to: string): Promise<string>
}

export interface HarnessOptions {
  config: Partial<KioskConfig>
  /**
   * Shorter idle timeouts for the idle-wipe tests (below the settings' 30 s floor); `mainMarginSec`
   * shortens how long past the screen's timeout main's own idle end waits (120 s).
   */
  idle: { timeoutSec: number; warningSec: number; mainMarginSec?: number } | undefined
  /** The set-up wizard already completed (PIN 246810, demo values); false to test the wizard. */
  setUp: boolean
  /** The demo server's limits (SMS/email sends, on-site resets). Default: the 60 s resend interval lifted; {} keeps the server's. */
  sendLimits: { perTargetIntervalMs?: number; perTargetPerDay?: number; perKioskPerHour?: number; attestedResetsPerKioskPerHour?: number }
  /** How wrong the kiosk's clock is (ms; negative: slow) for its outbox and central client; the demo server keeps the real time. */
  clockSkewMs: number
}

export const supervisorPin = '246810'

/**
 * A kiosk in Chromium: the built renderer, with window.kiosk backed by the real main-process
 * dispatcher, handlers and services running in this process against a fresh data directory.
 * Used by the Playwright fixture (kioskFixture.ts) and by the renderer benchmark.
 */
export async function openKioskInBrowser(
  page: Page,
  { config, idle, setUp, sendLimits, clockSkewMs }: HarnessOptions,
): Promise<KioskHarness & { dispose(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-e2e-'))
  let lastCaptcha = ''
  const captchas = new Map<string, string>()
  const calls: string[] = []
  const quits: Array<'quit' | 'desktop'> = []

  async function startMain(): Promise<{
    services: KioskServices
    dispatcher: KioskDispatcher
    unsubscribe: () => void
  }> {
    // Demo mode unless a test sets centralUrl: the reference server runs in-process on loopback.
    const services = await createKioskServices({
      config: { dataDir, centralUrl: null, windowMode: 'window', dev: false, ...config },
      version: 'test',
      appRoot: root,
      captcha: {
        onCreate: (id, answer) => {
          lastCaptcha = answer
          captchas.set(id, answer)
        },
      },
      sync: { probeMs: 200, tickMs: 500 },
      ...(idle ? { idleOverride: { timeoutSec: idle.timeoutSec, warningSec: idle.warningSec } } : {}),
      ...(idle?.mainMarginSec !== undefined ? { candidateIdle: { marginSec: idle.mainMarginSec, checkEveryMs: 200 } } : {}),
      ...(clockSkewMs !== 0 ? { clock: () => Date.now() + clockSkewMs } : {}),
      // One SMS per mobile per minute would make most tests wait: lifted unless a test keeps it.
      demoServer: { limits: sendLimits },
      onQuit: (to) => quits.push(to),
    })
    const dispatcher = createKioskDispatcher(createKioskHandlers(services), {
      onBug: (channel, error) => console.error(`bug in ${channel}`, error),
    })
    const unsubscribe = services.events.on((event, payload) => {
      void page
        .evaluate(
          ([channel, data]) =>
            (window as unknown as { __kioskEmit(c: string, p: unknown): void }).__kioskEmit(channel, data),
          [eventChannel(event), payload] as const,
        )
        .catch(() => undefined)
    })
    return { services, dispatcher, unsubscribe }
  }

  let main = await startMain()
  if (setUp && !main.services.supervisor.setup.isSetUp()) {
    const done = await main.services.supervisor.setup.completeSetup({ ...demoSetup, pin: supervisorPin })
    if (!done.ok) throw new Error(`set-up failed: ${done.error.code}`)
  }
  const renderer = await startRendererServer(join(root, 'out', 'renderer'))
  await page.exposeBinding('__kioskInvoke', (_source, channel: string, input: unknown) => {
    calls.push(channel)
    return main.dispatcher.invoke(channel, input)
  })
  await page.addInitScript({ content: await bundleBridge() })
  // What Electron's shell forwards to main's idle end (src-main/index.ts, the window's input-event): a
  // person's press, key, tap or wheel; not a script's events, nor text put in without keys (fill()).
  await page.exposeBinding('__kioskInput', (_source, type: string) => main.services.candidateIdle.input(type))
  await page.addInitScript(() => {
    const asElectronNames = { pointerdown: 'mouseDown', keydown: 'rawKeyDown', touchstart: 'touchStart', wheel: 'mouseWheel' }
    const shell = window as unknown as { __kioskInput(type: string): Promise<void> }
    for (const [type, input] of Object.entries(asElectronNames)) {
      window.addEventListener(type, (event) => void (event.isTrusted && shell.__kioskInput(input)), { capture: true, passive: true })
    }
  })

  /**
   * Waits for the app's router to finish its first navigation: only then does it listen for address
   * changes, and an open() before that changed the address and nothing else, so the test waited for
   * a screen that never came (seen on a busy CI machine; after a reload, the router even put the old
   * address back). isReady() says so; history.state does not (the router stamps it as it is created).
   * Its promise is not awaited through page.evaluate: Chromium 150 (Debian's since December 2026)
   * failed that await with "Resulting promise was garbage collected" in about one open() in three;
   * the page flags it instead, and the test polls the flag.
   */
  async function routerReady(mounted: boolean): Promise<void> {
    const waiting = await page.evaluate((mustBeMounted) => {
      type App = { config: { globalProperties: { $router: { isReady(): Promise<void> } } } }
      const app = (document.querySelector('#app') as unknown as { __vue_app__?: App } | null)?.__vue_app__
      if (!app) {
        if (mustBeMounted) throw new Error('the kiosk app is not mounted on #app')
        return false
      }
      const flags = window as unknown as { __routerReady?: boolean }
      flags.__routerReady = false
      void app.config.globalProperties.$router.isReady().then(() => (flags.__routerReady = true))
      return true
    }, mounted)
    if (waiting) await page.waitForFunction(() => (window as unknown as { __routerReady?: boolean }).__routerReady === true)
  }

  const harness: KioskHarness = {
    page,
    get services() {
      return main.services
    },
    dataDir,
    calls,
    quits,
    open: async (path = '/') => {
      // A page loaded by other means (a test's own reload) may still be on its first navigation.
      await routerReady(false)
      await page.goto(`${renderer.url}/index.html#${path}`)
      await routerReady(true)
    },
    restart: async () => {
      main.unsubscribe()
      await main.services.close()
      main = await startMain()
      await page.reload()
      await routerReady(true)
    },
    captchaAnswer: (captchaId) => (captchaId === undefined ? lastCaptcha : (captchas.get(captchaId) ?? '')),
    central: {
      stop: async () => {
        await main.services.central?.demoServer?.stop()
      },
      start: async () => {
        await main.services.central?.demoServer?.start()
        main.services.engine?.networkChanged()
      },
      // Through window.kiosk.dev.decideAppeal, as a Playwright-for-Electron test does it.
      decideAppeal: async (receipt, decision) => {
        const answer = await page.evaluate((input) => window.kiosk.dev.decideAppeal(input), { receipt, decision })
        if (!answer.ok) throw new Error(`no appeal under review has receipt ${receipt}: ${answer.error.code}`)
      },
    },
    codeSentTo: async (to) => {
      const messages = await main.services.devMessages(to)
      const code = messages.ok ? messages.value.findLast((m) => m.code !== null)?.code : undefined
      if (!code) throw new Error(`no code was sent to ${to}`)
      return code
    },
  }
  return {
    ...harness,
    get services() {
      return main.services
    },
    async dispose() {
      main.unsubscribe()
      // A teardown that hangs fails the test at its timeout without saying where: say which step.
      await slowStepSaid('main.services.close()', main.services.close())
      await slowStepSaid('the renderer server close()', renderer.close())
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Awaits a teardown step, saying on stderr when it is still running after 10 s (diagnosis only). */
async function slowStepSaid(what: string, step: Promise<unknown>): Promise<void> {
  const slow = setTimeout(() => console.error(`[harness] ${what} still running after 10 s`), 10_000)
  try {
    await step
  } finally {
    clearTimeout(slow)
  }
}
