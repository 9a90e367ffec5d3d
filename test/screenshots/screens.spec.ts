import { test, expect } from '../e2e/harness/kioskFixture'

// `npm run screenshots`: a PNG of every screen, in Chinese, for the README and reviewers.
const screens = [{ name: 'home', path: '/', ready: 'footer-version' }]

for (const screen of screens) {
  test(`screenshot: ${screen.name}`, async ({ kiosk }) => {
    await kiosk.open(screen.path)
    await expect(kiosk.page.getByTestId(screen.ready)).toBeVisible()
    await kiosk.page.screenshot({ path: `docs/screenshots/${screen.name}.png`, fullPage: true })
  })
}
