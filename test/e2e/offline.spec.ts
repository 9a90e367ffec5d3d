import { test, expect } from './harness/kioskFixture'
import { candidate } from './pages/candidates'
import { LoginPage } from './pages/LoginPage'
import { RegisterPage } from './pages/RegisterPage'

test.describe('offline first', () => {
  test('a registration made while the central API is away gets a receipt, then syncs by itself when it is back', async ({ kiosk }) => {
    const { page } = kiosk
    const register = new RegisterPage(kiosk)
    const who = candidate(1)
    await register.open()
    await register.submitOffline(who)
    const receipt = page.getByTestId('receipt')
    await expect(page.getByTestId('receipt-saved')).toHaveText('您的业务已保存在本机，联网后将自动提交。', { timeout: 15_000 })
    // Nothing is promised before the centre has checked the code: it says where to see the result.
    await expect(page.getByTestId('receipt-checked-later')).toHaveText(
      '短信或邮箱验证码等信息在业务提交到中心时才核验，办理结果以中心核验为准。离开前或稍后请通过“查询办理进度”查看结果。',
    )
    // No account exists yet: nothing invites the candidate to log in with it.
    await expect(page.getByTestId('register-to-login')).toBeHidden()
    await expect(page.getByTestId('receipt-code')).toHaveText(/^[0-9A-Z]{8}$/)
    await expect(page.getByTestId('receipt-qr')).toBeVisible()
    await expect(page.getByTestId('header-sync')).toHaveAttribute('data-state', 'offline')
    await expect(page.getByTestId('header-sync-waiting')).toBeVisible()

    await kiosk.central.start()
    await expect(receipt).toHaveAttribute('data-status', 'applied', { timeout: 15_000 })
    await expect(page.getByTestId('receipt-status')).toHaveText('办理成功')
    await expect(page.getByTestId('header-sync')).toHaveAttribute('data-state', 'online')

    await page.getByTestId('register-to-login').click()
    await new LoginPage(kiosk).logIn(who)
    await expect(page.getByTestId('account-welcome')).toBeVisible()
  })

  test('a receipt as the candidate reads it: each label on its value’s line, and 返回首页 the button to press until 去登录 is', async ({ kiosk }) => {
    const { page } = kiosk
    const register = new RegisterPage(kiosk)
    await register.open()
    await register.submitOffline(candidate(5))
    await expect(page.getByTestId('receipt-saved')).toBeVisible({ timeout: 15_000 })
    // Where each line's text stands (a zero-size box placed after it sits on its baseline).
    const baselines = await page.getByTestId('receipt').locator('dl').evaluate((list) =>
      [...list.children].map((item) => {
        const mark = document.createElement('span')
        mark.style.display = 'inline-block'
        item.append(mark)
        const baseline = mark.getBoundingClientRect().bottom
        mark.remove()
        return { text: item.textContent?.trim() ?? '', baseline }
      }),
    )
    for (let i = 0; i + 1 < baselines.length; i += 2) {
      const [label, value] = [baselines[i]!, baselines[i + 1]!]
      expect(Math.abs(label.baseline - value.baseline), `${label.text} ${value.text}`).toBeLessThan(1)
    }
    await expect(register.el('home')).toHaveClass(/el-button--primary/)

    await kiosk.central.start()
    await expect(page.getByTestId('receipt')).toHaveAttribute('data-status', 'applied', { timeout: 15_000 })
    await expect(register.el('to-login')).toHaveClass(/el-button--primary/)
    await expect(register.el('home')).not.toHaveClass(/el-button--primary/)
  })

  test('a demo receipt whose demo server is gone after a restart ends 未通过, and tells the candidate what to do', async ({ kiosk }) => {
    const { page } = kiosk
    const register = new RegisterPage(kiosk)
    await register.open()
    await register.submitOffline(candidate(3))
    await expect(page.getByTestId('receipt-saved')).toBeVisible({ timeout: 15_000 })
    const code = await page.getByTestId('receipt-code').innerText()

    // The demo keeps nothing across a restart: the new demo server cannot open what was sealed to the
    // old one. (The candidate has left; the kiosk restarts on home.)
    await kiosk.open('/')
    await expect(page.getByTestId('home-progress')).toBeVisible()
    await kiosk.restart()
    await page.getByTestId('home-progress').click()
    await expect(async () => {
      await page.getByTestId('progress-receipt').fill(code)
      await page.getByTestId('progress-submit').click()
      await expect(page.getByTestId('receipt')).toHaveAttribute('data-status', 'rejected', { timeout: 1_000 })
    }).toPass({ timeout: 15_000 })
    await expect(page.getByTestId('receipt-status')).toHaveText('未通过')
    await expect(page.getByTestId('receipt-error')).toHaveText('该业务未能被受理，请重新办理；如仍不成功，请联系考点工作人员')
  })

  test('a wrong SMS code registered offline: the receipt promises nothing, and the refusal leads to 重新办理 on an empty form', async ({ kiosk }) => {
    const { page } = kiosk
    const register = new RegisterPage(kiosk)
    const who = candidate(31)
    await register.open()
    await register.submitOfflineWithWrongCode(who)
    await expect(page.getByTestId('receipt-saved')).toHaveText('您的业务已保存在本机，联网后将自动提交。', { timeout: 15_000 })
    await expect(page.getByTestId('receipt')).not.toContainText('无需再次办理')
    await expect(page.getByTestId('receipt-checked-later')).toContainText('办理结果以中心核验为准')

    await kiosk.central.start()
    await expect(page.getByTestId('receipt')).toHaveAttribute('data-status', 'rejected', { timeout: 15_000 })
    // The form is gone: the way on is to do it again, not to retype a field that is not there.
    await expect(page.getByTestId('receipt-error')).toHaveText('短信验证码不正确，请重新办理')
    await expect(page.getByTestId('receipt-checked-later')).toBeHidden()
    await expect(page.getByTestId('register-to-login')).toBeHidden()
    await expect(page.getByTestId('register-again-hint')).toHaveText('为保护您的个人信息，本机未保留您填写的内容，请重新填写。')
    await page.getByTestId('register-again').click()
    await expect(register.el('submit')).toBeVisible()
    for (const field of ['email', 'mobile', 'password', 'id-number', 'name', 'sms-code'] as const) await expect(register.el(field)).toHaveValue('')
  })

  test('online with sending paused by staff: the receipt says neither 联网后 nor 正在提交，请稍候, and turns to 办理成功', async ({ kiosk }) => {
    const { page } = kiosk
    const register = new RegisterPage(kiosk)
    await register.open()
    await register.fillAll(candidate(32))
    // Online all along: staff paused sending (the harness pauses the engine as 暂停同步 does).
    kiosk.services.engine?.pause()
    await register.submit()
    await register.el('confirm-ok').click()
    await expect(page.getByTestId('receipt-saved')).toHaveText('您的业务已保存在本机，稍后将自动提交。', { timeout: 15_000 })
    await expect(page.getByTestId('header-sync')).toHaveAttribute('data-state', 'online')

    kiosk.services.engine?.resume()
    await expect(page.getByTestId('receipt')).toHaveAttribute('data-status', 'applied', { timeout: 15_000 })
    await expect(page.getByTestId('receipt-saved')).toBeHidden()
    await expect(page.getByTestId('register-to-login')).toBeVisible()
    await expect(page.getByTestId('register-again')).toBeHidden()
  })

  test('offline, 发送验证码 says the network is unavailable instead of pretending to send, and the header says 离线 too', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    await register.open()
    await kiosk.central.stop()
    await register.fill('mobile', candidate(2).mobile)
    await register.el('send-code').click()
    await expect(register.fieldError('sms-code')).toHaveText('网络暂不可用，请稍后再试')
    // With nothing queued no push finds out: the header must not go on saying 联网正常 (and the next
    // submit must not wait for an answer that cannot come before it shows the receipt).
    await expect(register.page.getByTestId('header-sync')).toHaveAttribute('data-state', 'offline')
    await kiosk.central.start()
    await expect(register.page.getByTestId('header-sync')).toHaveAttribute('data-state', 'online')
  })
})
