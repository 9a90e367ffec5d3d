import { test, expect, type KioskHarness } from '../e2e/harness/kioskFixture'
import { shot } from './shot'
import { logInAs } from '../e2e/pages/accounts'
import { candidate } from '../e2e/pages/candidates'
import { RegisterPage } from '../e2e/pages/RegisterPage'
import { ResetPage } from '../e2e/pages/ResetPage'
import { AppealPage } from '../e2e/pages/AppealPage'

// `npm run screenshots`: a PNG of every screen, in Chinese, for the README and reviewers.
test.setTimeout(90_000)

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
    await shot(kiosk.page, screen.name)
  })
}

test('screenshots: register confirm, success, errors and agreement', async ({ kiosk }) => {
  const register = new RegisterPage(kiosk)
  const { page } = kiosk
  await register.open()
  await register.el('submit').click()
  await expect(register.fieldError('agree')).toBeVisible()
  await shot(page, 'register-errors')
  await register.fillAll(candidate(1))
  await register.submit()
  await expect(register.el('confirm')).toBeVisible()
  await shot(page, 'register-confirm')
  await register.el('confirm-ok').click()
  await expect(register.el('success')).toBeVisible()
  await shot(page, 'register-success')
  await register.el('success-confirm').click()
  await expect(page.getByTestId('login-submit')).toBeVisible()
  await register.open()
  await register.el('service-agreement').click()
  await expect(page.getByTestId('agreement-service')).toBeVisible()
  await shot(page, 'register-agreement')
})

test('screenshots: offline receipt', async ({ kiosk }) => {
  const register = new RegisterPage(kiosk)
  await register.open()
  await register.submitOffline(candidate(2))
  await expect(kiosk.page.getByTestId('receipt-saved')).toBeVisible({ timeout: 15_000 })
  await shot(kiosk.page, 'register-receipt-offline')
})

test('screenshots: account, 修改资料 and its 修改信息确认, 修改密码, 验证手机, 验证邮箱, 修改手机号', async ({ kiosk }) => {
  const who = candidate(3)
  await logInAs(kiosk, who)
  const { page } = kiosk
  await shot(page, 'account')
  const go = async (testid: string, ready: string, name: string) => {
    await page.getByTestId(testid).click()
    await expect(page.getByTestId(ready)).toBeVisible()
    await shot(page, name)
  }
  await go('account-profile', 'profile-submit', 'account-profile')
  await page.getByTestId('profile-email').fill('new.wang@example.com')
  await page.getByTestId('profile-mobile').fill(who.mobile)
  await page.getByTestId('profile-name').fill('王小红')
  await page.getByTestId('profile-sms-code').fill('123456')
  await page.getByTestId('profile-submit').click()
  await expect(page.getByTestId('profile-confirm')).toBeVisible()
  await shot(page, 'account-profile-confirm')
  await page.getByTestId('profile-confirm-cancel').click()
  await go('profile-change-mobile', 'change-mobile-submit', 'account-change-mobile')
  await kioskBack(kiosk)
  await go('account-password', 'password-submit', 'account-password')
  await kioskBack(kiosk)
  await go('account-verify-mobile', 'verify-mobile-submit', 'account-verify-mobile')
  await kioskBack(kiosk)
  await go('account-verify-email', 'verify-email-submit', 'account-verify-email')
})

async function kioskBack(kiosk: KioskHarness): Promise<void> {
  await kiosk.page.evaluate(() => (window.location.hash = '#/account'))
  await expect(kiosk.page.getByTestId('account-welcome')).toBeVisible()
}

test('screenshots: reset by mobile and by email, appeal receipt, demo inbox', async ({ kiosk }) => {
  const { page } = kiosk
  const who = candidate(4)
  await logInAs(kiosk, who)
  await page.getByTestId('account-logout').click()
  const reset = new ResetPage(kiosk)
  await reset.open()
  await reset.start(who.mobile)
  await expect(reset.el('verify')).toBeVisible()
  await shot(page, 'reset-verify-mobile')
  await reset.verifyMobile(who.mobile)
  await expect(reset.el('submit')).toBeVisible()
  await reset.fill('password', 'Rv9@kWq3')
  await shot(page, 'reset-new-password')
  await kiosk.open('/')
  await reset.open()
  await reset.start(who.email)
  await expect(reset.el('email-sent')).toBeVisible()
  await shot(page, 'reset-email-sent')

  const appeal = new AppealPage(kiosk)
  await appeal.open()
  await appeal.file(who, 'mobile', '我的手机号被一个我不认识的账号占用了，请核实处理。')
  await expect(page.getByTestId('receipt-code')).toBeVisible()
  await shot(page, 'appeal-receipt')
  await page.getByTestId('demo-open').click()
  await expect(page.getByTestId('demo-message').first()).toBeVisible()
  await shot(page, 'demo-inbox')
})

test.describe('idle', () => {
  test.use({ idle: { timeoutSec: 30, warningSec: 29 } })
  test('screenshot: idle warning', async ({ kiosk }) => {
    await kiosk.open('/register')
    await expect(kiosk.page.getByTestId('idle-warning')).toBeVisible()
    await shot(kiosk.page, 'idle-warning')
  })
})

test('screenshots: English', async ({ kiosk }) => {
  await kiosk.open('/register')
  await kiosk.page.getByTestId('header-language').click()
  await kiosk.page.getByTestId('register-submit').click()
  await expect(kiosk.page.getByTestId('register-submit')).toHaveText('Register')
  await expect(kiosk.page.getByText('Please enter an email address.')).toBeVisible()
  await shot(kiosk.page, 'register-en')
  // The language stays with the candidate across screens.
  for (const [path, name, ready] of [
    ['/login', 'login-en', 'login-submit'],
    ['/reset', 'reset-en', 'reset-next'],
    ['/appeal', 'appeal-en', 'appeal-submit'],
  ] as const) {
    await kiosk.open(path)
    await expect(kiosk.page.getByTestId(ready)).toBeVisible()
    await expect(kiosk.page.locator('html')).toHaveAttribute('lang', 'en')
    await shot(kiosk.page, name)
  }
})
