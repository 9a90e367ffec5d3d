import { describe, test, before } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { devServerPage, serveAppRequest, isAppUrl } from '../../../src-main/shell/appProtocol'

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

  test('answers 404, not a rejected handler, for a path that is not valid %-encoding or holds a NUL', async () => {
    for (const url of ['app://kiosk/%E0%A4%A', 'app://kiosk/assets/%', 'app://kiosk/index.html%00.js']) {
      assert.equal((await serveAppRequest(rendererDir, url)).status, 404, url)
    }
  })

  test('recognises only its own origin as the app', () => {
    assert.equal(isAppUrl('app://kiosk/index.html#/login'), true)
    assert.equal(isAppUrl('app://kiosk.evil/index.html'), false)
    assert.equal(isAppUrl('https://kiosk/'), false)
    assert.equal(isAppUrl('not a url'), false)
  })
})

describe('the dev server page (npm run dev)', () => {
  test('a main built for the kiosk never loads a page named by its environment', () => {
    assert.equal(devServerPage(false, 'http://localhost:5173'), undefined)
  })

  test('a dev build loads the dev server and takes its origin only as the app', () => {
    const page = devServerPage(true, 'http://localhost:5173/')
    assert.equal(page?.url, 'http://localhost:5173/')
    assert.equal(page?.isDevUrl('http://localhost:5173/#/register'), true)
    // A prefix of the address is not its origin.
    assert.equal(page?.isDevUrl('http://localhost:5173.example.com/'), false)
    assert.equal(page?.isDevUrl('http://localhost:51730/'), false)
    assert.equal(page?.isDevUrl('https://localhost:5173/'), false)
    assert.equal(page?.isDevUrl('not a url'), false)
    // A blob of the dev page has its origin, but is not an http(s) page (as blob:app://kiosk is not the kiosk's).
    assert.equal(page?.isDevUrl('blob:http://localhost:5173/0b8f2f1e-0000-4000-8000-000000000000'), false)
  })

  test('without a dev server address, or with one that is not http(s), the built page is loaded', () => {
    assert.equal(devServerPage(true, undefined), undefined)
    assert.equal(devServerPage(true, 'file:///tmp/index.html'), undefined)
    assert.equal(devServerPage(true, '::'), undefined)
  })
})
