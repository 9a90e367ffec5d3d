import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// The built preload (npm run build) is what ships: check the bytes, not the source.
const bundle = readFileSync(fileURLToPath(new URL('../../../out/preload/index.cjs', import.meta.url)), 'utf8')

describe('the preload bundle', () => {
  test('exposes exactly one global, window.kiosk', () => {
    const exposures = [...bundle.matchAll(/exposeInMainWorld\(\s*["'`](\w+)["'`]/g)].map((m) => m[1])
    assert.deepEqual(exposures, ['kiosk'])
  })

  test('never hands ipcRenderer itself, or a generic send, to the page', () => {
    assert.doesNotMatch(bundle, /exposeInMainWorld\([^)]*ipcRenderer\s*[,)]/)
    assert.doesNotMatch(bundle, /ipcRenderer\.send\(/)
    assert.doesNotMatch(bundle, /ipcRenderer\.sendSync\(/)
  })

  test('is CommonJS that requires nothing but electron (a sandboxed preload can load nothing else)', () => {
    const requires = [...bundle.matchAll(/require\(["'`]([^"'`]+)["'`]\)/g)].map((m) => m[1])
    assert.deepEqual([...new Set(requires)], ['electron'])
  })
})
