import { test, expect, type KioskHarness } from './harness/kioskFixture'
import { logInAs, registeredAtLogin, registerThroughKiosk } from './pages/accounts'
import { seriousViolations } from './pages/axe'
import { ChangeMobilePage, PasswordPage, ProfilePage, VerifyEmailPage, VerifyMobilePage } from './pages/AccountPages'
import { candidate, fullWidth } from './pages/candidates'
import { answersOf, holdAnswers } from './pages/heldAnswers'
import { listenTo } from './pages/liveRegion'
import { LoginPage } from './pages/LoginPage'
import { codeSentBy, codesSentTo, type KioskPage } from './pages/kioskPage'
import { RegisterPage } from './pages/RegisterPage'

/**
 * The receipt that replaced `form` (sent while the central API was away) turns 未通过 once the
 * centre is back, in words that send the candidate to do it again, and offers to, beside 返回.
 */
async function refusedOnReceipt(kiosk: KioskHarness, form: KioskPage, refusal: string | RegExp): Promise<void> {
  const { page } = kiosk
  await expect(page.getByTestId('receipt-saved')).toBeVisible({ timeout: 15_000 })
  // Nothing is refused yet: nothing to do again.
  await expect(form.el('again')).toBeHidden()
  await kiosk.central.start()
  await expect(page.getByTestId('receipt')).toHaveAttribute('data-status', 'rejected', { timeout: 15_000 })
  await expect(page.getByTestId('receipt-error')).toHaveText(refusal)
  await expect(form.el('again-hint')).toHaveText('为保护您的个人信息，本机未保留您填写的内容，请重新填写。')
  await expect(form.el('again')).toHaveText('重新办理')
  await expect(form.el('back')).toHaveText('返回')
}

/** 重新办理: the form again, its heading read out, and nothing of what was typed before in it. */
async function startedAgainEmpty(form: KioskPage, heading: string, fields: readonly string[]): Promise<void> {
  await form.el('again').click()
  const title = form.page.getByRole('heading', { level: 1 })
  await expect(title).toHaveText(heading)
  await expect(title).toBeFocused()
  for (const field of fields) await expect(form.el(field)).toHaveValue('')
  await expect(form.page.getByTestId('receipt')).toBeHidden()
}

test.describe('我的ETEST通行证', () => {
  test('修改资料: 修改信息确认 marks each field 已修改/未修改 with the warning, then 修改资料成功', async ({ kiosk }) => {
    const who = candidate(1)
    await logInAs(kiosk, who)
    const { page } = kiosk
    await page.getByTestId('account-profile').click()
    const profile = new ProfilePage(kiosk)
    // Instant checks: the mobile must be this account's, the ID number must be valid.
    await profile.fill('mobile', '13900139000')
    await profile.fill('id-number', '110101199003071015')
    await profile.el('name').focus()
    await expect(profile.fieldError('mobile')).toContainText('请输入本账号当前的手机号')
    await expect(profile.fieldError('id-number')).toContainText('校验码')

    await profile.fill('email', 'new.wang@example.com')
    await profile.fill('mobile', who.mobile)
    await profile.fill('id-number', who.idNumber)
    await profile.fill('name', '王小红')
    await profile.fill('sms-code', '000000')
    await profile.el('submit').click()
    const confirm = profile.el('confirm')
    await expect(confirm).toContainText('修改信息确认')
    await expect(confirm).toContainText('请再次确认您的账号信息')
    await expect(profile.el('confirm-email-status')).toHaveText('已修改')
    await expect(profile.el('confirm-mobile-status')).toHaveText('未修改')
    await expect(profile.el('confirm-id-type-status')).toHaveText('未修改')
    await expect(profile.el('confirm-name')).toHaveText('王小红')
    await expect(profile.el('confirm-warning')).toHaveText(
      '请注意: 已报名考生, 注册通行证账号信息修改无法同步至报考信息, 如有更多疑问, 请咨询报名网站服务热线',
    )
    // No code was sent for this purpose: the server refuses the made-up one.
    await profile.el('confirm-ok').click()
    await expect(profile.fieldError('sms-code')).toHaveText(/短信验证码不正确|短信验证码已失效/)

    await profile.fillAll({ email: 'new.wang@example.com', mobile: who.mobile, idNumber: who.idNumber, name: '王小红' })
    await profile.el('submit').click()
    await profile.el('confirm-ok').click()
    await expect(profile.el('success-message')).toHaveText('修改资料成功')
    await profile.el('success-confirm').click()
    await expect(page.getByTestId('account-pending-email')).toContainText('n***@example.com')
  })

  test('修改资料: Enter pressed twice on 确认 sends the change once', async ({ kiosk }) => {
    const who = candidate(13)
    await logInAs(kiosk, who)
    await kiosk.page.getByTestId('account-profile').click()
    const profile = new ProfilePage(kiosk)
    await profile.fill('name', '王晓明')
    await profile.fill('mobile', who.mobile)
    const code = await codeSentBy(kiosk.page, who.mobile, () => profile.el('send-code').click())
    await profile.fill('sms-code', code)
    await profile.el('submit').click()
    const submits = () => kiosk.calls.filter((c) => c === 'kiosk:ops.submit').length
    const before = submits()
    await profile.el('confirm-ok').focus()
    // Pointer events stop while the dialog fades out; keys do not (a second press, or a held one repeating).
    await kiosk.page.keyboard.press('Enter')
    await kiosk.page.keyboard.press('Enter')

    await expect(profile.el('success-message')).toHaveText('修改资料成功')
    expect(submits() - before).toBe(1)
    await expect(profile.formError()).toBeHidden()
  })

  test('修改资料: 修改信息确认 shows the new values in full, so a typo can be caught before 确认', async ({ kiosk }) => {
    const who = candidate(15)
    await logInAs(kiosk, who)
    await kiosk.page.getByTestId('account-profile').click()
    const profile = new ProfilePage(kiosk)
    const newIdNumber = candidate(16).idNumber
    await profile.fill('email', 'wang.xiaohong@example.com')
    await profile.fill('mobile', who.mobile)
    await profile.fill('id-number', newIdNumber)
    await profile.fill('name', '王小红')
    await profile.fill('sms-code', '000000')
    await profile.el('submit').click()

    await expect(profile.el('confirm-email')).toHaveText('wang.xiaohong@example.com')
    await expect(profile.el('confirm-id-number')).toHaveText(newIdNumber)
    await expect(profile.el('confirm-name')).toHaveText('王小红')
    for (const field of ['email', 'id-number', 'name']) await expect(profile.el(`confirm-${field}-status`)).toHaveText('已修改')
    // What is not changing is the account's, which the kiosk only ever holds masked.
    await expect(profile.el('confirm-mobile')).toHaveText(`${who.mobile.slice(0, 3)}****${who.mobile.slice(7)}`)
  })

  test('修改资料: a mobile that is not the account’s stays refused after a tap on 发送验证码 or 确认, and nothing is sent', async ({ kiosk }) => {
    const who = candidate(5)
    await logInAs(kiosk, who)
    const { page } = kiosk
    await page.getByTestId('account-profile').click()
    const profile = new ProfilePage(kiosk)
    await profile.fill('name', '王晓明')
    await profile.fill('mobile', '13900139000')
    const sends = kiosk.calls.filter((call) => call === 'kiosk:sms.send').length
    // Taps with the mouse, the focus still in the mobile: its blur check and the tap's own check meet.
    await page.click('[data-testid="profile-send-code"]')
    await profile.checksSettled()
    await expect(profile.fieldError('mobile')).toContainText('请输入本账号当前的手机号')
    await page.click('[data-testid="profile-mobile"]')
    await page.click('[data-testid="profile-submit"]')
    await profile.checksSettled()
    await expect(profile.fieldError('mobile')).toContainText('请输入本账号当前的手机号')
    await expect(profile.el('confirm')).toBeHidden()
    expect(kiosk.calls.filter((call) => call === 'kiosk:sms.send').length).toBe(sends)
    expect(await codesSentTo(page, '13900139000')).toEqual([])
  })

  test('修改资料: an account with no email on file says 未填写 under the email, not an empty 当前：', async ({ kiosk }) => {
    const who = candidate(6)
    await kiosk.open('/')
    await registerThroughKiosk(kiosk.page, who)
    const login = new LoginPage(kiosk)
    await login.open()
    // The contract allows an account without an email (the kiosk's register form always asks for
    // one): main's answers are given one with none.
    await kiosk.page.evaluate(() => {
      const harness = window as unknown as { __kioskInvoke(channel: string, input: unknown): Promise<unknown> }
      const invoke = harness.__kioskInvoke
      harness.__kioskInvoke = async (channel, input) => {
        const answer = (await invoke(channel, input)) as { ok: boolean; value?: { account?: { email: string | null } } }
        if (answer.ok && answer.value?.account) answer.value.account.email = null
        return answer
      }
    })
    await login.logIn(who)
    await expect(kiosk.page.getByTestId('account-email')).toHaveText('未填写')
    await kiosk.page.getByTestId('account-profile').click()
    const profile = new ProfilePage(kiosk)
    await expect(profile.el('email')).toHaveAttribute('placeholder', '当前：未填写')
    await profile.el('cancel').click()
    await kiosk.page.getByTestId('account-verify-email').click()
    await expect(kiosk.page.getByTestId('verify-email-email')).toHaveAttribute('placeholder', '当前：未填写')
  })

  test('修改资料: only what changes is typed; blank fields keep the account’s values', async ({ kiosk }) => {
    const who = candidate(4)
    await logInAs(kiosk, who)
    const { page } = kiosk
    const before = { email: await page.getByTestId('account-email').textContent(), idNumber: await page.getByTestId('account-id-number').textContent() }
    await page.getByTestId('account-profile').click()
    const profile = new ProfilePage(kiosk)
    await expect(profile.el('keep-hint')).toContainText('留空即保持不变')
    await profile.fill('mobile', who.mobile)
    await profile.fill('sms-code', '000000')
    // Nothing typed to change: said so, no dialog.
    await profile.el('submit').click()
    await expect(profile.el('error')).toHaveText('您没有修改任何信息：请填写要修改的项')
    await expect(profile.el('error')).toBeFocused()
    await expect(profile.el('error')).toBeInViewport()
    await expect(profile.el('confirm')).toBeHidden()
    // A new document type needs its number.
    await profile.choose('id-type', 'passport')
    await profile.el('submit').click()
    await expect(profile.fieldError('id-number')).toContainText('请输入证件号码')
    // ...and a passport's Latin-letter name: the Chinese one kept would not fit it.
    await expect(profile.fieldError('name')).toContainText('姓名')
    await profile.choose('id-type', 'resident')

    await profile.fill('name', '王晓明')
    const code = await codeSentBy(page, who.mobile, () => profile.el('send-code').click())
    await profile.fill('sms-code', code)
    await profile.el('submit').click()
    await expect(profile.el('confirm-name-status')).toHaveText('已修改')
    for (const field of ['email', 'mobile', 'id-type', 'id-number']) await expect(profile.el(`confirm-${field}-status`)).toHaveText('未修改')
    await expect(profile.el('confirm-email')).toHaveText(before.email ?? '')
    await expect(profile.el('confirm-id-number')).toHaveText(before.idNumber ?? '')
    await profile.el('confirm-ok').click()
    await expect(profile.el('success-message')).toHaveText('修改资料成功')
    await profile.el('success-confirm').click()
    await expect(page.getByTestId('account-email')).toHaveText(before.email ?? '')
    await expect(page.getByTestId('account-id-number')).toHaveText(before.idNumber ?? '')
    await expect(page.getByTestId('account-pending-email')).toBeHidden()
  })

  test('修改资料: changing 证件类型 re-checks the number typed under the old one, and leaves the blank name quiet', async ({ kiosk }) => {
    await logInAs(kiosk, candidate(14))
    await kiosk.page.getByTestId('account-profile').click()
    const profile = new ProfilePage(kiosk)
    await profile.fill('id-number', 'E12345678')
    await profile.el('sms-code').focus()
    await expect(profile.fieldError('id-number')).toHaveText('居民身份证号码须为18位，前17位为数字，最后一位为数字或X')
    await expect(profile.el('id-number')).not.toHaveAttribute('aria-required')
    await profile.choose('id-type', 'passport')
    await expect(profile.fieldError('id-number')).toBeHidden()
    // Required with the new type, and said so to a screen reader; not once back to the old one.
    await expect(profile.el('id-number')).toHaveAttribute('aria-required', 'true')
    // The account's Chinese name cannot be kept under a passport, but nothing was typed there yet: 确认 says so.
    await expect(profile.fieldError('name')).toBeHidden()
    await profile.choose('id-type', 'resident')
    await expect(profile.fieldError('id-number')).toHaveText('居民身份证号码须为18位，前17位为数字，最后一位为数字或X')
    await expect(profile.el('id-number')).not.toHaveAttribute('aria-required')
  })

  test('修改资料: a passport for a resident ID marks 姓名 required (the Chinese name cannot be kept), and a type of the same script does not', async ({ kiosk }) => {
    await logInAs(kiosk, candidate(15))
    await kiosk.page.getByTestId('account-profile').click()
    const profile = new ProfilePage(kiosk)
    await expect(profile.el('name-field')).not.toHaveClass(/is-required/)
    await expect(profile.el('name')).not.toHaveAttribute('aria-required')
    await expect(profile.el('name')).toHaveAttribute('placeholder', /^当前：/)
    await profile.choose('id-type', 'passport')
    // The asterisk and a screen reader's "required", as 证件号码 gets: blank, 确认 would refuse it.
    await expect(profile.el('name-field')).toHaveClass(/is-required/)
    await expect(profile.el('name')).toHaveAttribute('aria-required', 'true')
    // Nor does either offer the account's value as if it could be kept: it cannot, under a passport.
    await expect(profile.el('name')).toHaveAttribute('placeholder', '姓名')
    await expect(profile.el('id-number')).toHaveAttribute('placeholder', '证件号码')
    // A Hong Kong and Macao permit also carries a Chinese name: the account's may be kept.
    await profile.choose('id-type', 'hkMacauPermit')
    await expect(profile.el('name-field')).not.toHaveClass(/is-required/)
    await expect(profile.el('name')).not.toHaveAttribute('aria-required')
    await expect(profile.el('name')).toHaveAttribute('placeholder', /^当前：/)
  })

  test('修改手机号: a code to the new number; a wrong code first is refused, the right one changes it', async ({ kiosk }) => {
    await logInAs(kiosk, candidate(2))
    const { page } = kiosk
    await page.getByTestId('account-profile').click()
    await page.getByTestId('profile-change-mobile').click()
    const change = new ChangeMobilePage(kiosk)
    await change.change('13900139002', '000000')
    await expect(change.fieldError('sms-code')).toHaveText('短信验证码不正确，请重新输入')
    const code = await kiosk.page.evaluate(async () => {
      const answer = await window.kiosk.dev.messages({ to: '13900139002' })
      return answer.ok ? (answer.value.messages.at(-1)?.code ?? '') : ''
    })
    await change.fill('sms-code', code)
    await change.el('submit').click()
    await expect(change.el('success-message')).toHaveText('修改手机号成功')
    await change.el('success-confirm').click()
    // Back in 修改资料, where it started, with the new number as the account's.
    await expect(page.getByTestId('profile-mobile')).toHaveAttribute('placeholder', /139\*\*\*\*9002/)
    await page.getByTestId('profile-cancel').click()
    await expect(page.getByTestId('account-mobile')).toHaveText('139****9002')
  })

  test('修改手机号: 将向 … 发送验证码 names the new number half-width, without the spaces typed', async ({ kiosk }) => {
    await logInAs(kiosk, candidate(87))
    await kiosk.page.getByTestId('account-profile').click()
    await kiosk.page.getByTestId('profile-change-mobile').click()
    const change = new ChangeMobilePage(kiosk)
    await change.fill('mobile', `${fullWidth('139')} 0013 ${fullWidth('9087')}`)
    await expect(change.el('send-to')).toHaveText('将向 13900139087 发送验证码')
  })

  test('修改资料, 修改手机号 and 验证手机 set the number in 将向 … 发送验证码 in bold, as 注册 does, and a screen reader reads each hint as one sentence', async ({ kiosk }) => {
    const who = candidate(89)
    const { page } = kiosk
    const masked = `${who.mobile.slice(0, 3)}****${who.mobile.slice(-4)}`
    /** The hint as the accessibility tree has it (one paragraph, no <strong> cutting it in three), and its number in bold. */
    const hintReads = async (testid: string, sentence: string, number: string) => {
      const hint = page.getByTestId(testid)
      await expect.poll(() => hint.ariaSnapshot(), testid).toBe(`- paragraph: ${sentence}`)
      const bold = hint.locator('*', { hasText: number })
      await expect(bold, testid).toHaveText(number)
      expect(Number(await bold.evaluate((number) => getComputedStyle(number).fontWeight)), testid).toBeGreaterThanOrEqual(600)
    }
    await kiosk.open('/register')
    await hintReads('register-send-to', '将向 您输入的手机号 发送验证码', '您输入的手机号')
    await logInAs(kiosk, who)
    await page.getByTestId('account-profile').click()
    await hintReads('profile-send-to', `将向 ${masked} 发送验证码`, masked)
    await page.getByTestId('header-language').click()
    await hintReads('profile-send-to', `The code will be sent to ${masked}`, masked)
    await page.getByTestId('header-language').click()
    await page.getByTestId('profile-change-mobile').click()
    await hintReads('change-mobile-send-to', '将向 您输入的手机号 发送验证码', '您输入的手机号')
    await page.evaluate(() => (window.location.hash = '#/account'))
    await page.getByTestId('account-verify-mobile').click()
    await hintReads('verify-mobile-send-to', `将向 ${masked} 发送验证码`, masked)
  })

  test('验证邮箱: 将向 … 发送验证码 names the account’s email, masked, as 验证手机 names its number; once sent, where the mail went', async ({ kiosk }) => {
    const who = candidate(91)
    await logInAs(kiosk, who)
    await kiosk.page.getByTestId('account-verify-email').click()
    const verify = new VerifyEmailPage(kiosk)
    const masked = `w***@example.com`
    await expect(verify.el('send-to')).toHaveText(`将向 ${masked} 发送验证码`)
    await expect(verify.el('send-to').locator('.target')).toHaveCSS('font-weight', '700')
    await kiosk.page.getByTestId('header-language').click()
    await expect(verify.el('send-to')).toHaveText(`The code will be sent to ${masked}`)
    await kiosk.page.getByTestId('header-language').click()
    await verify.fill('email', who.email)
    await codeSentBy(kiosk.page, who.email, () => verify.el('send-code').click())
    // One hint at a time: the address the mail went to replaces where it would go.
    await expect(verify.el('sent')).toHaveText(`验证码已发送至 ${who.email}，请查收邮件`)
    await expect(verify.el('send-to')).toHaveCount(0)
  })

  test('修改资料 ↔ 修改手机号 within the minute: each 发送验证码 still counts down for its number, and not for another', async ({ kiosk }) => {
    const who = candidate(88)
    await logInAs(kiosk, who)
    const { page } = kiosk
    await page.getByTestId('account-profile').click()
    const profile = new ProfilePage(kiosk)
    await profile.fill('mobile', who.mobile)
    await codeSentBy(page, who.mobile, () => profile.el('send-code').click())
    await profile.el('change-mobile').click()
    const change = new ChangeMobilePage(kiosk)
    await change.fill('mobile', '13900139088')
    await codeSentBy(page, '13900139088', () => change.el('send-code').click())
    await change.el('cancel').click()

    await profile.fill('mobile', who.mobile)
    await expect(profile.el('send-code')).toHaveText(/^\d+秒后重新发送$/)
    await expect(profile.el('send-code')).toBeDisabled()
    // The hints say the code went, not to tap a button that is disabled.
    const masked = `${who.mobile.slice(0, 3)}\\*{4}${who.mobile.slice(-4)}`
    await expect(profile.el('send-to')).toHaveText(new RegExp(`^验证码已发送至 ${masked}，\\d+秒后可重新发送$`))
    await profile.el('change-mobile').click()
    await change.fill('mobile', '13900139088')
    await expect(change.el('send-code')).toHaveText(/^\d+秒后重新发送$/)
    await expect(change.el('send-to')).toHaveText(/^验证码已发送至 13900139088，\d+秒后可重新发送$/)
    await change.fill('mobile', '13900139089')
    await expect(change.el('send-code')).toHaveText('发送验证码')
    await expect(change.el('send-code')).toBeEnabled()
    await expect(change.el('send-to')).toHaveText('将向 13900139089 发送验证码')
  })

  test('发送验证码 takes back the 请输入短信验证码 (邮箱验证码) said at an empty 确认: 修改资料, 修改手机号, 验证手机, 验证邮箱', async ({ kiosk }) => {
    const who = candidate(89)
    await logInAs(kiosk, who)
    const { page } = kiosk
    /** 确认 with nothing typed, then the number or address and 发送验证码: the code field is where to type, not in error. */
    async function sentAfterEmptySubmit(form: KioskPage, code: string, to: string, required: string): Promise<void> {
      await form.el('submit').click()
      await expect(form.fieldError(code)).toHaveText(required)
      await form.fill(to === who.email ? 'email' : 'mobile', to)
      await codeSentBy(page, to, () => form.el('send-code').click())
      await expect(form.el(code)).toBeFocused()
      await expect(form.fieldError(code)).toHaveCount(0)
      await expect(form.el(code)).not.toHaveAttribute('aria-invalid')
    }
    await page.getByTestId('account-profile').click()
    await sentAfterEmptySubmit(new ProfilePage(kiosk), 'sms-code', who.mobile, '请输入短信验证码')
    await page.getByTestId('profile-change-mobile').click()
    await sentAfterEmptySubmit(new ChangeMobilePage(kiosk), 'sms-code', '13900139089', '请输入短信验证码')
    await page.getByTestId('change-mobile-cancel').click()
    await page.getByTestId('profile-cancel').click()
    await page.getByTestId('account-verify-email').click()
    await sentAfterEmptySubmit(new VerifyEmailPage(kiosk), 'code', who.email, '请输入邮箱验证码')
    // 发送验证码 still counts down for the account's mobile within the account's screens: home and back forgets it.
    await page.getByTestId('header-home').click()
    await page.getByTestId('header-account').click()
    await page.getByTestId('account-verify-mobile').click()
    await sentAfterEmptySubmit(new VerifyMobilePage(kiosk), 'sms-code', who.mobile, '请输入短信验证码')
  })

  test('修改手机号 to the number the account already has: told so at 发送验证码, and no code is sent', async ({ kiosk }) => {
    const who = candidate(6)
    await logInAs(kiosk, who)
    const { page } = kiosk
    await page.getByTestId('account-profile').click()
    await page.getByTestId('profile-change-mobile').click()
    const change = new ChangeMobilePage(kiosk)
    const codesBefore = await kiosk.page.evaluate(async (to) => {
      const answer = await window.kiosk.dev.messages({ to })
      return answer.ok ? answer.value.messages.length : -1
    }, who.mobile)
    await change.fill('mobile', who.mobile)
    await change.el('send-code').click()
    await expect(change.fieldError('mobile')).toHaveText('新手机号与当前绑定的手机号相同，无需修改')
    const codesAfter = await kiosk.page.evaluate(async (to) => {
      const answer = await window.kiosk.dev.messages({ to })
      return answer.ok ? answer.value.messages.length : -1
    }, who.mobile)
    expect(codesAfter).toBe(codesBefore)
  })

  test('修改密码 answered after the candidate tapped 退出: home stays quiet, with no error thrown for a screen that is gone', async ({ kiosk }) => {
    const who = candidate(41)
    await logInAs(kiosk, who)
    const { page } = kiosk
    const thrown: string[] = []
    page.on('pageerror', (error) => thrown.push(error.message))
    // Vue hands an event handler's rejection to its error handler, which logs it.
    page.on('console', (message) => void (message.type() === 'error' && thrown.push(message.text())))
    await page.getByTestId('account-password').click()
    const answer = await holdAnswers(page, 'kiosk:ops.submit')
    await new PasswordPage(kiosk).change(who.password, 'Rv9@kWq3nB')
    await page.getByTestId('header-logout').click()
    await expect(page.getByTestId('home-register')).toBeVisible()
    await answer.release()
    await answer.answered()
    // The answer's own continuation (a new captcha for the form, its message) runs after it.
    await expect(page.getByTestId('home-register')).toBeVisible()
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)))
    expect(thrown).toEqual([])
  })

  test('修改密码 refused after the candidate moved on to another screen: the focus stays where they are', async ({ kiosk }) => {
    const who = candidate(42)
    await logInAs(kiosk, who)
    const { page } = kiosk
    await page.getByTestId('account-password').click()
    const answer = await holdAnswers(page, 'kiosk:ops.submit')
    await new PasswordPage(kiosk).change('Wrong#old123', 'Rv9@kWq3nB')
    // On to 查询办理进度, where a 查询 with no code leaves a field in error; then the candidate goes on.
    await page.getByTestId('header-home').click()
    await page.getByTestId('home-progress').click()
    await page.getByTestId('progress-submit').click()
    await expect(page.getByTestId('progress-receipt')).toBeFocused()
    await page.getByRole('heading', { level: 1 }).focus()
    await answer.release()
    expect(((await answer.answered()) as { ok: boolean; value?: { status: string } }).value?.status).toBe('rejected')
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)))
    await expect(page.getByRole('heading', { level: 1 })).toBeFocused()
  })

  test('修改密码 refused just as the candidate left: the focus is not taken on the screen they went to', async ({ kiosk }) => {
    const who = candidate(43)
    await logInAs(kiosk, who)
    const { page } = kiosk
    await page.getByTestId('account-password').click()
    const answer = await holdAnswers(page, 'kiosk:ops.submit')
    const password = new PasswordPage(kiosk)
    await password.change('Wrong#old123', 'Rv9@kWq3nB')
    // The page's timers stand still: the refusal's message is marked, and the focus it was to move waits.
    await page.clock.install()
    await page.clock.pauseAt(Date.now() + 1_000)
    await answer.release()
    await expect(password.el('old-field')).toHaveClass(/is-error/)
    // Meanwhile the candidate has gone on to 注册, where a number typed short is refused as they move on.
    await page.getByTestId('header-nav-register').click()
    const register = new RegisterPage(kiosk)
    await register.fill('mobile', '1380013800')
    await register.el('mobile').press('Tab')
    await expect(register.el('mobile-field')).toHaveClass(/is-error/)
    const focused = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid)
    expect(focused).not.toBe('register-mobile')
    await page.clock.resume()
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 1_500)))
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid)).toBe(focused)
  })

  test('修改密码: a wrong old password or captcha is refused; then 修改密码成功 and a new log-in', async ({ kiosk }) => {
    const who = candidate(3)
    await logInAs(kiosk, who)
    const { page } = kiosk
    await page.getByTestId('account-password').click()
    const password = new PasswordPage(kiosk)
    // Empty, then filled: the "please fill in" messages go without another 确认.
    await password.el('submit').click()
    await expect(password.fieldError('old')).toHaveText('请输入原密码')
    await expect(password.fieldError('captcha')).toHaveText('请输入验证码')
    await password.fill('old', 'Wrong#old123')
    await expect(password.fieldError('old')).toHaveCount(0)
    await expect(password.fieldError('captcha')).toHaveText('请输入验证码')
    await password.change('Wrong#old123', 'Rv9@kWq3nB')
    await expect(password.fieldError('old')).toHaveText('原密码不正确，请重新输入')
    await expect(password.el('old')).toBeFocused()
    await password.change(who.password, 'Rv9@kWq3nB', 'WXYZ')
    await expect(password.fieldError('captcha')).toHaveText('验证码不正确，请重新输入')
    await password.change(who.password, who.password)
    await expect(password.fieldError('password')).toHaveText('新密码不能与原密码相同')
    // Built from the account's mobile: the form does not know it, the server does (it was accepted).
    await password.change(who.password, `Kq#${who.mobile.slice(1)}`)
    await expect(password.fieldError('password')).toHaveText('密码不能使用您的手机号、证件号码、电子邮箱或姓名，请换一个密码')
    await password.change(who.password, 'Rv9@kWq3nB')
    await expect(password.el('success-message')).toHaveText('修改密码成功')
    await expect(password.el('success')).toContainText('请使用新密码重新登录。')
    await password.el('success-confirm').click()
    // Logged out as the dialog said, not "expired".
    await expect(page.getByTestId('login-submit')).toBeVisible()
    await expect(page.getByTestId('login-error')).toBeHidden()
    await new LoginPage(kiosk).logIn({ idNumber: who.idNumber, password: 'Rv9@kWq3nB' })
    await expect(page.getByTestId('account-welcome')).toBeVisible()
  })

  test('修改密码: the fifth wrong old password locks the account, said in 修改密码’s words (not 登录失败)', async ({ kiosk }) => {
    const who = candidate(37)
    await logInAs(kiosk, who)
    await kiosk.page.getByTestId('account-password').click()
    const password = new PasswordPage(kiosk)
    for (let i = 0; i < 4; i++) {
      await password.change(`Wrong#old12${i}`, 'Rv9@kWq3nB')
      await expect(password.fieldError('old')).toHaveText('原密码不正确，请重新输入')
    }
    await password.change('Wrong#old129', 'Rv9@kWq3nB')
    await expect(password.el('error')).toHaveText(/^密码错误次数过多，账号已暂时锁定约 \d+ 分钟，请稍后再试或重置密码$/)
    await kiosk.page.getByTestId('header-language').click()
    await expect(password.el('error')).toHaveText(/^Too many wrong passwords: the account is locked for about \d+ minutes?\. Try later or reset the password\.$/)
  })

  test('修改密码: the old password typed again as the new one reads 弱 on the meter, as the message under it refuses it', async ({ kiosk }) => {
    const who = candidate(16)
    await logInAs(kiosk, who)
    await kiosk.page.getByTestId('account-password').click()
    const password = new PasswordPage(kiosk)
    await password.fill('old', who.password)
    await password.fill('password', who.password)
    await password.el('password-confirm').focus()
    await expect(password.fieldError('password')).toHaveText('新密码不能与原密码相同')
    await expect(password.el('strength')).toContainText('弱')
    await password.fill('password', 'Nw8%qRt5vb')
    await expect(password.el('strength')).not.toContainText('弱')
  })

  test('验证邮箱: the code from the mailbox verifies it; a wrong code does not', async ({ kiosk }) => {
    const who = candidate(4)
    await logInAs(kiosk, who)
    await kiosk.page.getByTestId('account-verify-email').click()
    const verify = new VerifyEmailPage(kiosk)
    await verify.verify(who.email, 'ZZZZ9999')
    await expect(verify.fieldError('code')).toHaveText(/邮箱验证码不正确或已失效/)
    await expect(verify.el('sent')).toContainText(who.email)
    // A hint shown after the send describes its field too.
    await expect(verify.el('email')).toHaveAccessibleDescription(new RegExp(who.email.replace(/[.+]/g, '\\$&')))
    const code = await kiosk.page.evaluate(async (to) => {
      const answer = await window.kiosk.dev.messages({ to })
      return answer.ok ? (answer.value.messages.at(-1)?.code ?? '') : ''
    }, who.email)
    await verify.fill('code', code)
    await verify.el('submit').click()
    await expect(verify.el('success-message')).toHaveText('邮箱验证成功')
    await verify.el('success-confirm').click()
    await expect(kiosk.page.getByTestId('account-email-verified')).toHaveText('已验证')
    // At the size of what it qualifies, not Element Plus's 12 px.
    await expect(kiosk.page.getByTestId('account-email-verified')).toHaveCSS('font-size', '16px')
  })

  test('验证邮箱: an address typed in full width is said back, once the code is sent, as the address the mail went to', async ({ kiosk }) => {
    const who = candidate(27)
    await logInAs(kiosk, who)
    await kiosk.page.getByTestId('account-verify-email').click()
    const verify = new VerifyEmailPage(kiosk)
    const fullWidth = who.email.replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0))
    await verify.fill('email', fullWidth)
    await codeSentBy(kiosk.page, who.email, () => verify.el('send-code').click())
    await expect(verify.el('sent')).toHaveText(`验证码已发送至 ${who.email}，请查收邮件`)
  })

  test('验证手机: a wrong code or another number is refused; the right code verifies the mobile', async ({ kiosk }) => {
    const who = candidate(5)
    await logInAs(kiosk, who)
    await kiosk.page.getByTestId('account-verify-mobile').click()
    const verify = new VerifyMobilePage(kiosk)
    // Where the code will go, as 修改资料 says: the account's own number, whatever is typed (another
    // number is refused, not sent to).
    const masked = `将向 ${who.mobile.slice(0, 3)}****${who.mobile.slice(-4)} 发送验证码`
    await expect(verify.el('send-to')).toHaveText(masked)
    await verify.fill('mobile', '1390013')
    await expect(verify.el('send-to')).toHaveText(masked)
    await expect(verify.el('sms-code')).toHaveAttribute('aria-describedby', /.+/)
    await verify.verify(who.mobile, '000000')
    await expect(verify.fieldError('sms-code')).toHaveText('短信验证码不正确，请重新输入')
    const code = await kiosk.codeSentTo(who.mobile)
    await verify.fill('mobile', '13900139005')
    await verify.fill('sms-code', code)
    await verify.el('submit').click()
    await expect(verify.fieldError('mobile')).toHaveText('该手机号不是本账号绑定的手机号，请核对后重新输入')
    await verify.fill('mobile', who.mobile)
    await verify.el('submit').click()
    await expect(verify.el('success-message')).toHaveText('手机验证成功')
  })

  test('修改资料: a middle digit mistyped under the masked mobile gets no code sent to that stranger, and says so', async ({ kiosk }) => {
    const who = candidate(8)
    await logInAs(kiosk, who)
    await kiosk.page.getByTestId('account-profile').click()
    const profile = new ProfilePage(kiosk)
    // Same first three and last four digits: the masked 138****xxxx cannot tell them apart.
    const typo = `${who.mobile.slice(0, 3)}${who.mobile[3] === '9' ? '0' : '9'}${who.mobile.slice(4)}`
    await profile.fill('mobile', typo)
    await profile.el('send-code').click()

    await expect(profile.fieldError('mobile')).toHaveText('该手机号不是本账号绑定的手机号，请核对后重新输入')
    expect(await codesSentTo(kiosk.page, typo)).toEqual([])
    await profile.fill('mobile', who.mobile)
    expect(await codeSentBy(kiosk.page, who.mobile, () => profile.el('send-code').click())).toMatch(/^\d{6}$/)
  })

  test('修改手机号’s 返回, and its 修改手机号成功, give the focus back to 修改资料’s 修改手机号 button, where the candidate left', async ({ kiosk }) => {
    const who = candidate(90)
    await logInAs(kiosk, who)
    const { page } = kiosk
    await page.getByTestId('account-profile').click()
    const profile = new ProfilePage(kiosk)
    await profile.el('change-mobile').click()
    const change = new ChangeMobilePage(kiosk)
    await expect(page.getByRole('heading', { level: 1, name: '修改手机号' })).toBeFocused()
    await change.el('cancel').click()
    await expect(profile.el('change-mobile')).toBeFocused()
    await profile.el('change-mobile').click()
    await change.change('13900139090')
    await change.el('success-confirm').click()
    await expect(profile.el('mobile')).toHaveAttribute('placeholder', /139\*\*\*\*9090/)
    await expect(profile.el('change-mobile')).toBeFocused()
    // Opened afresh from 我的ETEST通行证, 修改资料 starts at its heading.
    await profile.el('cancel').click()
    await page.getByTestId('account-profile').click()
    await expect(page.getByRole('heading', { level: 1, name: '修改资料' })).toBeFocused()
  })

  test('返回 from 修改资料, 修改密码, 验证手机 and 验证邮箱 gives the focus back to the 我的ETEST通行证 button that opened it', async ({ kiosk }) => {
    await logInAs(kiosk, candidate(91))
    const { page } = kiosk
    for (const form of ['profile', 'password', 'verify-mobile', 'verify-email']) {
      await page.getByTestId(`account-${form}`).click()
      await expect(page.getByTestId(`${form}-cancel`)).toBeVisible()
      await page.getByTestId(`${form}-cancel`).click()
      await expect(page.getByTestId(`account-${form}`)).toBeFocused()
    }
  })

  test('验证手机’s success (确定) and 修改密码’s receipt (返回) give the focus back to the 我的ETEST通行证 button that opened them', async ({ kiosk }) => {
    const who = candidate(94)
    await logInAs(kiosk, who)
    const { page } = kiosk
    await page.getByTestId('account-verify-mobile').click()
    await new VerifyMobilePage(kiosk).verify(who.mobile)
    await page.getByTestId('verify-mobile-success-confirm').click()
    await expect(page.getByTestId('account-verify-mobile')).toBeFocused()
    await page.getByTestId('account-password').click()
    await new PasswordPage(kiosk).submitOfflineWithWrongOld(who.password, 'Jd3%nVx7qR')
    await page.getByTestId('password-back').click()
    await expect(page.getByTestId('account-password')).toBeFocused()
  })

  test('修改资料 confirmed again with nothing changed, the focus still on its error (a screen reader’s browse mode clicks without moving it): the error is said again', async ({ kiosk }) => {
    const who = candidate(95)
    await logInAs(kiosk, who)
    const { page } = kiosk
    await page.getByTestId('account-profile').click()
    const profile = new ProfilePage(kiosk)
    await profile.fill('mobile', who.mobile)
    await profile.fill('sms-code', '000000')
    const said = await listenTo(page, 'profile-error-status')
    await profile.el('submit').click()
    const nothingChanged = '您没有修改任何信息：请填写要修改的项'
    await expect(profile.el('error')).toBeFocused()
    // The focus it took read it: the voice says nothing as well.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
    expect(await said()).toEqual([])
    // 确认 activated where the focus is not: nothing moves the focus, so only the voice can say it.
    await profile.el('submit').dispatchEvent('click')
    await expect.poll(said).toEqual([nothingChanged])
    await expect(profile.el('error')).toBeFocused()
    await page.getByTestId('header-language').click()
    await profile.el('error').focus()
    const inEnglish = await profile.el('error').innerText()
    const saidInEnglish = await listenTo(page, 'profile-error-status')
    await profile.el('submit').dispatchEvent('click')
    await expect.poll(saidInEnglish).toEqual([inEnglish])
  })

  test('修改资料 → 修改手机号 and back keeps what was typed in 修改资料', async ({ kiosk }) => {
    const who = candidate(9)
    await logInAs(kiosk, who)
    await kiosk.page.getByTestId('account-profile').click()
    const profile = new ProfilePage(kiosk)
    await profile.fill('email', 'new.li@example.com')
    await profile.fill('name', '王晓明')
    await profile.el('change-mobile').click()
    await new ChangeMobilePage(kiosk).el('cancel').click()

    await expect(profile.el('email')).toHaveValue('new.li@example.com')
    await expect(profile.el('name')).toHaveValue('王晓明')
  })

  test('退出 forgets the candidate: home, and back never returns to the account', async ({ kiosk }) => {
    const who = candidate(6)
    await logInAs(kiosk, who)
    const { page } = kiosk
    await page.getByTestId('account-logout').click()
    await expect(page.getByTestId('home-register')).toBeVisible()
    expect(kiosk.calls).toContain('kiosk:auth.logout')
    await page.goBack()
    await expect(page.getByTestId('home-register')).toBeVisible()
    await expect(page.getByTestId('account-welcome')).toBeHidden()
    await page.evaluate(() => (window.location.hash = '#/account'))
    await expect(page.getByTestId('login-submit')).toBeVisible()
    expect(await page.content()).not.toContain('138****8006')
  })

  test('the header keeps to one row on the account screens at 1280 and 1024 px, in Chinese and English', async ({ kiosk }) => {
    await logInAs(kiosk, candidate(61))
    const { page } = kiosk
    for (const language of ['zh-CN', 'en']) {
      if (language === 'en') await page.getByTestId('header-language').click()
      await expect(page.getByTestId('header-account')).toHaveText(language === 'en' ? 'My ETEST passport' : '我的ETEST通行证')
      for (const path of ['/account', '/account/profile', '/account/password']) {
        await page.evaluate((hash) => (window.location.hash = hash), `#${path}`)
        await expect(page.getByRole('heading', { level: 1 })).toBeFocused()
        // And less a scroll bar (17 px on Windows; the test's Chromium hides them): a long account page has one.
        for (const [width, height] of [
          [1280, 800],
          [1263, 800],
          [1024, 768],
          [1007, 768],
        ] as const) {
          await page.setViewportSize({ width, height })
          // The logo, the links and the end of the header (我的ETEST通行证, 退出, the network, the language).
          const middles = await page.locator('.portal-header > *').evaluateAll((parts) =>
            parts.map((part) => Math.round(part.getBoundingClientRect().top + part.getBoundingClientRect().height / 2)),
          )
          expect(Math.max(...middles) - Math.min(...middles), `${language} ${path} at ${width} px: the header's parts centred at ${middles.join(', ')}`).toBeLessThan(4)
          // Nothing drawn past its box (a name too long for its two lines would be).
          const spilled = await page.locator('.portal-header a, .portal-header button').evaluateAll((parts) =>
            parts.filter((part) => part.scrollWidth > part.clientWidth + 1).map((part) => part.textContent?.trim()),
          )
          expect(spilled, `${language} ${path} at ${width} px`).toEqual([])
          // Still touch targets of 44 × 44 px, as 设置's −/+ and the PIN pad's keys are, at the tighter spacing.
          const small = await page.locator('.portal-header a, .portal-header button').evaluateAll((parts) =>
            parts
              .map((part) => ({ text: part.textContent?.trim(), box: part.getBoundingClientRect() }))
              .filter(({ box }) => box.width < 44 || box.height < 44)
              .map(({ text, box }) => `${text} ${Math.round(box.width)}×${Math.round(box.height)}`),
          )
          expect(small, `${language} ${path} at ${width} px`).toEqual([])
        }
      }
    }
  })

  test('an account screen needs a log-in: a stranger is sent to CET报名登录', async ({ kiosk }) => {
    await kiosk.open('/')
    await registerThroughKiosk(kiosk.page, candidate(7))
    await kiosk.open('/account/profile')
    await expect(kiosk.page.getByTestId('login-submit')).toBeVisible()
  })

  test('a log-in that ended (30 min, or a password changed elsewhere) takes the candidate to 登录, saying why', async ({ kiosk }) => {
    const who = candidate(7)
    const { page } = kiosk
    const login = await registeredAtLogin(kiosk, who)
    // 我的ETEST通行证 asks main for the account as it opens: the session must end after that answer,
    // or the page finds it out first and sends the candidate to 登录 while 修改密码 is being typed.
    const accountAnswers = await answersOf(page, 'kiosk:auth.account')
    await login.logIn(who)
    await expect(page.getByTestId('account-welcome')).toBeVisible()
    await expect.poll(() => accountAnswers.count()).toBe(1)
    await page.getByTestId('account-password').click()
    // Main no longer holds the session, as after its 30 minutes.
    kiosk.services.session.wipe()
    const said = await listenTo(page, 'login-error-status')
    await new PasswordPage(kiosk).change(who.password, 'Rv9@kWq3nB')

    await expect(page.getByTestId('login-submit')).toBeVisible()
    await expect(page.getByTestId('login-error')).toHaveText('登录已过期，请重新登录')
    // Said in 登录's voice, and after its region was in the page: put in with the region, it was not heard.
    await expect.poll(said).toEqual(['登录已过期，请重新登录'])
    // Once: the next visit to 登录 starts clean.
    await page.getByTestId('login-register').click()
    await expect(page.getByTestId('login-submit')).toBeHidden()
    await page.goBack()
    await expect(page.getByTestId('login-submit')).toBeVisible()
    await expect(page.getByTestId('login-error')).toBeHidden()

    // Found out by the account page itself: there too, to 登录.
    await new LoginPage(kiosk).logIn(who)
    await expect(page.getByTestId('account-welcome')).toBeVisible()
    await page.getByTestId('account-password').click()
    kiosk.services.session.wipe()
    await page.getByTestId('password-cancel').click()
    await expect(page.getByTestId('login-error')).toHaveText('登录已过期，请重新登录')
  })

  test('修改密码 while the central API is away: the receipt replaces the form, and the focus goes to its heading', async ({ kiosk }) => {
    const who = candidate(23)
    await logInAs(kiosk, who)
    await kiosk.page.getByTestId('account-password').click()
    const password = new PasswordPage(kiosk)
    await password.fill('old', who.password)
    await password.fill('password', 'Rv9@kWq3nB')
    await password.fill('password-confirm', 'Rv9@kWq3nB')
    await password.solveCaptcha()
    await kiosk.central.stop()
    await password.el('submit').click()
    await expect(kiosk.page.getByTestId('receipt-saved')).toBeVisible({ timeout: 15_000 })
    await expect(kiosk.page.getByRole('heading', { level: 1, name: '业务回执' })).toBeFocused()
  })

  test('验证邮箱: once the code is sent, the focus goes to the email code field and 验证码已发送 is read out', async ({ kiosk }) => {
    const who = candidate(26)
    await logInAs(kiosk, who)
    await kiosk.page.getByTestId('account-verify-email').click()
    const verify = new VerifyEmailPage(kiosk)
    await verify.fill('email', who.email)
    await codeSentBy(kiosk.page, who.email, () => verify.el('send-code').click())
    await expect(verify.el('code')).toBeFocused()
    await expect(verify.el('send-code-status')).toHaveText('验证码已发送')
  })

  test.describe('refused after it was sent offline', () => {
    test('修改资料: the receipt offers 重新办理, back to an empty form', async ({ kiosk }) => {
      const who = candidate(40)
      await logInAs(kiosk, who)
      await kiosk.page.getByTestId('account-profile').click()
      const profile = new ProfilePage(kiosk)
      await profile.fill('email', 'wang.new40@example.com')
      await profile.submitOfflineWithWrongCode(who.mobile, '王晓明')
      await refusedOnReceipt(kiosk, profile, '短信验证码不正确，请重新办理')
      expect(await seriousViolations(kiosk.page, 'refused receipt')).toEqual([])
      await startedAgainEmpty(profile, '修改资料', ['email', 'mobile', 'id-number', 'name', 'sms-code'])
      // The account's own values are still shown as what a blank field keeps.
      await expect(profile.el('name')).toHaveAttribute('placeholder', '当前：王**')
    })

    test('修改手机号: the receipt offers 重新办理, back to an empty form', async ({ kiosk }) => {
      await logInAs(kiosk, candidate(41))
      await kiosk.page.getByTestId('account-profile').click()
      await kiosk.page.getByTestId('profile-change-mobile').click()
      const change = new ChangeMobilePage(kiosk)
      await change.submitOfflineWithWrongCode('13900139041')
      await refusedOnReceipt(kiosk, change, '短信验证码不正确，请重新办理')
      await startedAgainEmpty(change, '修改手机号', ['mobile', 'sms-code'])
    })

    test('验证手机: the receipt offers 重新办理, and its 返回 still leads to 我的ETEST通行证', async ({ kiosk }) => {
      const who = candidate(42)
      await logInAs(kiosk, who)
      await kiosk.page.getByTestId('account-verify-mobile').click()
      const verify = new VerifyMobilePage(kiosk)
      await verify.submitOfflineWithWrongCode(who.mobile)
      await refusedOnReceipt(kiosk, verify, '短信验证码不正确，请重新办理')
      await verify.el('back').click()
      await expect(kiosk.page.getByTestId('account-welcome')).toBeVisible()
    })

    test('验证邮箱: the receipt offers 重新办理, back to an empty form without the address the code went to', async ({ kiosk }) => {
      const who = candidate(43)
      await logInAs(kiosk, who)
      await kiosk.page.getByTestId('account-verify-email').click()
      const verify = new VerifyEmailPage(kiosk)
      await verify.submitOfflineWithWrongCode(who.email)
      await refusedOnReceipt(kiosk, verify, '邮箱验证码不正确或已失效，请重新办理')
      await startedAgainEmpty(verify, '验证邮箱', ['email', 'code'])
      await expect(verify.el('sent')).toBeHidden()
    })

    test('修改密码: the receipt offers 重新办理, back to an empty form', async ({ kiosk }) => {
      const who = candidate(44)
      await logInAs(kiosk, who)
      await kiosk.page.getByTestId('account-password').click()
      const password = new PasswordPage(kiosk)
      await password.submitOfflineWithWrongOld('Wrong#old123', 'Rv9@kWq3nB')
      // The form has no ID number: it names the old password, as the form itself would.
      await refusedOnReceipt(kiosk, password, '原密码不正确，请重新办理')
      await startedAgainEmpty(password, '修改密码', ['old', 'password', 'password-confirm', 'captcha'])
    })
  })
})
