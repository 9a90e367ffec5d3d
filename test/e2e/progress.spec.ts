import { test, expect } from './harness/kioskFixture'
import { logInAs } from './pages/accounts'
import { seriousViolations } from './pages/axe'
import { VerifyMobilePage } from './pages/AccountPages'
import { candidate } from './pages/candidates'
import { KioskPage } from './pages/kioskPage'
import { LoginPage } from './pages/LoginPage'
import { RegisterPage } from './pages/RegisterPage'

test.describe('查询办理进度', () => {
  test('查询 with no receipt code, or an unknown one, puts the focus in the field that says what to fix', async ({ kiosk }) => {
    const progress = new KioskPage(kiosk, 'progress')
    await kiosk.open('/progress')
    await progress.el('submit').click()
    await expect(progress.fieldError('receipt')).toHaveText('请输入回执编号')
    await expect(progress.el('receipt')).toBeFocused()
    await progress.fill('receipt', 'ZZZZ9999')
    await progress.el('submit').click()
    await expect(progress.fieldError('receipt')).toHaveText('未找到该业务，请核对回执编号')
    await expect(progress.el('receipt')).toBeFocused()
  })

  test('查询 refused with the focus already in the field: its message is said, once, by the form’s polite voice', async ({ kiosk }) => {
    const progress = new KioskPage(kiosk, 'progress')
    await kiosk.open('/progress')
    await progress.el('receipt').press('Enter')
    await expect(progress.fieldError('receipt')).toHaveText('请输入回执编号')
    await expect(progress.el('receipt')).toBeFocused()
    await expect(progress.el('error-status')).toHaveText('请输入回执编号')
    await expect(kiosk.page.getByRole('alert')).toHaveCount(0)
  })

  test('a receipt from an earlier visit turns 未通过 on screen as the centre decides, and offers 重新办理', async ({ kiosk }) => {
    const { page } = kiosk
    const register = new RegisterPage(kiosk)
    await register.open()
    await register.submitOfflineWithWrongCode(candidate(50))
    await expect(page.getByTestId('receipt-saved')).toBeVisible({ timeout: 15_000 })
    const code = await page.getByTestId('receipt-code').innerText()
    // The candidate left with the receipt: a new document keeps nothing of that visit (as after an idle wipe).
    await page.reload()
    await page.getByTestId('header-home').click()
    await page.getByTestId('home-progress').click()

    const progress = new KioskPage(kiosk, 'progress')
    await progress.fill('receipt', code)
    await progress.el('submit').click()
    const receipt = page.getByTestId('receipt')
    await expect(receipt).toHaveAttribute('data-status', /queued|sending/)
    await expect(progress.el('again')).toBeHidden()
    await kiosk.central.start()
    // No second 查询: the answer on screen follows the op.
    await expect(receipt).toHaveAttribute('data-status', 'rejected', { timeout: 15_000 })
    await expect(page.getByTestId('receipt-error')).toHaveText('短信验证码不正确，请重新办理')
    expect(kiosk.calls.filter((call) => call === 'kiosk:ops.lookup')).toHaveLength(1)

    await expect(progress.el('again')).toHaveText('重新办理')
    await progress.el('again').click()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('注册ETEST通行证')
    await expect(register.el('email')).toHaveValue('')
  })

  test('a refused account change looked up logged out says where to do it again after 登录; logged in, 重新办理 opens its form', async ({ kiosk }) => {
    const { page } = kiosk
    const who = candidate(51)
    await logInAs(kiosk, who)
    await page.getByTestId('account-verify-mobile').click()
    const verify = new VerifyMobilePage(kiosk)
    await verify.submitOfflineWithWrongCode(who.mobile)
    await expect(page.getByTestId('receipt-saved')).toBeVisible({ timeout: 15_000 })
    const code = await page.getByTestId('receipt-code').innerText()
    await kiosk.central.start()
    await expect(page.getByTestId('receipt')).toHaveAttribute('data-status', 'rejected', { timeout: 15_000 })
    await page.getByTestId('header-logout').click()

    const progress = new KioskPage(kiosk, 'progress')
    await page.getByTestId('home-progress').click()
    await progress.fill('receipt', code)
    await progress.el('submit').click()
    await expect(page.getByTestId('receipt-error')).toHaveText('短信验证码不正确，请重新办理')
    await expect(progress.el('again-hint')).toHaveText('该业务须登录后办理：请登录后在“我的ETEST通行证”中点击“验证手机”重新办理。')
    await expect(progress.el('again')).toBeHidden()
    expect(await seriousViolations(page, 'refused, logged out')).toEqual([])
    await progress.el('login').click()
    await new LoginPage(kiosk).logIn(who)
    await expect(page.getByTestId('account-welcome')).toBeVisible()

    await page.getByTestId('header-home').click()
    await page.getByTestId('home-progress').click()
    await progress.fill('receipt', code)
    await progress.el('submit').click()
    await expect(progress.el('again-hint')).toBeHidden()
    await progress.el('again').click()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('验证手机')
    await expect(verify.el('mobile')).toHaveValue('')
  })

  test('in English, where to do a refused change again is said in English', async ({ kiosk }) => {
    const { page } = kiosk
    const who = candidate(52)
    await logInAs(kiosk, who)
    await page.getByTestId('account-verify-mobile').click()
    await new VerifyMobilePage(kiosk).submitOfflineWithWrongCode(who.mobile)
    await expect(page.getByTestId('receipt-saved')).toBeVisible({ timeout: 15_000 })
    const code = await page.getByTestId('receipt-code').innerText()
    await kiosk.central.start()
    await expect(page.getByTestId('receipt')).toHaveAttribute('data-status', 'rejected', { timeout: 15_000 })
    await page.getByTestId('header-logout').click()

    await page.getByTestId('header-language').click()
    await page.getByTestId('home-progress').click()
    const progress = new KioskPage(kiosk, 'progress')
    await progress.fill('receipt', code)
    await progress.el('submit').click()
    await expect(page.getByTestId('receipt-error')).toHaveText('The SMS code is wrong. Please start again.')
    await expect(progress.el('again-hint')).toHaveText('This needs a log-in: log in, then tap "Verify mobile" under "My ETEST passport" to start again.')
    await expect(progress.el('login')).toHaveText('CET registration log-in')
  })
})
