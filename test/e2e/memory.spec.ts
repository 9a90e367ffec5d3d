import { test, expect } from './harness/kioskFixture'
import { logInAs, registerThroughKiosk } from './pages/accounts'
import { PasswordPage, ProfilePage } from './pages/AccountPages'
import { candidate } from './pages/candidates'
import { leftInMemory } from './pages/heap'
import { RegisterPage } from './pages/RegisterPage'
import { ResetPage } from './pages/ResetPage'

// A receipt replaces the form it came from, and the candidate may walk away with it: what they typed
// must not stay behind in the kiosk's page (a crash dump, a swapped-out page), not only off the screen.
// Polled: a hold that ends on its own (a timer, a transition) is not a leak; leftInMemory waits for
// the confirm dialog's fade-out, which holds the form for a moment after the receipt shows.
test.describe('what a candidate typed, once the receipt replaces the form', () => {
  test('注册: the email, mobile, ID number, name and password are gone from the page’s memory', async ({
    kiosk,
  }) => {
    const who = { ...candidate(77), name: '欧阳明远', password: 'Wm4#rTq8zK' }
    const register = new RegisterPage(kiosk)
    await register.open()
    await register.submitOfflineWithWrongCode(who)
    await expect(kiosk.page.getByTestId('receipt-saved')).toBeVisible({ timeout: 15_000 })
    await expect
      .poll(() => leftInMemory(kiosk.page, [who.email, who.mobile, who.idNumber, who.name, who.password]), {
        timeout: 30_000,
      })
      .toEqual({})
  })

  test('重置密码 by mobile: the new password and the mobile are gone from the page’s memory', async ({
    kiosk,
  }) => {
    const who = candidate(78)
    const newPassword = 'Hs6@pLw2vQ'
    await kiosk.open('/')
    await registerThroughKiosk(kiosk.page, who)
    const reset = new ResetPage(kiosk)
    await reset.open()
    await reset.start(who.mobile)
    await reset.verifyMobile(who.mobile)
    await reset.setPassword(newPassword, { offline: true })
    await expect(kiosk.page.getByTestId('receipt-saved')).toBeVisible({ timeout: 15_000 })
    await expect
      .poll(() => leftInMemory(kiosk.page, [newPassword, who.mobile]), { timeout: 30_000 })
      .toEqual({})
  })

  test('修改资料: the new email and name are gone from the page’s memory', async ({ kiosk }) => {
    const who = candidate(79)
    await logInAs(kiosk, who)
    await kiosk.page.getByTestId('account-profile').click()
    const profile = new ProfilePage(kiosk)
    await profile.fill('email', 'ouyang.new79@example.com')
    await profile.submitOfflineWithWrongCode(who.mobile, '欧阳晓明')
    await expect(kiosk.page.getByTestId('receipt-saved')).toBeVisible({ timeout: 15_000 })
    await expect
      .poll(() => leftInMemory(kiosk.page, ['ouyang.new79@example.com', '欧阳晓明']), { timeout: 30_000 })
      .toEqual({})
  })

  test('修改密码: the old and the new password are gone from the page’s memory', async ({ kiosk }) => {
    const who = candidate(80)
    const newPassword = 'Jd3%nVx7qR'
    // Logged in with the password typed on 登录, whose form is gone once 我的ETEST通行证 opens.
    await logInAs(kiosk, who)
    await kiosk.page.getByTestId('account-password').click()
    await new PasswordPage(kiosk).submitOfflineWithWrongOld(who.password, newPassword)
    await expect(kiosk.page.getByTestId('receipt-saved')).toBeVisible({ timeout: 15_000 })
    await expect
      .poll(() => leftInMemory(kiosk.page, [who.password, newPassword]), { timeout: 30_000 })
      .toEqual({})
  })
})
