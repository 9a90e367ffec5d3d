import { test, expect } from './harness/kioskFixture'
import { candidate } from './pages/candidates'
import { KioskPage } from './pages/kioskPage'
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

  test('a receipt from an earlier visit turns 未通过 on screen as the centre decides', async ({ kiosk }) => {
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
    await kiosk.central.start()
    // No second 查询: the answer on screen follows the op.
    await expect(receipt).toHaveAttribute('data-status', 'rejected', { timeout: 15_000 })
    await expect(page.getByTestId('receipt-error')).toHaveText('短信验证码不正确，请重新办理')
    expect(kiosk.calls.filter((call) => call === 'kiosk:ops.lookup')).toHaveLength(1)
  })
})
