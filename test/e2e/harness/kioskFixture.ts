import { test as base, type Page } from '@playwright/test'
import { build } from 'esbuild'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { eventChannel } from '../../../src-common/kioskApi'
import { createKioskDispatcher } from '../../../src-main/services/kioskDispatcher'
import type { KioskConfig } from '../../../src-main/services/kioskConfig'
import { createKioskHandlers } from '../../../src-main/services/kioskHandlers'
import { createKioskServices, type KioskServices } from '../../../src-main/services/kioskServices'
import { startRendererServer } from './rendererServer'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = join(here, '..', '..', '..')

let bridgeScript: Promise<string> | undefined
function bundleBridge(): Promise<string> {
  bridgeScript ??= build({
    entryPoints: [join(here, 'bridge.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
  }).then((result) => result.outputFiles[0]!.text)
  return bridgeScript
}

export interface KioskHarness {
  page: Page
  services: KioskServices
  dataDir: string
  /** Calls that reached main through window.kiosk, in order: proof of the round-trip. */
  calls: string[]
  open(path?: string): Promise<void>
}

export interface HarnessOptions {
  config: Partial<KioskConfig>
}

/**
 * A kiosk in Chromium: the built renderer, with window.kiosk backed by the real main-process
 * dispatcher, handlers and services running in this test process against a fresh data directory.
 */
export const test = base.extend<HarnessOptions & { kiosk: KioskHarness }>({
  config: [{}, { option: true }],
  kiosk: async ({ page, config }, use) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-e2e-'))
    const services = await createKioskServices({
      config: { dataDir, centralUrl: null, windowMode: 'window', dev: false, ...config },
      version: 'test',
      appRoot: root,
    })
    const dispatcher = createKioskDispatcher(createKioskHandlers(services), {
      onBug: (channel, error) => console.error(`bug in ${channel}`, error),
    })
    const renderer = await startRendererServer(join(root, 'out', 'renderer'))
    const calls: string[] = []
    await page.exposeBinding('__kioskInvoke', (_source, channel: string, input: unknown) => {
      calls.push(channel)
      return dispatcher.invoke(channel, input)
    })
    await page.addInitScript({ content: await bundleBridge() })
    const unsubscribe = services.events.on((event, payload) => {
      void page
        .evaluate(([channel, data]) => (window as unknown as { __kioskEmit(c: string, p: unknown): void }).__kioskEmit(channel, data), [
          eventChannel(event),
          payload,
        ] as const)
        .catch(() => undefined)
    })
    await use({
      page,
      services,
      dataDir,
      calls,
      open: async (path = '/') => {
        await page.goto(`${renderer.url}/index.html#${path}`)
      },
    })
    unsubscribe()
    await services.close()
    await renderer.close()
    rmSync(dataDir, { recursive: true, force: true })
  },
})

export { expect } from '@playwright/test'
