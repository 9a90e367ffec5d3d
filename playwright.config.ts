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
