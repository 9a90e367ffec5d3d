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
  // One browser at a time. Two at once on the 2-core CI machine saturated both cores (1-2 % idle)
  // and each test took about twice as long, so the suite gained little (19 to 26 minutes against 26
  // one at a time, as the host's speed varied) and the tests timed by the kiosk's own clocks (the
  // idle warning after 1 s) failed now and then. Tests share nothing (each has its own server,
  // services, data directory and ports): what would speed the suite is less work per test.
  workers: 1,
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
    { name: 'electron', testDir: 'test/electron', timeout: 60_000 },
  ],
})
