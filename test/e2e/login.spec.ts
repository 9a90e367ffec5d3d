import { test, expect } from './harness/kioskFixture'
import { logInAs, registeredAtLogin, registerThroughKiosk } from './pages/accounts'
import { candidate } from './pages/candidates'
import { holdAnswers } from './pages/heldAnswers'
import { captchaAnswerOf } from './pages/kioskPage'
import { listenTo, textsOf, unheardRepeats } from './pages/liveRegion'
import { LoginPage } from './pages/LoginPage'
import { expectShowPasswordButton } from './pages/passwordToggle'

test.describe('CET报名登录', () => {
  test('a registered candidate logs in with province, ID number, password and captcha and sees the masked account', async ({ kiosk }) => {
    const who = candidate(1)
    await logInAs(kiosk, who)
    const { page } = kiosk
    await expect(page.getByTestId('account-welcome')).toHaveText('王**，您好')
    // The new screen is announced: its heading has the focus (not <body>) and the window is named after it.
    await expect(page.getByRole('heading', { level: 1, name: '我的ETEST通行证' })).toBeFocused()
    await expect(page).toHaveTitle('我的ETEST通行证 - ETEST 通行证')
    await expect(page.getByTestId('account-mobile')).toHaveText('138****8001')
    await expect(page.getByTestId('account-id-number')).toHaveText(/^\d{2,6}\*+1014$/)
    expect(await page.content()).not.toContain(who.idNumber)
  })

  test('an empty 登录 is said once: how many fields need attention, with the focus on the first, and no alert per field', async ({ kiosk }) => {
    const login = new LoginPage(kiosk)
    await login.open()
    await login.el('submit').click()
    await expect(login.fieldError('captcha')).toHaveText('请输入验证码')
    await expect(login.el('error-status')).toHaveText('有4项需要修改，请按各项下方的提示填写')
    await expect(login.el('province-field').locator(':focus')).toHaveCount(1)
    await expect(kiosk.page.getByRole('alert')).toHaveCount(0)
  })

  test('a wrong captcha twice, the focus staying in it (Enter): 验证码不正确 is said both times', async ({ kiosk }) => {
    const login = new LoginPage(kiosk)
    const who = candidate(2)
    await login.open()
    const said = await listenTo(kiosk.page, 'login-error-status')
    const texts = await textsOf(kiosk.page, 'login-error-status')
    await login.choose('province', '11')
    await login.fill('id-number', who.idNumber)
    await login.fill('password', who.password)
    for (const times of [1, 2]) {
      await login.fill('captcha', 'WXYZ')
      await login.el('captcha').press('Enter')
      // The second time the message under the field was there already, and the focus does not move:
      // only the form's voice tells the candidate they were refused again.
      await expect.poll(said).toEqual(Array<string>(times).fill('验证码不正确，请重新输入'))
      await expect(login.el('captcha')).toBeFocused()
    }
    // Whenever frames fell: retyping the code empties the region, and the same refusal refilling it
    // before the next frame was no change to a screen reader (CI once heard it once).
    expect(unheardRepeats(await texts())).toEqual([])
  })

  test('a refusal put right, then English: the form’s voice does not say the old count again', async ({ kiosk }) => {
    const login = new LoginPage(kiosk)
    const { page } = kiosk
    await login.open()
    await login.el('submit').click()
    await expect(login.el('error-status')).toHaveText('有4项需要修改，请按各项下方的提示填写')
    const who = candidate(2)
    await login.choose('province', '11')
    await login.fill('id-number', who.idNumber)
    await login.fill('password', who.password)
    await login.solveCaptcha()
    await expect(page.locator('.el-form-item.is-error')).toHaveCount(0)
    const said = await listenTo(page, 'login-error-status')
    await page.getByTestId('header-language').click()
    await expect(login.el('submit')).toHaveText('Log in')
    // Two frames: what the switch rendered has reached a screen reader.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
    expect(await said()).toEqual([])
  })

  test('the centre unreachable on 登录: its error takes the focus and is said once, by that focus, not by an alert as well', async ({ kiosk }) => {
    const who = candidate(13)
    const { page } = kiosk
    const login = await registeredAtLogin(kiosk, who)
    const said = await listenTo(page, 'login-error-status')
    await kiosk.central.stop()
    await login.logIn(who)
    await expect(login.el('error')).toContainText('网络')
    await expect(login.el('error')).toBeFocused()
    await expect(page.getByRole('alert')).toHaveCount(0)
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
    expect(await said()).toEqual([])
  })

  test('a refusal put right: the form’s voice no longer holds its count for a screen-reader user browsing the form', async ({ kiosk }) => {
    const login = new LoginPage(kiosk)
    const who = candidate(2)
    await login.open()
    await login.el('submit').click()
    await expect(login.el('error-status')).toHaveText('有4项需要修改，请按各项下方的提示填写')
    await login.choose('province', '11')
    await login.fill('id-number', who.idNumber)
    await login.fill('password', who.password)
    await expect(login.el('error-status')).toHaveText('有4项需要修改，请按各项下方的提示填写')
    await login.solveCaptcha()
    await expect(kiosk.page.locator('.el-form-item.is-error')).toHaveCount(0)
    await expect(login.el('error-status')).toHaveText('')
  })

  test('a log-in answered after the candidate gave up on it (首页) leaves them on home, logged out here and at the centre', async ({ kiosk }) => {
    const who = candidate(12)
    const { page } = kiosk
    const login = await registeredAtLogin(kiosk, who)
    const answer = await holdAnswers(page, 'kiosk:auth.login')
    await login.logIn(who)
    await page.getByTestId('header-home').click()
    await expect(page.getByTestId('home-register')).toBeVisible()
    await answer.release()
    expect(((await answer.answered()) as { ok: boolean }).ok).toBe(true)
    // Not pulled to 我的ETEST通行证 for whoever is at the kiosk now, and no session left behind.
    await expect.poll(() => page.evaluate(() => window.kiosk.auth.account({}))).toMatchObject({ ok: false, error: { code: 'SESSION_EXPIRED' } })
    await expect(page.getByTestId('home-register')).toBeVisible()
    await expect(page.getByTestId('account-welcome')).toHaveCount(0)
    await expect(page.getByTestId('header-logout')).toHaveCount(0)
  })

  test('a wrong captcha is refused at the captcha, which is replaced by a new one', async ({ kiosk }) => {
    const login = new LoginPage(kiosk)
    await login.open()
    await expect(login.el('province')).toContainText('--请选择考点省份--')
    const firstId = await login.el('captcha-image').getAttribute('data-captcha-id')
    await login.logIn(candidate(2), { captcha: 'WXYZ' })
    await expect(login.fieldError('captcha')).toHaveText('验证码不正确，请重新输入')
    await expect(login.el('captcha-image')).not.toHaveAttribute('data-captcha-id', firstId ?? '')
    await expect(kiosk.page.getByTestId('account-welcome')).toBeHidden()
  })

  test('a wrong captcha keeps the typed password: main checks the captcha first, so the password was never judged', async ({ kiosk }) => {
    const who = candidate(4)
    await kiosk.open('/')
    await registerThroughKiosk(kiosk.page, who)
    const login = new LoginPage(kiosk)
    await login.open()
    await login.logIn(who, { captcha: 'WXYZ' })
    await expect(login.fieldError('captcha')).toHaveText('验证码不正确，请重新输入')
    await expect(login.el('captcha')).toBeFocused()
    await expect(login.el('password')).toHaveValue(who.password)
    await login.solveCaptcha()
    await login.el('submit').click()
    await expect(kiosk.page.getByTestId('account-welcome')).toBeVisible()
  })

  test('a captcha typed in full width by a Chinese input method, with a space, is taken like the picture', async ({ kiosk }) => {
    const who = candidate(5)
    await kiosk.open('/')
    await registerThroughKiosk(kiosk.page, who)
    const login = new LoginPage(kiosk)
    await login.open()
    const id = (await login.el('captcha-image').getAttribute('data-captcha-id')) ?? ''
    const answer = captchaAnswerOf(kiosk, id)
    // ＡＢ ＣＤ: what an input method left in full-width mode types for AB CD.
    const fullWidth = [...answer].map((ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0))
    await login.logIn(who, { captcha: `${fullWidth.slice(0, 2).join('')} ${fullWidth.slice(2).join('')}` })
    await expect(kiosk.page.getByTestId('account-welcome')).toBeVisible()
  })

  test('看不清？ is written under the captcha, not left to a tooltip no touch screen shows; a tap on the picture draws a new one', async ({ kiosk }) => {
    const login = new LoginPage(kiosk)
    await login.open()
    await expect(login.el('captcha-hint')).toBeVisible()
    await expect(login.el('captcha-hint')).toHaveText('看不清？点击图片换一张')
    const first = (await login.el('captcha-image').getAttribute('data-captcha-id')) ?? ''
    await login.el('captcha-image').click()
    await expect(login.el('captcha-image')).not.toHaveAttribute('data-captcha-id', first)
    await kiosk.page.getByTestId('header-language').click()
    await expect(login.el('captcha-hint')).toHaveText('Hard to read? Tap the picture for a new one')
  })

  test('a wrong password is refused without saying which of ID number or password was wrong', async ({ kiosk }) => {
    const who = candidate(3)
    await kiosk.open('/')
    await registerThroughKiosk(kiosk.page, who)
    const login = new LoginPage(kiosk)
    await login.open()
    await login.logIn({ ...who, password: 'Wrong#pass99' })
    await expect(login.formError()).toHaveText('证件号码或密码不正确')
    // About no one field: the message above the form takes the focus, and is read out.
    await expect(login.formError()).toBeFocused()
    await expect(login.formError()).toBeInViewport()
    await expect(login.el('password')).toHaveValue('')
  })

  test('an ID number no document could have (a wrong check character) is refused under it before anything is sent, the password kept', async ({ kiosk }) => {
    const who = candidate(5)
    const login = new LoginPage(kiosk)
    await login.open()
    // The last character of a resident ID number changed: its check character no longer matches.
    const typo = who.idNumber.slice(0, 17) + (who.idNumber.endsWith('1') ? '2' : '1')
    await login.fill('id-number', typo)
    await login.el('password').focus()
    await expect(login.fieldError('id-number')).toHaveText('证件号码有误，请核对后重新输入')
    await login.logIn({ ...who, idNumber: typo })
    await expect(login.fieldError('id-number')).toHaveText('证件号码有误，请核对后重新输入')
    await expect(login.el('password')).toHaveValue(who.password)
    expect(kiosk.calls).not.toContain('kiosk:auth.login')
    await kiosk.page.getByTestId('header-language').click()
    await expect(login.fieldError('id-number')).toHaveText('This is not a valid ID number. Please check it.')
    // Corrected, it goes: the message leaves as the number is fixed.
    await login.fill('id-number', who.idNumber)
    await login.el('password').focus()
    await expect(login.fieldError('id-number')).toBeHidden()
    // Emptied after a refusal, the field says nothing of a number no longer there.
    await login.fill('id-number', typo)
    await login.el('password').focus()
    await expect(login.fieldError('id-number')).toBeVisible()
    await login.fill('id-number', '')
    await login.el('password').focus()
    await expect(login.fieldError('id-number')).toBeHidden()
  })

  test('the fifth wrong password locks the account and says so, for how long', async ({ kiosk }) => {
    const who = candidate(4)
    await kiosk.open('/')
    await registerThroughKiosk(kiosk.page, who)
    const login = new LoginPage(kiosk)
    await login.open()
    for (let i = 0; i < 4; i++) {
      await login.logIn({ ...who, password: `Wrong#pass9${i}` })
      await expect(login.formError()).toHaveText('证件号码或密码不正确')
    }
    // Told now, not with 证件号码或密码不正确 and then at a sixth try.
    await login.logIn({ ...who, password: 'Wrong#pass94' })
    await expect(login.formError()).toHaveText('登录失败次数过多，账号已暂时锁定约 1 分钟，请稍后再试或重置密码')
    // The right password too, while the lock lasts.
    await login.logIn(who)
    await expect(login.formError()).toHaveText(/^登录失败次数过多，账号已暂时锁定约 \d+ 分钟，请稍后再试或重置密码$/)
  })

  test('忘记密码, 注册新用户 and 遇到问题 lead to their screens; an empty form says what is missing', async ({ kiosk }) => {
    const login = new LoginPage(kiosk)
    const { page } = kiosk
    await login.open()
    await login.el('submit').click()
    await expect(login.fieldError('province')).toHaveText('请选择考点省份')
    await expect(login.fieldError('id-number')).toHaveText('请输入证件号码')
    await expect(login.el('province-field').locator(':focus')).toHaveCount(1)
    await login.el('reset').click()
    await expect(page.getByTestId('reset-next')).toBeVisible()
    await page.goBack()
    await login.el('register').click()
    await expect(page.getByTestId('register-submit')).toBeVisible()
    await page.goBack()
    await login.el('help').click()
    await expect(page.getByTestId('help-faqs')).toContainText('没有收到短信验证码怎么办？')
  })

  test('a "please fill in" message goes once its field is filled, without another 登录', async ({ kiosk }) => {
    const login = new LoginPage(kiosk)
    await login.open()
    await login.el('submit').click()
    await expect(login.fieldError('password')).toHaveText('请输入密码')
    await login.choose('province', '11')
    await login.fill('id-number', candidate(40).idNumber)
    await login.fill('password', 'anything')
    await expect(login.fieldError('province')).toHaveCount(0)
    await expect(login.fieldError('id-number')).toHaveCount(0)
    await expect(login.fieldError('password')).toHaveCount(0)
    // The one still empty keeps its message.
    await expect(login.fieldError('captcha')).toHaveText('请输入验证码')
  })

  test('省份 typed from the keyboard: Enter takes the first province that matches, and Tab goes on to 证件号码', async ({ kiosk }) => {
    const login = new LoginPage(kiosk)
    const { page } = kiosk
    await login.open()
    await login.el('province').locator('input').focus()
    await page.keyboard.insertText('广')
    await expect(page.getByTestId('login-province-44')).toBeVisible()
    await page.keyboard.press('Enter')
    await expect(login.el('province')).toContainText('广东')
    await page.keyboard.press('Tab')
    await expect(login.el('id-number')).toBeFocused()
    await expect(login.fieldError('province')).toHaveCount(0)
  })

  test('显示密码 is a button of its own: reached by Tab from the password, named, 44 px, and it shows and hides what was typed', async ({ kiosk }) => {
    const login = new LoginPage(kiosk)
    const { page } = kiosk
    await login.open()
    await login.fill('password', 'Tq7#mLp2xZ')
    const toggle = login.el('password-toggle')
    await expectShowPasswordButton(page, login.el('password'), toggle)
    // A tap hides it again and leaves the candidate typing in the field, not on the button.
    await login.el('password').focus()
    await toggle.click()
    await expect(login.el('password')).toHaveAttribute('type', 'password')
    await expect(login.el('password')).toBeFocused()
    await page.getByTestId('header-language').click()
    await expect(toggle).toHaveAccessibleName('Show password')
  })

  test('logged in, every screen’s header leads back to 我的ETEST通行证 and offers 退出; 登录 goes to the account, not an empty form', async ({ kiosk }) => {
    const { page } = kiosk
    await kiosk.open('/')
    await expect(page.getByTestId('header-logout')).toHaveCount(0)
    await expect(page.getByTestId('header-account')).toHaveCount(0)
    const who = candidate(8)
    await logInAs(kiosk, who)
    // Away from the account, as a candidate who taps 注册 or 首页 and walks off.
    await page.getByTestId('header-nav-register').click()
    await expect(page.getByTestId('register-submit')).toBeVisible()
    await expect(page.getByTestId('header-account')).toHaveText('我的ETEST通行证')
    await page.getByTestId('header-home').click()
    await page.getByTestId('home-login').click()
    await expect(page.getByTestId('account-welcome')).toHaveText('王**，您好')
    await expect(page.getByTestId('login-submit')).toHaveCount(0)
    await page.getByTestId('header-nav-appeal').click()
    await page.getByTestId('header-account').click()
    await expect(page.getByTestId('account-welcome')).toBeVisible()
    await page.getByTestId('header-nav-reset').click()
    await page.getByTestId('header-logout').click()
    await expect(page.getByTestId('home-register')).toBeVisible()
    expect(kiosk.calls).toContain('kiosk:auth.logout')
    await expect(page.getByTestId('header-logout')).toHaveCount(0)
    await page.getByTestId('home-login').click()
    await expect(page.getByTestId('login-submit')).toBeVisible()
    expect(await page.content()).not.toContain('138****8008')
  })

  test('退出 tapped in the header on home itself: the home heading takes the focus, not <body>', async ({ kiosk }) => {
    const { page } = kiosk
    await logInAs(kiosk, candidate(9))
    await page.getByTestId('header-home').click()
    await expect(page.getByTestId('home-register')).toBeVisible()
    await page.getByTestId('header-logout').click()
    await expect(page.getByTestId('header-logout')).toHaveCount(0)
    await expect(page.getByRole('heading', { level: 1, name: '一次注册 畅行ETEST' })).toBeFocused()
  })
})
