import { describe, test, before } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serveAppRequest, isAppUrl } from '../../../src-main/shell/appProtocol'

let root: string
let rendererDir: string
before(() => {
  root = mkdtempSync(join(tmpdir(), 'kiosk-protocol-'))
  rendererDir = join(root, 'renderer')
  mkdirSync(join(rendererDir, 'assets'), { recursive: true })
  writeFileSync(join(rendererDir, 'index.html'), '<html></html>')
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(root, 'secret.txt'), 'do not serve')
})

describe('the app:// protocol', () => {
  test('serves the renderer with the strict CSP header', async () => {
    const response = await serveAppRequest(rendererDir, 'app://kiosk/index.html')
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'self'/)
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8')
    const script = await serveAppRequest(rendererDir, 'app://kiosk/assets/app.js')
    assert.equal(await script.text(), 'console.log(1)')
  })

  test('never serves a file outside the renderer folder', async () => {
    for (const url of ['app://kiosk/../secret.txt', 'app://kiosk/%2e%2e/secret.txt', 'app://kiosk/assets/..%2f..%2fsecret.txt']) {
      const response = await serveAppRequest(rendererDir, url)
      assert.equal(response.status, 404, url)
    }
  })

  test('answers 404 for another host or a missing file', async () => {
    assert.equal((await serveAppRequest(rendererDir, 'app://other/index.html')).status, 404)
    assert.equal((await serveAppRequest(rendererDir, 'app://kiosk/missing.js')).status, 404)
  })

  test('recognises only its own origin as the app', () => {
    assert.equal(isAppUrl('app://kiosk/index.html#/login'), true)
    assert.equal(isAppUrl('app://kiosk.evil/index.html'), false)
    assert.equal(isAppUrl('https://kiosk/'), false)
    assert.equal(isAppUrl('not a url'), false)
  })
})
