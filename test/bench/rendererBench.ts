import { chromium, type Browser, type Page } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { chromiumLaunch } from '../../playwright.config'
import { openKioskInBrowser } from '../e2e/harness/kioskInBrowser'
import type { Bench, Figure } from './figures'

const rendererDir = fileURLToPath(new URL('../../out/renderer/', import.meta.url))

/** The JS a first visit must fetch: index.html's module script and its modulepreloads (lazy routes excluded). */
function firstLoadJsGzipKb(): { kb: number; files: number } {
  const html = readFileSync(join(rendererDir, 'index.html'), 'utf8')
  const scripts = [...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="\.?\/?([^"]+\.js)"/g)].map((m) => m[1]!)
  const bytes = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(join(rendererDir, file)), { level: 9 }).length, 0)
  return { kb: bytes / 1024, files: scripts.length }
}

async function withKiosk<T>(browser: Browser, work: (page: Page, open: (path: string) => Promise<void>) => Promise<T>, idle?: { timeoutSec: number; warningSec: number }): Promise<T> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' })
  const kiosk = await openKioskInBrowser(page, { config: {}, idle, setUp: true, sendLimits: { perTargetIntervalMs: 0 }, clockSkewMs: 0 })
  try {
    return await work(page, kiosk.open)
  } finally {
    await kiosk.dispose()
    await page.close()
  }
}

/**
 * Navigation start to the frame that first shows the home screen with main's answer (app.info, in the
 * footer): what a candidate waits for. Read in the page's own clock: taken after Playwright's waits,
 * performance.now() also counted their polling and round trips (some 180 ms under Chromium 156,
 * which is no part of the candidate's wait).
 */
async function timeToInteractiveHome(browser: Browser): Promise<number[]> {
  return withKiosk(browser, async (page, open) => {
    await page.addInitScript(() => {
      const shown = window as unknown as { __homeShownAt?: number }
      const observer = new MutationObserver(() => {
        if (document.querySelector('[data-testid="home-register"]') && document.querySelector('[data-testid="footer-version"]')) {
          observer.disconnect()
          // The frame that paints it starts with this callback.
          requestAnimationFrame(() => (shown.__homeShownAt = performance.now()))
        }
      })
      observer.observe(document, { childList: true, subtree: true })
    })
    const times: number[] = []
    for (let run = 0; run < 6; run++) {
      await open('/')
      // Set once both are shown (the init script above).
      await page.waitForFunction(() => (window as unknown as { __homeShownAt?: number }).__homeShownAt !== undefined)
      times.push(await page.evaluate(() => (window as unknown as { __homeShownAt: number }).__homeShownAt))
      await page.goto('about:blank')
    }
    return times.slice(1) // the first run also compiles the bridge bundle
  })
}

/** What a heap snapshot holds, by V8's node types, in bytes. */
type HeapByType = Record<string, number>

/**
 * V8's compiled code ('code': bytecode, baseline and optimised code, feedback vectors) grows as hot
 * paths tier up over the first hundred runs, and Chromium's performance timeline ('native' entries
 * such as LayoutShift or LargestContentfulPaint) keeps bounded buffers. Neither is the app holding on
 * to a candidate. What is left (objects, closures, arrays, strings, shapes) is what a leak would grow.
 */
const notRetainedByTheApp = new Set(['code', 'native', 'synthetic', 'hidden'])
const retainedBytes = (heap: HeapByType) =>
  Object.entries(heap).reduce((sum, [type, bytes]) => (notRetainedByTheApp.has(type) ? sum : sum + bytes), 0)

interface HeapPoint {
  /** Runtime.getHeapUsage after a forced GC: the whole JS heap. */
  used: number
  byType: HeapByType
  dom: { nodes: number; jsEventListeners: number }
}

/**
 * Renderer heap after the first idle wipe, after 100 more and after another 100, each after a forced
 * GC. With `snapshots`, each point also takes a heap snapshot; a snapshot makes V8 keep source
 * positions for every function, so the whole-heap figure comes from a run without them.
 */
async function heapAcrossWipes(browser: Browser, snapshots: boolean): Promise<HeapPoint[]> {
  return withKiosk(
    browser,
    async (page, open) => {
      await page.clock.install()
      const cdp = await page.context().newCDPSession(page)
      const measure = async (): Promise<HeapPoint> => {
        // Let the last screen's leave transition and the dialog's fade finish.
        await page.clock.runFor(2_000)
        await page.waitForTimeout(200)
        await cdp.send('HeapProfiler.collectGarbage')
        const used = (await cdp.send('Runtime.getHeapUsage')).usedSize
        const dom = await cdp.send('Memory.getDOMCounters')
        if (!snapshots) return { used, byType: {}, dom: { nodes: dom.nodes, jsEventListeners: dom.jsEventListeners } }
        const chunks: string[] = []
        const onChunk = (event: { chunk: string }) => chunks.push(event.chunk)
        cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk)
        await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false })
        cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk)
        const snapshot = JSON.parse(chunks.join('')) as {
          snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }
          nodes: number[]
        }
        const fields = snapshot.snapshot.meta.node_fields
        const typeNames = snapshot.snapshot.meta.node_types[0]
        const typeAt = fields.indexOf('type')
        const sizeAt = fields.indexOf('self_size')
        const byType: HeapByType = {}
        for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
          const type = typeNames[snapshot.nodes[i + typeAt]!]!
          byType[type] = (byType[type] ?? 0) + snapshot.nodes[i + sizeAt]!
        }
        return { used, byType, dom: { nodes: dom.nodes, jsEventListeners: dom.jsEventListeners } }
      }
      await open('/')
      const oneCandidate = async () => {
        await page.getByTestId('home-register').click()
        await page.getByTestId('register-email').fill('wang.xiaoming@example.com')
        await page.getByTestId('register-mobile').fill('13912345678')
        // The idle timeout runs out (the clock is Playwright's): the kiosk wipes and goes home.
        await page.clock.runFor(40_000)
        await page.getByTestId('home-register').waitFor()
      }
      await oneCandidate()
      const points = [await measure()]
      for (let hundred = 0; hundred < 2; hundred++) {
        for (let i = 0; i < 100; i++) await oneCandidate()
        points.push(await measure())
      }
      return points
    },
    { timeoutSec: 30, warningSec: 10 },
  )
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(2)

export const rendererBench: Bench = {
  name: 'renderer',
  async run(): Promise<Figure[]> {
    const js = firstLoadJsGzipKb()
    const browser = await chromium.launch(chromiumLaunch)
    try {
      const times = (await timeToInteractiveHome(browser)).sort((a, b) => a - b)
      const median = times[Math.floor(times.length / 2)]!
      const [plainFirst, plainHundredth] = await heapAcrossWipes(browser, false)
      const [first, hundredth, twoHundredth] = await heapAcrossWipes(browser, true)
      const pct = (from: number, to: number) => ((to - from) / from) * 100
      const kept = [first!, hundredth!, twoHundredth!].map((p) => retainedBytes(p.byType))
      const typeGrowth = (type: string) => `${type} ${((hundredth!.byType[type] ?? 0) - (first!.byType[type] ?? 0)) / 1024 | 0} KiB`
      return [
        {
          name: 'first-load JS (gzip)',
          value: js.kb,
          unit: 'KB',
          target: { op: '<=', value: 400, label: 'issue 6' },
          note: `${js.files} files: index.html's module script and its preloads`,
        },
        {
          name: 'navigation to interactive home (median)',
          value: median,
          unit: 'ms',
          target: { op: '<=', value: 500, label: 'issue 6' },
          note: `${times.length} loads: ${times.map((t) => t.toFixed(0)).join(', ')} ms`,
        },
        {
          name: 'JS heap growth over 100 idle wipes',
          value: pct(plainFirst!.used, plainHundredth!.used),
          unit: '%',
          note:
            `the whole heap: ${mib(plainFirst!.used)} MiB after the first wipe, ${mib(plainHundredth!.used)} MiB after the 101st. ` +
            `Where the growth is (heap snapshots, second run): ${typeGrowth('code')} compiled code (V8 tiering up hot paths), ` +
            `${typeGrowth('native')} browser-native (Chromium's performance timeline, session history), the app's objects below`,
        },
        {
          name: 'objects the app retains, over 100 idle wipes',
          value: pct(kept[0]!, kept[1]!),
          unit: '%',
          target: { op: '<=', value: 10, label: 'no growth beyond noise (10 %)' },
          note:
            `heap snapshots without compiled code and browser-native entries: ${mib(kept[0]!)} -> ${mib(kept[1]!)} -> ${mib(kept[2]!)} MiB ` +
            `after wipes 1, 101, 201 (${pct(kept[1]!, kept[2]!).toFixed(1)} % over the second hundred). ` +
            `DOM nodes ${first!.dom.nodes} -> ${hundredth!.dom.nodes} -> ${twoHundredth!.dom.nodes}, ` +
            `JS event listeners ${first!.dom.jsEventListeners} -> ${hundredth!.dom.jsEventListeners} -> ${twoHundredth!.dom.jsEventListeners}`,
        },
      ]
    } finally {
      await browser.close()
    }
  },
}
