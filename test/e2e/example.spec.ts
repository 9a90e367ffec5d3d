import { test, expect } from './harness/kioskFixture'
import { AppealPage } from './pages/AppealPage'
import { candidate } from './pages/candidates'
import { ProgressPage } from './pages/ProgressPage'

// The example docs/testing.md points to, written by a new tester from the docs alone: a 信息占用申诉 filed while the kiosk is
// offline, then looked up under 查询办理进度, which follows it to the centre once the network is back.
test('an appeal filed offline gets a receipt that 查询办理进度 finds and follows to the centre', async ({
  kiosk,
}) => {
  const { page } = kiosk
  await kiosk.open('/')
  await kiosk.central.stop()

  const appeal = new AppealPage(kiosk)
  await appeal.open()
  await appeal.file(candidate(1), 'idNumber', '我的身份证号被他人注册占用，请核查并释放。')
  await expect(page.getByTestId('receipt')).toHaveAttribute('data-status', 'queued')
  await expect(page.getByTestId('header-sync')).toHaveAttribute('data-state', 'offline')
  await expect(page.getByTestId('receipt-saved')).toHaveText('您的业务已保存在本机，联网后将自动提交。')
  const code = (await page.getByTestId('receipt-code').innerText()).trim()

  await page.getByTestId('header-home').click()
  await page.getByTestId('home-progress').click()
  const progress = new ProgressPage(kiosk)
  await progress.lookUp(code)
  await expect(page.getByTestId('receipt-code')).toHaveText(code)
  await expect(progress.receipt()).toHaveAttribute('data-status', 'queued')
  await expect(page.getByTestId('receipt-status')).toHaveText('已保存，等待提交')
  // The lookup's answer has no "saved on this kiosk" lead: that is for the receipt that replaced a form.
  await expect(page.getByTestId('receipt-saved')).toBeHidden()

  // The network comes back: the answer on screen follows the op (no second 查询).
  await kiosk.central.start()
  await expect(page.getByTestId('header-sync')).toHaveAttribute('data-state', 'online', { timeout: 20_000 })
  await expect(progress.receipt()).toHaveAttribute('data-status', 'pending', { timeout: 20_000 })
  await expect(page.getByTestId('receipt-status')).toHaveText('已提交，等待审核')
})

test.describe('the docs/testing.md Electron example, in the browser harness', () => {
  test.use({ setUp: false })
  test('a fresh kiosk: the wizard, then 注册 in Chinese switched to English', async ({ kiosk }) => {
    const { page } = kiosk
    await kiosk.open('/')
    // What test/electron/app.spec.ts waits for before it evaluates anything in the window.
    await expect(page.getByTestId('setup-wizard')).toBeVisible()
    await page.getByTestId('setup-next').click()
    await page.getByTestId('setup-next').click()
    await page.getByTestId('setup-pin').fill('24681357')
    await page.getByTestId('setup-pin-confirm').fill('24681357')
    await page.getByTestId('setup-finish').click()
    await page.getByTestId('setup-start').click()
    await expect(page.getByText('一次注册 畅行ETEST').first()).toBeVisible()
    await page.getByTestId('home-register').click()
    await page.getByTestId('register-mobile').fill('1380013800')
    await page.getByTestId('register-email').focus()
    await expect(page.getByTestId('register-mobile-field').locator('.el-form-item__error')).toContainText(
      '手机号须为11位数字',
    )
    await page.getByTestId('header-language').click()
    await expect(page.getByTestId('register-submit')).toHaveText('Register')
  })
})
