import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { createKioskServices } from '../../../src-main/services/kioskServices'
import { loadedPasswordDictionary } from '../../../src-common/rules/passwordStrength'

// Its own file, so its own process: nothing else here has loaded the dictionary. A central URL of the
// deployment's, not demo mode, whose in-process reference server would load it for its own checks.
test("main loads the password dictionary after start, so no candidate's submit waits for it", async () => {
  assert.equal(loadedPasswordDictionary(), undefined, 'not loaded before the kiosk starts')
  const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-dictionary-'))
  const services = await createKioskServices({
    config: { dataDir, centralUrl: 'http://127.0.0.1:9', windowMode: 'window', dev: false },
    version: 'test',
    appRoot: process.cwd(),
    passwordDictionaryAfterMs: 0,
  })
  try {
    const deadline = Date.now() + 10_000
    while (loadedPasswordDictionary() === undefined && Date.now() < deadline) await sleep(20)
    assert.ok(loadedPasswordDictionary(), 'loaded without any password check asking for it')
  } finally {
    await services.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
})
