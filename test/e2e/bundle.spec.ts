import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { expect, test } from '@playwright/test'

// The Electron main process runs from the bundle electron-vite writes (out/main), not from the
// sources the other tests import. A file the bundle reads beside itself must be in it: the demo
// central server used to read its schema from a folder beside its module, which the bundle did not
// carry, so `npm start` could not set up a kiosk in demo mode. This reads every such reference.
const bundle = resolve('out/main')

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? jsFiles(join(dir, entry.name)) : entry.name.endsWith('.js') ? [join(dir, entry.name)] : [],
  )
}

test('every file or folder the Electron main bundle reads beside itself is there', () => {
  const files = jsFiles(bundle)
  expect(files.length, 'out/main is built (electron-vite build)').toBeGreaterThan(0)
  const references = files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/new URL\(\s*["'`](\.[^"'`]*)["'`]\s*,\s*import\.meta\.url\s*\)/g)].map((m) => ({
      from: file,
      target: resolve(dirname(file), m[1] as string),
    })),
  )
  // The shell finds the renderer and the preload from its own place ("."): at least that one.
  expect(references.length).toBeGreaterThan(0)
  for (const { from, target } of references) expect(existsSync(target), `${from} reads ${target}`).toBe(true)
})
