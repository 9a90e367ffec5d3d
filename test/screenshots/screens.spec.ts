import { test, expect } from '../e2e/harness/kioskFixture'

// `npm run screenshots`: a PNG of every screen, in Chinese, for the README and reviewers.
const screens = [
  { name: 'home', path: '/', ready: 'footer-version' },
  { name: 'register', path: '/register', ready: 'register-submit' },
  { name: 'login', path: '/login', ready: 'login-submit' },
  { name: 'help', path: '/help', ready: 'help-faqs' },
  { name: 'reset', path: '/reset', ready: 'reset-next' },
  { name: 'appeal', path: '/appeal', ready: 'appeal-submit' },
  { name: 'progress', path: '/progress', ready: 'progress-submit' },
  { name: 'exam-cet', path: '/exam/cet', ready: 'exam-qr' },
]

for (const screen of screens) {
  test(`screenshot: ${screen.name}`, async ({ kiosk }) => {
    await kiosk.open(screen.path)
    await expect(kiosk.page.getByTestId(screen.ready)).toBeVisible()
    await kiosk.page.screenshot({ path: `docs/screenshots/${screen.name}.png`, fullPage: true })
  })
}
