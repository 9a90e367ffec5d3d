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

test('the Electron app starts from the bundle: package.json main, the preload and the renderer the shell loads are built', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { main?: string }
  expect(pkg.main, 'package.json main').toBeDefined()
  expect(existsSync(resolve(pkg.main as string)), `${pkg.main} is built`).toBe(true)
  // As src-main/index.ts finds them from out/main: ../preload/index.cjs (a sandboxed preload must be
  // CommonJS) and ../renderer/index.html.
  expect(existsSync(resolve(bundle, '..', 'preload', 'index.cjs'))).toBe(true)
  expect(existsSync(resolve(bundle, '..', 'renderer', 'index.html'))).toBe(true)
  const main = readFileSync(resolve('src-main/index.ts'), 'utf8')
  expect(main).toContain("join(here, '..', 'preload', 'index.cjs')")
  expect(main).toContain("join(here, '..', 'renderer')")
})

test("every package the main bundle imports is one of package.json's dependencies (installed on users' machines)", () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> }
  const imported = new Set(
    jsFiles(bundle).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/(?:^|[\s;])(?:import|export)\b[^'"]*?from\s*["']([^'"./][^'"]*)["']|import\(\s*["']([^'"./][^'"]*)["']\s*\)/gm)].map(
        (m) => (m[1] ?? m[2]) as string,
      ),
    ),
  )
  const packages = [...imported]
    .filter((name) => !name.startsWith('node:'))
    .map((name) => (name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : (name.split('/')[0] as string)))
  expect(packages.length).toBeGreaterThan(0)
  for (const name of new Set(packages)) {
    if (name === 'electron') continue
    expect(pkg.dependencies[name], `${name} is imported by out/main`).toBeDefined()
  }
})

// Home must be quick to show: zod and the field rules (a quarter of a megabyte) come with the screens
// that check fields, not with the first load. One import of a value from src-common/kioskApi, or from
// src-common/rules, by App, a store, the router or home, brings them back; `npm run bench` would show
// it only as a number.
test("the renderer's first load (index.html's module script and its preloads) carries neither zod nor the field rules", () => {
  const renderer = resolve('out/renderer')
  const html = readFileSync(join(renderer, 'index.html'), 'utf8')
  const firstLoad = [...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="\.?\/?([^"]+\.js)"/g)].map((m) => m[1] as string)
  expect(firstLoad.length, 'out/renderer is built (electron-vite build)').toBeGreaterThan(0)
  // What marks them in a built chunk: a class name of zod's, and a message of src-common/rules/fieldMessages.ts.
  const markers = { zod: 'ZodError', 'the field rules': 'The password must contain at least one digit.' }
  const assets = readdirSync(join(renderer, 'assets')).filter((name) => name.endsWith('.js'))
  for (const [what, marker] of Object.entries(markers)) {
    // Not a check of nothing: the screens that validate do load them.
    expect(assets.some((name) => readFileSync(join(renderer, 'assets', name), 'utf8').includes(marker)), `${what} are in some chunk`).toBe(true)
    for (const file of firstLoad) expect(readFileSync(join(renderer, file), 'utf8').includes(marker), `${file} holds ${what}`).toBe(false)
  }
})
