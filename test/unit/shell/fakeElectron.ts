// A stand-in for the 'electron' module that records what the shell asks of it, so the shell's
// wiring (lock, menu, permissions, protocol, IPC, window) is checked in plain Node.
import { EventEmitter } from 'node:events'

type Handler = (...args: never[]) => unknown

export const recorded = {
  singleInstanceLockRequested: 0,
  quitCalled: 0,
  exitCode: undefined as number | undefined,
  applicationMenu: 'untouched' as unknown,
  privilegedSchemes: [] as unknown[],
  ipcHandlers: new Map<string, Handler>(),
  windows: [] as FakeBrowserWindow[],
  paths: new Map<string, string>([['userData', '/tmp/fake-user-data']]),
  lockGranted: true,
  /** Makes the next windows' loadURL reject as Electron's does when a navigation cuts a load short. */
  loadAborted: false,
  /** Each clipboard.clear(type) the shell made: 'clipboard', or 'selection' (X11's PRIMARY). */
  clipboardCleared: [] as string[],
  /** What dialog.showErrorBox was asked to show: [title, content]. */
  errorBoxes: [] as [string, string][],
  /** Every call the shell makes on the fake, in order ('app.whenReady', 'new BrowserWindow', ...). */
  calls: [] as string[],
  /** The command line's switches, as `app.commandLine.getSwitchValue` reads them ('js-flags', ...). */
  switches: new Map<string, string>(),
}
const call = (name: string): void => void recorded.calls.push(name)

class FakeApp extends EventEmitter {
  constructor() {
    super()
    this.on('newListener', (event: string | symbol) => call(`app.on ${String(event)}`))
  }
  requestSingleInstanceLock(): boolean {
    call('app.requestSingleInstanceLock')
    recorded.singleInstanceLockRequested++
    return recorded.lockGranted
  }
  quit(): void {
    call('app.quit')
    recorded.quitCalled++
  }
  exit(code: number): void {
    call('app.exit')
    recorded.exitCode = code
  }
  whenReady(): Promise<void> {
    call('app.whenReady')
    return Promise.resolve()
  }
  getPath(name: string): string {
    call('app.getPath')
    return recorded.paths.get(name) ?? `/tmp/fake-${name}`
  }
  setPath(name: string, value: string): void {
    call('app.setPath')
    recorded.paths.set(name, value)
  }
  getVersion(): string {
    return '0.0.0-test'
  }
  commandLine = {
    getSwitchValue(name: string): string {
      call('app.commandLine.getSwitchValue')
      return recorded.switches.get(name) ?? ''
    },
  }
}
export const app = new FakeApp()

export class FakeWebContents extends EventEmitter {
  sent: [string, unknown][] = []
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload])
  }
}

export class FakeBrowserWindow extends EventEmitter {
  loadedUrl: string | undefined
  webContents = new FakeWebContents()
  constructor(public options: Record<string, unknown>) {
    super()
    call('new BrowserWindow')
    recorded.windows.push(this)
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url
    if (recorded.loadAborted) throw new Error('ERR_ABORTED (-3) loading ' + url)
  }
  isDestroyed(): boolean {
    return false
  }
  isMinimized(): boolean {
    return false
  }
  kiosk = false
  fullScreen = false
  setKiosk(on: boolean): void {
    this.kiosk = on
  }
  setFullScreen(on: boolean): void {
    this.fullScreen = on
  }
  minimize(): void {}
  show(): void {}
  restore(): void {}
  focus(): void {}
}
export const BrowserWindow = FakeBrowserWindow

export const Menu = {
  setApplicationMenu(menu: unknown): void {
    call('Menu.setApplicationMenu')
    recorded.applicationMenu = menu
  },
}

export const protocol = {
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    call('protocol.registerSchemesAsPrivileged')
    recorded.privilegedSchemes.push(...schemes)
  },
}

export const ipcMain = {
  handle(channel: string, handler: Handler): void {
    call('ipcMain.handle')
    recorded.ipcHandlers.set(channel, handler)
  },
}

export class FakeSession extends EventEmitter {
  permissionRequestHandler: Handler | undefined
  permissionCheckHandler: Handler | undefined
  readonly protocolHandlers = new Map<string, Handler>()
  readonly protocol = {
    handle: (scheme: string, handler: Handler): void => {
      this.protocolHandlers.set(scheme, handler)
    },
  }
  setPermissionRequestHandler(handler: Handler): void {
    this.permissionRequestHandler = handler
  }
  setPermissionCheckHandler(handler: Handler): void {
    this.permissionCheckHandler = handler
  }
}

const partitions = new Map<string, FakeSession>()
export const session = {
  defaultSession: new FakeSession(),
  /** Like Electron's: one session per partition name, created on first use. */
  fromPartition(partition: string): FakeSession {
    call('session.fromPartition')
    if (partition === '') return session.defaultSession
    let found = partitions.get(partition)
    if (!found) partitions.set(partition, (found = new FakeSession()))
    return found
  },
}

// A keychain that works: the shell should then seal kiosk secrets with it.
export const safeStorage = {
  isEncryptionAvailable: (): boolean => (call('safeStorage.isEncryptionAvailable'), true),
  getSelectedStorageBackend: (): string => 'gnome_libsecret',
  encryptString: (text: string): Buffer => Buffer.from(`sealed:${Buffer.from(text).toString('hex')}`),
  decryptString: (blob: Buffer): string => Buffer.from(blob.toString().slice('sealed:'.length), 'hex').toString(),
}

export const clipboard = {
  clear(type: 'clipboard' | 'selection' = 'clipboard'): void {
    recorded.clipboardCleared.push(type)
  },
}

export const dialog = {
  showErrorBox(title: string, content: string): void {
    call('dialog.showErrorBox')
    recorded.errorBoxes.push([title, content])
  },
}

export default { app, BrowserWindow, clipboard, dialog, Menu, protocol, ipcMain, session, safeStorage }
