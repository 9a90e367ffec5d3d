import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { register } from 'node:module'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { mainJsFlags } from '../../../src-main/services/mainJsFlags'

// The real src-main/index.ts, started against a fake electron module that records every call.
register('./electronHooks.mjs', import.meta.url)
type Fake = typeof import('./fakeElectron')
let fake: Fake
/** What the shell said through console.warn (its incidents). */
const warnings: string[] = []

before(async () => {
  process.env.KIOSK_DATA_DIR = mkdtempSync(join(tmpdir(), 'kiosk-shell-'))
  process.env.KIOSK_WINDOW = 'kiosk'
  delete process.env.KIOSK_DEV
  fake = (await import('electron')) as unknown as Fake
  // Started as `npm start` starts it.
  fake.recorded.switches.set('js-flags', mainJsFlags)
  const warn = console.warn
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map(String).join(' '))
    warn(...args)
  }
  await import('../../../src-main/index')
  // start() continues after whenReady(): wait until the window has loaded the app.
  for (let i = 0; i < 100 && !fake.recorded.windows[0]?.loadedUrl; i++) await new Promise((r) => setTimeout(r, 20))
})

// Quitting closes the services (demo server, sync engine), as a real quit does.
after(async () => {
  fake.app.emit('will-quit', { preventDefault: () => undefined })
  await new Promise((resolve) => setTimeout(resolve, 300))
})

describe('the Electron shell', () => {
  test('takes the single-instance lock before anything else but moving userData, where Electron keeps it', () => {
    assert.equal(fake.recorded.singleInstanceLockRequested, 1)
    const calls = fake.recorded.calls
    const lock = calls.indexOf('app.requestSingleInstanceLock')
    // Only what must precede it: the privileged scheme (before ready), reading the default userData,
    // and moving userData under the kiosk's data directory (one kiosk per data directory, not per user).
    assert.deepEqual(calls.slice(0, lock), ['protocol.registerSchemesAsPrivileged', 'app.getPath', 'app.setPath'])
    for (const later of ['app.whenReady', 'ipcMain.handle', 'new BrowserWindow'])
      assert.ok(calls.indexOf(later) > lock, `${later} after the lock: ${calls.join(', ')}`)
  })

  test("reads its V8 flags from the command line, and says nothing when they are npm start's", () => {
    assert.ok(fake.recorded.calls.includes('app.commandLine.getSwitchValue'))
    assert.deepEqual(warnings.filter((w) => /js-flags/.test(w)), [])
  })

  test('removes the application menu when the dev flag is off', () => {
    assert.equal(fake.recorded.applicationMenu, null)
  })

  test('loads the renderer from its own app:// protocol, not file:// or the network', () => {
    assert.equal(fake.recorded.windows[0]?.loadedUrl, 'app://kiosk/index.html')
    // Served in the window's own session, the only place the page can ask for it.
    assert.ok(fake.session.fromPartition('kiosk').protocolHandlers.has('app'))
    assert.deepEqual(fake.recorded.privilegedSchemes, [
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ])
  })

  test('opens a kiosk window with an isolated, sandboxed renderer', () => {
    const options = fake.recorded.windows[0]?.options as { kiosk: boolean; webPreferences: Record<string, unknown> }
    assert.equal(options.kiosk, true)
    assert.equal(options.webPreferences.contextIsolation, true)
    assert.equal(options.webPreferences.sandbox, true)
    assert.equal(options.webPreferences.nodeIntegration, false)
    assert.equal(options.webPreferences.webSecurity, true)
    assert.equal(options.webPreferences.devTools, false)
    assert.match(String(options.webPreferences.preload), /out\/preload\/index\.cjs$|preload[/\\]index\.cjs$/)
  })

  test('runs the window in an in-memory session: nothing the renderer stores reaches the disk', () => {
    const options = fake.recorded.windows[0]?.options as { webPreferences: { partition?: string; session?: unknown } }
    // A partition without `persist:` is kept in memory by Electron; a `session` object would override it.
    assert.equal(options.webPreferences.partition, 'kiosk')
    assert.equal(options.webPreferences.session, undefined)
  })

  test("denies every permission request and check, in the window's session and the default one", () => {
    for (const ses of [fake.session.fromPartition('kiosk'), fake.session.defaultSession]) {
      let granted: boolean | undefined
      ses.permissionRequestHandler?.({} as never, 'media' as never, ((answer: boolean) => (granted = answer)) as never)
      assert.equal(granted, false)
      assert.equal(ses.permissionCheckHandler?.(), false)
    }
  })

  test("refuses every download (no Save dialog over the kiosk), in the window's session and the default one", () => {
    for (const ses of [fake.session.fromPartition('kiosk'), fake.session.defaultSession]) {
      let prevented = false
      assert.equal(ses.listenerCount('will-download'), 1)
      ses.emit('will-download', { preventDefault: () => (prevented = true) }, {}, {})
      assert.equal(prevented, true)
    }
  })

  test('registers exactly one IPC handler per contract call and refuses foreign frames', async () => {
    const { listCallChannels } = await import('../../../src-common/kioskApi')
    assert.deepEqual([...fake.recorded.ipcHandlers.keys()].sort(), listCallChannels().map((c) => c.channel).sort())
    const info = fake.recorded.ipcHandlers.get('kiosk:app.info')!
    const foreign = await info({ senderFrame: { url: 'https://evil.example/', parent: null } } as never, {} as never)
    assert.deepEqual(foreign, { ok: false, error: { code: 'UNAUTHORIZED' } })
    const own = (await info({ senderFrame: { url: 'app://kiosk/index.html', parent: null } } as never, {} as never)) as {
      ok: boolean
    }
    assert.equal(own.ok, true)
  })

  test("keeps Chromium's profile inside the kiosk data directory", () => {
    assert.equal(fake.recorded.paths.get('userData'), join(process.env.KIOSK_DATA_DIR!, 'chromium'))
  })

  test('hardens every web contents the app creates', () => {
    const contents = new fake.FakeWebContents() as unknown as { setWindowOpenHandler?: unknown }
    let openHandler: (() => { action: string }) | undefined
    Object.assign(contents, {
      setWindowOpenHandler: (handler: () => { action: string }) => (openHandler = handler),
      reload: () => undefined,
      closeDevTools: () => undefined,
      isDestroyed: () => false,
    })
    fake.app.emit('web-contents-created', {}, contents)
    assert.deepEqual(openHandler?.(), { action: 'deny' })
  })

  test('a new document in the window (a renderer reloaded after a crash) forgets the visitor, the clipboard too', () => {
    const contents = fake.recorded.windows[0]!.webContents
    const before = fake.recorded.clipboardCleared.length
    // vue-router's hash changes are the same document: nobody is forgotten for a change of screen.
    contents.emit('did-navigate-in-page', {}, 'app://kiosk/index.html#/register', true)
    assert.equal(fake.recorded.clipboardCleared.length, before)
    contents.emit('did-navigate', {}, 'app://kiosk/index.html', 200, 'OK')
    // On Linux, text only highlighted (X11's PRIMARY selection, pasted with a middle click) too.
    const expected = process.platform === 'linux' ? ['clipboard', 'selection'] : ['clipboard']
    assert.deepEqual(fake.recorded.clipboardCleared.slice(before), expected)
  })

  test("the window's touches and keys reach main's own idle end, seen by the shell: a hung or hostile page cannot make them up", async (t) => {
    const contents = fake.recorded.windows[0]!.webContents
    assert.equal(contents.listenerCount('input-event'), 1)
    // Set up (the wizard is staff's, never ended by main), then someone taps the screen and walks away
    // from a screen that never wipes: main ends the visit itself, and tells the page.
    const own = { senderFrame: { url: 'app://kiosk/index.html', parent: null } } as never
    const setUp = fake.recorded.ipcHandlers.get('kiosk:setup.complete')!
    assert.deepEqual(await setUp(own, { kioskName: '一号机', examCentre: '演示考点', centralUrl: null, pin: '135790' } as never), { ok: true, value: { done: true } })
    contents.emit('input-event', {}, { type: 'touchStart' })
    const later = performance.now() + 10 * 60_000
    t.mock.method(performance, 'now', () => later)
    const ended = () => contents.sent.filter(([channel]) => channel === 'kiosk-event:visitEnded')
    // Main looks every 5 s.
    for (let i = 0; i < 60 && ended().length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100))
    assert.deepEqual(ended(), [['kiosk-event:visitEnded', { reason: 'idle' }]])
  })

  test('back from the desktop, the window is locked again as configured', () => {
    const window = fake.recorded.windows[0]!
    window.setKiosk(false)
    window.setFullScreen(false)
    window.emit('restore')
    assert.equal(window.kiosk, true)
    assert.equal(window.fullScreen, true)
  })

  test('Alt+F4 or the window manager cannot close the kiosk; a quit the app started can', () => {
    const window = fake.recorded.windows[0]!
    const close = () => {
      let prevented = false
      window.emit('close', { preventDefault: () => (prevented = true) })
      return prevented
    }
    assert.equal(close(), true, 'refused while no quit was asked for')
    fake.app.emit('before-quit')
    assert.equal(close(), false, 'allowed once the app quits (supervisor mode, or the OS)')
  })

  test('a kiosk that cannot start (its data directory unusable) says why in a dialog and exits, rather than living on with no window', async () => {
    const dataDir = process.env.KIOSK_DATA_DIR
    const from = fake.recorded.calls.length
    const windows = fake.recorded.windows.length
    // A file where the data directory should be: kiosk.db cannot be made.
    const file = join(mkdtempSync(join(tmpdir(), 'kiosk-shell-bad-')), 'not-a-directory')
    writeFileSync(file, '')
    process.env.KIOSK_DATA_DIR = file
    try {
      await import(`../../../src-main/index?cannot-start=${Date.now()}`)
      for (let i = 0; i < 100 && !fake.recorded.calls.slice(from).includes('app.exit'); i++) await new Promise((r) => setTimeout(r, 20))
    } finally {
      process.env.KIOSK_DATA_DIR = dataDir
    }
    const calls = fake.recorded.calls.slice(from)
    assert.ok(calls.indexOf('dialog.showErrorBox') >= 0 && calls.indexOf('dialog.showErrorBox') < calls.indexOf('app.exit'), calls.join(', '))
    assert.equal(fake.recorded.exitCode, 1)
    assert.match(fake.recorded.errorBoxes.at(-1)?.[0] ?? '', /无法启动/)
    assert.match(fake.recorded.errorBoxes.at(-1)?.[1] ?? '', /not-a-directory/)
    assert.equal(fake.recorded.windows.length, windows, 'no window')
  })

  test('a kiosk.db damaged between two runs: the dialog tells staff what and where, in both languages, and the file is left as it was', async () => {
    const dataDir = process.env.KIOSK_DATA_DIR
    const from = fake.recorded.calls.length
    const damagedDir = mkdtempSync(join(tmpdir(), 'kiosk-shell-damaged-'))
    const file = join(damagedDir, 'kiosk.db')
    // What a disk failure or a half-copied file leaves: not a database any more.
    const damaged = Buffer.alloc(8192, 0x41)
    writeFileSync(file, damaged)
    process.env.KIOSK_DATA_DIR = damagedDir
    try {
      await import(`../../../src-main/index?damaged=${Date.now()}`)
      for (let i = 0; i < 100 && !fake.recorded.calls.slice(from).includes('app.exit'); i++) await new Promise((r) => setTimeout(r, 20))
    } finally {
      process.env.KIOSK_DATA_DIR = dataDir
    }
    assert.equal(fake.recorded.exitCode, 1)
    const text = fake.recorded.errorBoxes.at(-1)?.[1] ?? ''
    // Not SQLite's "file is not a database" alone: what it is, where, and not to delete it.
    assert.match(text, /数据文件已损坏/)
    assert.match(text, /请勿删除/)
    assert.match(text, /data file is damaged/)
    assert.ok(text.includes(file), text)
    assert.deepEqual(readFileSync(file), damaged, 'kiosk.db is not replaced: it may hold ops not yet sent')
  })

  test('quitting waits for the services to close (sync engine stopped, kiosk.db closed) before the process ends, once however often it is asked', async () => {
    const quits = fake.recorded.quitCalled
    let prevented = 0
    fake.app.emit('will-quit', { preventDefault: () => prevented++ })
    // Electron asks again after a prevented will-quit (a second 退出, the OS ending the session).
    fake.app.emit('will-quit', { preventDefault: () => prevented++ })
    assert.equal(prevented, 2, 'held until the services have closed')
    for (let i = 0; i < 100 && fake.recorded.quitCalled === quits; i++) await new Promise((r) => setTimeout(r, 20))
    await new Promise((r) => setTimeout(r, 100))
    assert.equal(fake.recorded.quitCalled, quits + 1, 'then quits, once')
    fake.app.emit('will-quit', { preventDefault: () => prevented++ })
    assert.equal(prevented, 2, 'the time after, it lets the process end')
  })

  test('a second instance, refused the lock, quits without a window, IPC or services', async () => {
    // Last in this file: the second evaluation registers the privileged scheme again.
    const from = fake.recorded.calls.length
    const windows = fake.recorded.windows.length
    fake.recorded.lockGranted = false
    try {
      // The same entry module evaluated afresh, as a second process would run it.
      await import(`../../../src-main/index?second-instance=${Date.now()}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    } finally {
      fake.recorded.lockGranted = true
    }
    const calls = fake.recorded.calls.slice(from)
    assert.deepEqual(calls, [
      'protocol.registerSchemesAsPrivileged',
      'app.getPath',
      'app.setPath',
      'app.requestSingleInstanceLock',
      'app.quit',
    ])
    assert.equal(fake.recorded.windows.length, windows)
  })

  // Last: its kiosk stays up beside the first one (closed by the quit in after()).
  test('a first load cut short (a crashed renderer reloaded) is not a kiosk that cannot start', async () => {
    const dataDir = process.env.KIOSK_DATA_DIR
    const from = fake.recorded.calls.length
    const windows = fake.recorded.windows.length
    process.env.KIOSK_DATA_DIR = mkdtempSync(join(tmpdir(), 'kiosk-shell-aborted-'))
    fake.recorded.loadAborted = true
    try {
      await import(`../../../src-main/index?load-aborted=${Date.now()}`)
      for (let i = 0; i < 100 && fake.recorded.windows.length === windows; i++) await new Promise((r) => setTimeout(r, 20))
      await new Promise((r) => setTimeout(r, 100))
    } finally {
      fake.recorded.loadAborted = false
      process.env.KIOSK_DATA_DIR = dataDir
    }
    assert.equal(fake.recorded.windows.length, windows + 1, 'its window was made')
    const calls = fake.recorded.calls.slice(from)
    assert.equal(calls.includes('dialog.showErrorBox'), false, calls.join(', '))
    assert.equal(calls.includes('app.exit'), false)
  })
})
