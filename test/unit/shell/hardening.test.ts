import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { hardenWebContents, denyAllPermissions, refuseDownloads } from '../../../src-main/shell/hardening'
import { isAppUrl } from '../../../src-main/shell/appProtocol'

class FakeContents extends EventEmitter {
  reloads = 0
  devToolsClosed = 0
  openHandler: (() => { action: string }) | undefined
  setWindowOpenHandler(handler: () => { action: string }): void {
    this.openHandler = handler
  }
  reload(): void {
    this.reloads++
  }
  closeDevTools(): void {
    this.devToolsClosed++
  }
  isDestroyed(): boolean {
    return false
  }
}

function hardened(devTools = false, hangReloadMs = 10) {
  const contents = new FakeContents()
  const incidents: string[] = []
  hardenWebContents(contents as never, { isAppUrl, devTools, hangReloadMs, onIncident: (what) => incidents.push(what) })
  return { contents, incidents }
}

function navigate(contents: FakeContents, event: string, url: string): boolean {
  let prevented = false
  contents.emit(event, { preventDefault: () => (prevented = true) }, url)
  return prevented
}

describe('web contents hardening', () => {
  test('blocks navigation and redirects away from the app, allows the app itself', () => {
    const { contents, incidents } = hardened()
    assert.equal(navigate(contents, 'will-navigate', 'https://evil.example/'), true)
    assert.equal(navigate(contents, 'will-navigate', 'file:///etc/passwd'), true)
    assert.equal(navigate(contents, 'will-redirect', 'http://127.0.0.1:9/'), true)
    assert.equal(navigate(contents, 'will-navigate', 'app://kiosk/index.html#/register'), false)
    assert.deepEqual(incidents, ['navigation blocked', 'navigation blocked', 'redirect blocked'])
  })

  test('denies every window.open', () => {
    const { contents } = hardened()
    assert.deepEqual(contents.openHandler?.(), { action: 'deny' })
  })

  test('refuses to attach webviews', () => {
    const { contents } = hardened()
    let prevented = false
    contents.emit('will-attach-webview', { preventDefault: () => (prevented = true) })
    assert.equal(prevented, true)
  })

  test('closes devtools unless the dev flag is set', () => {
    const production = hardened(false).contents
    production.emit('devtools-opened')
    assert.equal(production.devToolsClosed, 1)
    const development = hardened(true).contents
    development.emit('devtools-opened')
    assert.equal(development.devToolsClosed, 0)
  })

  test('reloads a crashed renderer', () => {
    const { contents } = hardened()
    contents.emit('render-process-gone', {}, { reason: 'crashed' })
    assert.equal(contents.reloads, 1)
  })

  test('reloads a renderer that stays hung, not one that recovers', async () => {
    const { contents } = hardened(false, 20)
    contents.emit('unresponsive')
    contents.emit('responsive')
    await new Promise((resolve) => setTimeout(resolve, 40))
    assert.equal(contents.reloads, 0)
    contents.emit('unresponsive')
    await new Promise((resolve) => setTimeout(resolve, 40))
    assert.equal(contents.reloads, 1)
  })
})

describe('permissions', () => {
  test('every request and every check is refused', () => {
    const handlers: { request?: (c: unknown, p: string, cb: (ok: boolean) => void) => void; check?: () => boolean } = {}
    denyAllPermissions({
      setPermissionRequestHandler: (handler: never) => (handlers.request = handler),
      setPermissionCheckHandler: (handler: never) => (handlers.check = handler),
    } as never)
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      let answer: boolean | undefined
      handlers.request?.({}, permission, (ok) => (answer = ok))
      assert.equal(answer, false, permission)
    }
    assert.equal(handlers.check?.(), false)
  })
})

describe('downloads', () => {
  test('every download is refused before Electron would open its Save dialog, and reported', () => {
    const session = new EventEmitter()
    const incidents: string[] = []
    refuseDownloads(session as never, (what) => incidents.push(what))
    let prevented = false
    session.emit('will-download', { preventDefault: () => (prevented = true) }, {}, {})
    assert.equal(prevented, true)
    assert.deepEqual(incidents, ['download refused'])
  })
})
