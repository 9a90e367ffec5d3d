/**
 * The browser test harness. Use `test` and `expect` from here instead of @playwright/test:
 *
 *   test('logs in', async ({ kiosk }) => {
 *     await kiosk.open('/login')                          // the built renderer, hash route
 *     await kiosk.page.getByTestId('login-captcha').fill(kiosk.captchaAnswer())
 *     const code = await kiosk.codeSentTo('13800138000')  // the SMS the dev sink received
 *   })
 *
 * - window.kiosk is backed by the real main-process services (src-main/services) in this process:
 *   outbox in a fresh temp data dir, sync engine, and — demo mode, the default — the reference
 *   central server (server/, dev) started in-process on loopback and enrolled, like `npm start`.
 * - The kiosk starts set up (PIN `supervisorPin` = 246810, kiosk 演示自助机); test.use({ setUp: false })
 *   starts at the set-up wizard instead. kiosk.restart() restarts main on the same data directory
 *   (the demo server's data lives in memory: a restart starts an empty one, as `npm start` does).
 * - kiosk.services gives tests the same objects main has (services.supervisor is the supervisor store) (e.g. services.engine.pause(),
 *   services.central.url), for arranging faults such as the central API going away.
 * - kiosk.central.stop() / start(): the network to the central API goes away and comes back;
 *   kiosk.central.decideAppeal(receipt, 'accept' | 'reject'): the centre decides that appeal.
 * - kiosk.captchaAnswer(captchaId?) reads a captcha's text; kiosk.codeSentTo(mobileOrEmail) an SMS/email code.
 * - kiosk.calls lists the window.kiosk calls that reached main; kiosk.quits what main asked the shell
 *   to do from 退出程序 ('quit' or 'desktop': the shell itself is Electron's, tested in test/electron).
 * - The demo server's one-SMS-per-minute limit is lifted in tests; test.use({ sendLimits: {} }) keeps it.
 * - test.use({ idle: { timeoutSec: 3, warningSec: 2 } }) shortens the idle timeout that app.info reports;
 *   mainMarginSec: 2 in it shortens how long past it main's own idle end waits (120 s). The page's
 *   trusted presses, keys, taps and wheel reach that end as Electron's input events do.
 * - test.use({ clockSkewMs: -3 * 3_600_000 }) sets the kiosk's clock (outbox, central client) 3 hours slow.
 * - test.use({ config: { centralUrl: 'http://127.0.0.1:1' } }) points the kiosk at a URL instead
 *   (no enrolment: ops answer NOT_ENROLLED).
 * Build first: `npx electron-vite build` (npm test does it).
 */
import { test as base } from '@playwright/test'
import { openKioskInBrowser, type HarnessOptions, type KioskHarness } from './kioskInBrowser'

export { supervisorPin, type KioskHarness } from './kioskInBrowser'

/** A kiosk in Chromium for every test that asks for `kiosk` (see kioskInBrowser.ts). */
export const test = base.extend<HarnessOptions & { kiosk: KioskHarness }>({
  config: [{}, { option: true }],
  idle: [undefined, { option: true }],
  setUp: [true, { option: true }],
  sendLimits: [{ perTargetIntervalMs: 0 }, { option: true }],
  clockSkewMs: [0, { option: true }],
  kiosk: async ({ page, config, idle, setUp, sendLimits, clockSkewMs }, use) => {
    const kiosk = await openKioskInBrowser(page, { config, idle, setUp, sendLimits, clockSkewMs })
    await use(kiosk)
    await kiosk.dispose()
  },
})

export { expect } from '@playwright/test'
