import { test, expect, _electron as electron, type ElectronApplication } from '@playwright/test'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { mainJsFlags } from '../../src-main/services/mainJsFlags'

// Playwright for Electron: the real app, as a tester drives it. Runs where Electron's binary is
// installed (npm install on a normal machine); skipped where it is not (ELECTRON_SKIP_BINARY_DOWNLOAD).
function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as string
    return existsSync(path) ? path : null
  } catch {
    return null
  }
}
const binary = electronBinary()
test.skip(binary === null, "Electron's binary is not installed here (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1)")
// One app for the file: the wizard's test sets the PIN the last test enters with. Serial, so that after a
// failure the rest are skipped, not rerun in a new worker on a fresh, unset-up kiosk that fails them too.
test.describe.configure({ mode: 'serial' })

/**
 * The test process's environment without the kiosk's own variables: demo mode whatever the tester's
 * shell has set (KIOSK_CENTRAL_URL would link it to a real server). Removed, not emptied: an empty
 * value is an invalid one, which stops the kiosk at start.
 */
function demoEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && !entry[0].startsWith('KIOSK_')),
  )
}

let app: ElectronApplication
let dataDir: string

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kiosk-electron-'))
  app = await electron.launch({
    executablePath: binary!,
    args: [`--js-flags=${mainJsFlags}`, '.', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    env: { ...demoEnv(), KIOSK_DATA_DIR: dataDir, KIOSK_WINDOW: 'window' },
  })
})

test.afterAll(async () => {
  await app?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

test("main runs with its V8 flags (a larger young generation: src-main/services/mainJsFlags.ts)", async () => {
  expect(await app.evaluate(({ app: electronApp }) => electronApp.commandLine.getSwitchValue('js-flags'))).toBe(mainJsFlags)
})

test('the window is isolated, sandboxed and has no Node', async () => {
  const page = await app.firstWindow()
  // firstWindow() answers once the window exists, maybe before app://kiosk/ has loaded in it (main loads it
  // after creating the window): evaluating then could reach the initial blank document, with no window.kiosk.
  await expect(page.getByTestId('setup-wizard')).toBeVisible()
  const seen = await app.evaluate(({ app: electronApp, BrowserWindow }) => {
    const contents = BrowserWindow.getAllWindows()[0]!.webContents
    const pid = contents.getOSProcessId()
    const metric = electronApp.getAppMetrics().find((m) => m.pid === pid)
    return {
      url: contents.getURL(),
      osSandboxed: metric?.sandboxed,
      persistent: contents.session.isPersistent(),
      downloadsRefused: contents.session.listenerCount('will-download') > 0,
    }
  })
  expect(seen.url).toMatch(/^app:\/\/kiosk\//)
  // An in-memory session: nothing the renderer stores is written to disk.
  expect(seen.persistent).toBe(false)
  // A download would open the OS's Save dialog over the kiosk: the window's session refuses them.
  expect(seen.downloadsRefused).toBe(true)
  // As root Chromium must run with --no-sandbox, so the OS-level sandbox can only be seen otherwise;
  // and Electron reports it (ProcessMetric.sandboxed) on macOS and Windows only.
  if (process.getuid?.() !== 0 && process.platform !== 'linux') expect(seen.osSandboxed).toBe(true)
  const page_ = await page.evaluate(() => ({
    require: typeof (globalThis as { require?: unknown }).require,
    process: typeof (globalThis as { process?: unknown }).process,
    kiosk: Object.keys(window.kiosk).sort(),
  }))
  expect(page_).toEqual({ require: 'undefined', process: 'undefined', kiosk: expect.arrayContaining(['app', 'on']) })
})

test('first start: the set-up wizard (demo values pre-filled), then the home screen in Chinese', async () => {
  const page = await app.firstWindow()
  await expect(page.getByTestId('setup-kiosk-name')).toHaveValue('演示自助机')
  await page.getByTestId('setup-next').click()
  await page.getByTestId('setup-next').click()
  await page.getByTestId('setup-pin').fill('24681357')
  await page.getByTestId('setup-pin-confirm').fill('24681357')
  await page.getByTestId('setup-finish').click()
  await page.getByTestId('setup-start').click()
  await expect(page.getByText('一次注册 畅行ETEST').first()).toBeVisible()
  await expect(page.getByTestId('footer-version')).toBeVisible()
})

test('window.open and navigation away from the app are refused', async () => {
  const page = await app.firstWindow()
  // Main says each refusal on stderr (src-main/index.ts): proof the attempt reached the guard and was
  // stopped there, rather than a URL read before a navigation had time to happen.
  const said: string[] = []
  app.process().stderr?.on('data', (chunk: Buffer) => said.push(chunk.toString()))
  const opened = await page.evaluate(() => window.open('https://example.com') === null)
  expect(opened).toBe(true)
  await expect.poll(() => said.join('')).toContain('window.open blocked')
  await page.evaluate(() => {
    location.href = 'https://example.com/'
  })
  await expect.poll(() => said.join('')).toContain('navigation blocked')
  await expect(page).toHaveURL(/^app:\/\/kiosk\//)
})

test('a reloaded window ends supervisor mode: staff calls want the PIN again', async () => {
  const page = await app.firstWindow()
  const entered = await page.evaluate(() => window.kiosk.supervisor.enter({ pin: '24681357', staffId: 'T07', staffName: '王老师' }))
  expect(entered).toMatchObject({ ok: true, value: { active: true } })
  // What the shell does for a crashed or hung renderer (hardening.ts): a new document in the window.
  // app.evaluate returns once reload() is called, before the new document: wait for it, else the home
  // screen below is the old one's, and expect.poll does not retry a page.evaluate cut off by the reload.
  const reloaded = page.waitForEvent('load')
  await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.webContents.reload())
  await reloaded
  await expect(page.getByText('一次注册 畅行ETEST').first()).toBeVisible()
  await expect.poll(() => page.evaluate(() => window.kiosk.supervisor.state({}))).toMatchObject({ ok: true, value: { active: false } })
  expect(await page.evaluate(() => window.kiosk.supervisor.listOps({}))).toEqual({ ok: false, error: { code: 'UNAUTHORIZED' } })
})
