import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readKioskConfig } from '../../../src-main/services/kioskConfig'
import { betterSqliteBinding } from '../../../src-main/services/nativeBinding'

describe('kiosk configuration from the environment', () => {
  test('defaults: Electron userData, demo mode (no central URL), fullscreen, no dev tools', () => {
    assert.deepEqual(readKioskConfig({}, '/home/k/.config/kiosk'), {
      ok: true,
      config: { dataDir: '/home/k/.config/kiosk', centralUrl: null, windowMode: 'fullscreen', dev: false },
    })
  })

  test('KIOSK_DATA_DIR and KIOSK_CENTRAL_URL override them', () => {
    const result = readKioskConfig({ KIOSK_DATA_DIR: '/srv/kiosk', KIOSK_CENTRAL_URL: 'https://central.example/' }, '/x')
    assert.equal(result.ok && result.config.dataDir, '/srv/kiosk')
    assert.equal(result.ok && result.config.centralUrl, 'https://central.example')
  })

  test('a central URL that is not https (or http to this machine) is refused with a message naming the variable', () => {
    // Not a URL at all too (a scheme forgotten): refused with the message, not a crash at start.
    for (const url of ['ftp://central', 'http://central.example.cn', 'https://user:secret@central.example.cn', 'central.example.cn', 'not a url']) {
      const result = readKioskConfig({ KIOSK_CENTRAL_URL: url }, '/x')
      assert.equal(result.ok, false, url)
      assert.match(!result.ok ? result.message : '', /KIOSK_CENTRAL_URL/)
    }
    const local = readKioskConfig({ KIOSK_CENTRAL_URL: 'http://127.0.0.1:8080/' }, '/x')
    assert.equal(local.ok && local.config.centralUrl, 'http://127.0.0.1:8080')
  })

  test('better-sqlite3 uses the Electron build only inside Electron', () => {
    const appRoot = mkdtempSync(join(tmpdir(), 'kiosk-native-'))
    try {
      const inElectron = { ...process.versions, electron: '37.0.0' }
      const outside = { ...process.versions, electron: undefined } as unknown as NodeJS.ProcessVersions
      // Inside Electron, no Electron build installed: fall back to better-sqlite3's own.
      assert.equal(betterSqliteBinding(appRoot, inElectron), undefined)
      const binding = join(appRoot, 'native', 'electron', 'better_sqlite3.node')
      mkdirSync(join(appRoot, 'native', 'electron'), { recursive: true })
      writeFileSync(binding, '')
      assert.equal(betterSqliteBinding(appRoot, inElectron), binding)
      // Outside Electron (tests, sync, server) the Node build is used even when the Electron one is there.
      assert.equal(betterSqliteBinding(appRoot, outside), undefined)
      assert.equal(betterSqliteBinding('/app', { ...process.versions }), undefined)
    } finally {
      rmSync(appRoot, { recursive: true, force: true })
    }
  })
})
