import { defineConfig } from '@playwright/test'

/** Debian's Chromium (never a downloaded browser), with the flags this closed network needs. */
export const chromiumLaunch = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
}

export default defineConfig({
  // Generous: CI shares 2 cores; a test waits for what the user waits for, never for a fixed time.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // Two browsers at once on the 2-core CI machine: the e2e suite goes from about 26 to 17 minutes.
  // Three saturated both cores and timed tests out, no faster than two. Each test starts its own
  // central server, main process and data directory, so tests in parallel share nothing.
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  outputDir: 'test-results/playwright',
  projects: [
    {
      name: 'e2e',
      testDir: 'test/e2e',
      use: { browserName: 'chromium', launchOptions: chromiumLaunch, viewport: { width: 1280, height: 900 }, locale: 'zh-CN' },
    },
    {
      name: 'screenshots',
      testDir: 'test/screenshots',
      use: { browserName: 'chromium', launchOptions: chromiumLaunch, viewport: { width: 1280, height: 900 }, locale: 'zh-CN' },
    },
    // The real Electron app is the heaviest process here and was never run two at a time: one.
    { name: 'electron', testDir: 'test/electron', timeout: 60_000, workers: 1 },
  ],
})
