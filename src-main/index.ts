// The thin Electron shell: window, lifecycle, IPC wiring. Everything else lives in ./services,
// which runs without Electron and is tested in plain Node and in Chromium.
/// <reference types="electron-vite/node" />
import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, protocol, safeStorage, session } from 'electron'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { eventChannel, type KioskEventName } from '../src-common/kioskApi'
import { createKioskDispatcher } from './services/kioskDispatcher'
import { readKioskConfig } from './services/kioskConfig'
import { createKioskHandlers } from './services/kioskHandlers'
import { createKioskServices } from './services/kioskServices'
import { cannotStartText } from './services/startFailure'
import { missingJsFlags } from './services/mainJsFlags'
import { appScheme, devServerPage, isAppUrl as isPackagedAppUrl, serveAppRequest, appOrigin } from './shell/appProtocol'
import { denyAllPermissions, hardenWebContents, refuseDownloads } from './shell/hardening'
import { registerKioskIpc } from './shell/kioskIpc'
import { kioskPartition, kioskWindowOptions } from './shell/windowOptions'

const here = fileURLToPath(new URL('.', import.meta.url))
const appRoot = join(here, '..', '..')
const rendererDir = join(here, '..', 'renderer')
const preloadPath = join(here, '..', 'preload', 'index.cjs')

protocol.registerSchemesAsPrivileged([
  { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } },
])

const configResult = readKioskConfig(process.env, app.getPath('userData'))
if (!configResult.ok) {
  console.error(configResult.message)
  app.exit(2)
} else {
  // Chromium's own profile (caches, local storage) goes under the kiosk's data directory too, and so
  // does the single-instance lock, which Electron keeps in userData: set before the lock is taken,
  // so one kiosk per data directory (a tester's parallel runs each have their own KIOSK_DATA_DIR).
  app.setPath('userData', join(configResult.config.dataDir, 'chromium'))
  if (!app.requestSingleInstanceLock()) app.quit()
  else start(configResult.config).catch(cannotStart)
}

/**
 * A kiosk that cannot start says why and exits. Left as an unhandled rejection, the process lived on
 * with no window, holding the single-instance lock, so starting it again did nothing either.
 */
function cannotStart(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error)
  console.error('[kiosk] cannot start:', error)
  // better-sqlite3 loaded with Node's build instead of Electron's (scripts/electron-native.mjs).
  const hint = /NODE_MODULE_VERSION|compiled against a different/.test(message)
    ? '\n\nbetter-sqlite3 has no build for this Electron: run `node scripts/electron-native.mjs` (it needs the network, or Python and a C++ compiler).'
    : ''
  const text = configResult.ok ? cannotStartText(error, configResult.config.dataDir) : message
  dialog.showErrorBox('ETEST 通行证自助机无法启动 / The kiosk cannot start', `${text}${hint}`)
  app.exit(1)
}

async function start(config: Extract<typeof configResult, { ok: true }>['config']): Promise<void> {
  // `npm run dev` (electron-vite dev) serves the renderer with hot reload; a built kiosk never does.
  const devPage = devServerPage(import.meta.env?.DEV === true, process.env.ELECTRON_RENDERER_URL)
  const isAppUrl = (url: string): boolean => isPackagedAppUrl(url) || devPage?.isDevUrl(url) === true
  const incident = (what: string): void => console.warn(`[kiosk] ${what}`)
  const flagsMissing = missingJsFlags(app.commandLine.getSwitchValue('js-flags'))
  if (flagsMissing) incident(flagsMissing)

  app.on('web-contents-created', (_event, contents) =>
    hardenWebContents(contents, { isAppUrl, devTools: config.dev, onIncident: incident }),
  )
  await app.whenReady()
  if (!config.dev) Menu.setApplicationMenu(null)
  // The window runs in its own in-memory session (windowOptions.ts): the app's files are served there.
  const kioskSession = session.fromPartition(kioskPartition)
  denyAllPermissions(session.defaultSession)
  denyAllPermissions(kioskSession)
  refuseDownloads(session.defaultSession, incident)
  refuseDownloads(kioskSession, incident)
  kioskSession.protocol.handle(appScheme, (request) => serveAppRequest(rendererDir, request.url))

  // Secrets at rest (the kiosk's credential, its account-key secret) are sealed by the OS keychain.
  const keychain =
    safeStorage.isEncryptionAvailable() &&
    (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text')
  if (!keychain) incident('no OS keychain: kiosk secrets fall back to a key file beside kiosk.db')
  let window: BrowserWindow | null = null
  // Before anything that may take long or fail: a second start shows this kiosk, never nothing.
  app.on('second-instance', () => {
    if (!window) return
    if (window.isMinimized()) window.restore()
    window.focus()
  })
  app.on('window-all-closed', () => app.quit())
  const services = await createKioskServices({
    config,
    version: app.getVersion(),
    appRoot,
    // Staff's audit export: where they will look for it after 退出到桌面.
    exportDir: app.getPath('downloads'),
    ...(keychain
      ? {
          protector: {
            protect: (plain: Buffer) => safeStorage.encryptString(plain.toString('base64')),
            unprotect: (blob: Buffer) => Buffer.from(safeStorage.decryptString(blob), 'base64'),
          },
        }
      : {}),
    // What a candidate copied (an ID number, an email) is not left for the next one to paste; on
    // Linux neither is what they only highlighted (X11's PRIMARY selection, a middle click away).
    onEndVisit: () => {
      clipboard.clear()
      if (process.platform === 'linux') clipboard.clear('selection')
    },
    onQuit: (to) => {
      if (to === 'desktop' && window) {
        // Staff leave the kiosk for the desktop; the app keeps running behind it.
        window.setKiosk(false)
        window.setFullScreen(false)
        window.minimize()
      } else {
        app.quit()
      }
    },
  })
  const dispatcher = createKioskDispatcher(createKioskHandlers(services), {
    onBug: (channel, error) => console.error(`[kiosk] bug in ${channel}:`, error),
    onStorageFault: (channel, error) => console.error(`[kiosk] kiosk.db refused a write in ${channel} (check the disk):`, error),
  })
  registerKioskIpc(ipcMain, dispatcher, isAppUrl, (channel) => incident(`refused IPC ${channel} from a foreign frame`))

  const kioskWindow = new BrowserWindow(kioskWindowOptions(config, preloadPath))
  window = kioskWindow
  kioskWindow.once('ready-to-show', () => kioskWindow.show())
  // Only staff quit the kiosk (supervisor mode, then 退出): Alt+F4 or the window manager's close is
  // refused. A quit the app started, or the end of the OS session (shutdown, log-off), closes it.
  let quitting = false
  app.on('before-quit', () => (quitting = true))
  kioskWindow.on('session-end', () => (quitting = true))
  kioskWindow.on('close', (event) => {
    if (quitting || config.dev || config.windowMode === 'window') return
    event.preventDefault()
    incident('window close refused: the kiosk quits from supervisor mode')
  })
  // Back from the desktop (staff exited to it): locked again as configured.
  kioskWindow.on('restore', () => {
    if (config.windowMode === 'kiosk') kioskWindow.setKiosk(true)
    if (config.windowMode !== 'window') kioskWindow.setFullScreen(true)
  })
  // A new document in the window (a crashed or hung renderer reloaded) starts with nobody logged in:
  // main forgets the visitor and ends supervisor mode (services.newDocument).
  // (did-navigate: a document the window committed to, not one the hardening refused; hash changes
  // of vue-router are did-navigate-in-page.)
  kioskWindow.webContents.on('did-navigate', () => services.newDocument())
  // A touch or a key keeps main's own idle end back (candidateIdleBackstop.ts): a candidate typing a
  // long form calls main for minutes on end. Seen here, not told by the page: a hung or hostile
  // screen cannot make them up, and a person at a broken screen is still someone at the kiosk.
  kioskWindow.webContents.on('input-event', (_event, input) => services.candidateIdle.input(input.type))
  services.events.on((event: KioskEventName, payload: unknown) => {
    if (!kioskWindow.isDestroyed()) kioskWindow.webContents.send(eventChannel(event), payload)
  })
  // The sync engine stops and kiosk.db closes before the process ends (bounded: a hung close must
  // not keep a kiosk from quitting).
  let closed = false
  let closing: Promise<unknown> | null = null
  app.on('will-quit', (event) => {
    if (closed) return
    event.preventDefault()
    // A second quit while closing (Electron asks again after a prevented will-quit) waits for the same close.
    closing ??= Promise.race([services.close(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())])
      .catch((error: unknown) => console.error('[kiosk] closing:', error))
      .finally(() => {
        closed = true
        app.quit()
      })
  })
  // Not awaited: a first load cut short (the hardening reloads a renderer that crashed or hung) is
  // recovered by that reload; it is not a kiosk that cannot start.
  kioskWindow.loadURL(devPage?.url ?? `${appOrigin}/index.html`).catch((error: unknown) => incident(`first load: ${String(error)}`))
}
