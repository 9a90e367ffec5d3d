import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { mainJsFlags, missingJsFlags } from '../../../src-main/services/mainJsFlags'

const root = join(import.meta.dirname, '..', '..', '..')

describe("main's V8 flags", () => {
  test('a command line that carries them, alone or among others, is quiet; any other is said', () => {
    assert.equal(missingJsFlags(mainJsFlags), undefined)
    assert.equal(missingJsFlags(`--expose-gc ${mainJsFlags}`), undefined)
    for (const without of ['', '--max-semi-space-size=16', `${mainJsFlags}0`, '--expose-gc'])
      assert.match(missingJsFlags(without) ?? '', /started without --js-flags=--max-semi-space-size=32/, without)
  })

  test('npm start, npm run dev, the Electron suite and the bench all run main (or its stand-in) with them', () => {
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
    assert.match(scripts.start ?? '', new RegExp(` electron --js-flags=${mainJsFlags} \\.$`))
    assert.match(scripts.dev ?? '', new RegExp(`^electron-vite dev -- --js-flags=${mainJsFlags}$`))
    // The bench's kiosk side (enqueue, drain) is main's code in a Node process: the same young generation.
    assert.match(scripts.bench ?? '', new RegExp(`&& node ${mainJsFlags} --import tsx test/bench/index\\.ts$`))
    const electronSuite = readFileSync(join(root, 'test', 'electron', 'app.spec.ts'), 'utf8')
    assert.match(electronSuite, /args: \[`--js-flags=\$\{mainJsFlags\}`, '\.'/)
  })
})
