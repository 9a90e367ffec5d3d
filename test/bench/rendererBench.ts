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
  const kiosk = await openKioskInBrowser(page, { config: {}, idle, setUp: true, sendLimits: { perTargetIntervalMs: 0 } })
  try {
    return await work(page, kiosk.open)
  } finally {
    await kiosk.dispose()
    await page.close()
  }
}

/** Navigation start to the home screen showing main's answer (app.info): what a candidate waits for. */
async function timeToInteractiveHome(browser: Browser): Promise<number[]> {
  return withKiosk(browser, async (page, open) => {
    const times: number[] = []
    for (let run = 0; run < 6; run++) {
      await open('/')
      await page.getByTestId('footer-version').waitFor()
      await page.getByTestId('home-register').waitFor()
      times.push(await page.evaluate(() => performance.now()))
      await page.goto('about:blank')
    }
    return times.slice(1) // the first run also compiles the bridge bundle
  })
}

/** Renderer JS heap after the first idle wipe and after 100 more, each after a forced GC. */
async function heapAcrossWipes(browser: Browser): Promise<{ first: number; tenth: number; last: number }> {
  return withKiosk(
    browser,
    async (page, open) => {
      await page.clock.install()
      const cdp = await page.context().newCDPSession(page)
      const heap = async () => {
        await cdp.send('HeapProfiler.collectGarbage')
        return (await cdp.send('Runtime.getHeapUsage')).usedSize
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
      const first = await heap()
      for (let i = 0; i < 9; i++) await oneCandidate()
      const tenth = await heap()
      for (let i = 0; i < 91; i++) await oneCandidate()
      return { first, tenth, last: await heap() }
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
      const { first, tenth, last } = await heapAcrossWipes(browser)
      const growth = ((last - first) / first) * 100
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
          value: growth,
          unit: '%',
          target: { op: '<=', value: 10, label: 'no growth beyond noise (10 %)' },
          note: `after the first wipe ${mib(first)} MiB, the 10th ${mib(tenth)} MiB, the 101st ${mib(last)} MiB (${(((last - tenth) / tenth) * 100).toFixed(1)} % after warm-up)`,
        },
      ]
    } finally {
      await browser.close()
    }
  },
}
