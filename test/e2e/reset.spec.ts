import { test, expect, type KioskHarness } from './harness/kioskFixture'
import { registerThroughKiosk } from './pages/accounts'
import { candidate, type Candidate } from './pages/candidates'
import { holdAnswers } from './pages/heldAnswers'
import { codeSentBy, codesSentTo } from './pages/kioskPage'
import { LoginPage } from './pages/LoginPage'
import { ResetPage } from './pages/ResetPage'

const newPassword = 'Rv9@kWq3nB'

/** A candidate registered through the kiosk, then 重置密码 by that mobile: at 验证手机验证码. */
async function resetStartedByMobile(kiosk: KioskHarness, who: Candidate): Promise<ResetPage> {
  await kiosk.open('/')
  await registerThroughKiosk(kiosk.page, who)
  const reset = new ResetPage(kiosk)
  await reset.open()
  await reset.start(who.mobile)
  return reset
}

test.describe('重置密码', () => {
  test('by mobile: 验证手机验证码, a new password, 重置密码成功, and the new password logs in', async ({ kiosk }) => {
    const who = candidate(1)
    const reset = await resetStartedByMobile(kiosk, who)
    // The pressed button went with its step: the new heading has the focus, and is read out.
    await expect(kiosk.page.getByRole('heading', { name: '验证手机验证码' })).toBeFocused()
    // No code is sent until the candidate asks for one, as on the web site.
    await expect(reset.el('sms-hint')).toHaveText('请点击“发送验证码”，输入收到的手机短信验证码，点击“确认”。')
    const code = await codeSentBy(kiosk.page, who.mobile, () => reset.el('send-code').click())
    await expect(reset.el('sms-hint')).toHaveText('如该手机号已注册ETEST通行证，您将收到短信验证码；如未收到，请核对手机号，号码有误可点击“返回修改手机号/邮箱”。')
    await reset.fill('sms-code', code)
    await reset.el('verify').click()
    await expect(reset.el('target')).toHaveText(who.mobile)
    await reset.setPassword(newPassword)
    await expect(reset.el('success-message')).toHaveText('重置密码成功')
    await reset.el('success-confirm').click()

    const login = new LoginPage(kiosk)
    await login.logIn({ idNumber: who.idNumber, password: newPassword })
    await expect(kiosk.page.getByTestId('account-welcome')).toBeVisible()
  })

  test('验证手机验证码 opens with nothing said: the first step’s message is not left in the form’s voice', async ({ kiosk }) => {
    const reset = new ResetPage(kiosk)
    await reset.open()
    await reset.el('identifier').press('Enter')
    await expect(reset.el('error-status')).toHaveText('请输入手机号/邮箱')
    await reset.start(candidate(31).mobile)
    await expect(kiosk.page.getByRole('heading', { name: '验证手机验证码' })).toBeFocused()
    // A screen reader reading the new step meets nothing about a field that has gone.
    await expect(reset.el('error-status')).toHaveText('')
  })

  test('by mobile: a wrong code stops at 验证手机验证码, and 发送验证码 counts down before it may be sent again', async ({ kiosk }) => {
    const who = candidate(2)
    const reset = await resetStartedByMobile(kiosk, who)
    await expect(kiosk.page.getByRole('heading', { name: '验证手机验证码' })).toBeVisible()
    await reset.verifyMobile(who.mobile, '000000')
    await expect(reset.fieldError('sms-code')).toHaveText('短信验证码不正确，请重新输入')
    await expect(reset.el('sms-code')).toBeFocused()
    await expect(reset.el('send-code')).toBeDisabled()
    await expect(reset.el('send-code')).toHaveText(/\d+秒后重新发送/)
    await expect(reset.el('password')).toBeHidden()
    // 重置密码 in the header starts over, with nothing of this attempt left.
    await kiosk.page.getByTestId('header-nav-reset').click()
    await expect(reset.el('identifier')).toHaveValue('')
    await expect(reset.el('next')).toBeVisible()
    // Nor its countdown: the number it went to is not kept for whoever starts the reset next.
    await reset.start(who.mobile)
    await expect(reset.el('send-code')).toHaveText('发送验证码')
    await expect(reset.el('send-code')).toBeEnabled()
  })

  test('by mobile: 发送验证码 takes back the 请输入短信验证码 said at an empty 确认', async ({ kiosk }) => {
    const who = candidate(12)
    const reset = await resetStartedByMobile(kiosk, who)
    await reset.el('verify').click()
    await expect(reset.fieldError('sms-code')).toHaveText('请输入短信验证码')
    await codeSentBy(kiosk.page, who.mobile, () => reset.el('send-code').click())
    await expect(reset.el('sms-code')).toBeFocused()
    await expect(reset.fieldError('sms-code')).toHaveCount(0)
    await expect(reset.el('sms-code')).not.toHaveAttribute('aria-invalid')
  })

  test('by mobile: a double tap on 确认 at 验证手机验证码 verifies the code once', async ({ kiosk }) => {
    const who = candidate(6)
    const reset = await resetStartedByMobile(kiosk, who)
    const code = await codeSentBy(kiosk.page, who.mobile, () => reset.el('send-code').click())
    await reset.fill('sms-code', code)
    const verifies = () => kiosk.calls.filter((call) => call === 'kiosk:sms.verify').length
    await reset.el('verify').dblclick()
    await expect(reset.el('password')).toBeVisible()
    expect(verifies()).toBe(1)
  })

  test('by mobile: 返回修改手机号/邮箱 goes back with the number kept, to correct it', async ({ kiosk }) => {
    const who = candidate(4)
    await kiosk.open('/')
    await registerThroughKiosk(kiosk.page, who)
    const reset = new ResetPage(kiosk)
    await reset.open()
    // One digit wrong: nobody's account, so no code would ever come.
    const typo = `${who.mobile.slice(0, 10)}${(Number(who.mobile[10]) + 1) % 10}`
    await reset.start(typo)
    await expect(reset.el('target')).toHaveText(typo)
    await reset.el('restart').click()

    await expect(reset.el('identifier')).toHaveValue(typo)
    await expect(reset.el('captcha')).toHaveValue('')
    await reset.start(who.mobile)
    await reset.verifyMobile(who.mobile)
    await reset.setPassword(newPassword)
    await expect(reset.el('success-message')).toHaveText('重置密码成功')
  })

  test('by mobile: 验证手机验证码 marks 手机号 and 短信验证码 required, and the code field reads 验证码, as on the web site', async ({ kiosk }) => {
    const reset = await resetStartedByMobile(kiosk, candidate(85))
    await expect(reset.el('target-field')).toHaveClass(/is-required/)
    await expect(reset.el('sms-code-field')).toHaveClass(/is-required/)
    await expect(reset.el('sms-code')).toHaveAttribute('placeholder', '验证码')
    await kiosk.page.getByTestId('header-language').click()
    await expect(reset.el('sms-code')).toHaveAttribute('placeholder', 'SMS code')
  })

  test('by mobile: the new password step marks 手机号码 required, as the web site does (and as 手机号 is on the step before)', async ({ kiosk }) => {
    const who = candidate(92)
    const reset = await resetStartedByMobile(kiosk, who)
    await reset.verifyMobile(who.mobile)
    await expect(reset.el('target')).toHaveText(who.mobile)
    await expect(reset.el('target-field')).toHaveClass(/is-required/)
    await expect(reset.el('target-field').locator('.el-form-item__label')).toHaveText('手机号码')
    await kiosk.page.getByTestId('header-language').click()
    await expect(reset.el('target-field').locator('.el-form-item__label')).toHaveText('Mobile number')
    await expect(reset.el('target-field')).toHaveClass(/is-required/)
  })

  test('by mobile: back to the first step and 下一步 again within the minute, 发送验证码 still counts down for that number', async ({ kiosk }) => {
    const who = candidate(86)
    const reset = await resetStartedByMobile(kiosk, who)
    await codeSentBy(kiosk.page, who.mobile, () => reset.el('send-code').click())
    await expect(reset.el('send-code')).toBeDisabled()
    await reset.el('restart').click()
    await reset.start(who.mobile)

    await expect(kiosk.page.getByRole('heading', { name: '验证手机验证码' })).toBeVisible()
    await expect(reset.el('send-code')).toHaveText(/^\d+秒后重新发送$/)
    await expect(reset.el('send-code')).toBeDisabled()
    // The hint does not send the candidate to the button they cannot tap: a code is on its way.
    await expect(reset.el('sms-hint')).toHaveText(/^如该手机号已注册ETEST通行证，您将收到短信验证码/)
  })

  test('by mobile: started over from the header while the new password was being answered, the new attempt’s countdown outlives that answer', async ({ kiosk }) => {
    const who = candidate(87)
    const { page } = kiosk
    const reset = await resetStartedByMobile(kiosk, who)
    await reset.verifyMobile(who.mobile)
    const answer = await holdAnswers(page, 'kiosk:ops.submit')
    await reset.setPassword(newPassword)
    // 重置密码 again from the header; the number's wait (the server's, within the minute) is shown.
    await page.getByTestId('header-nav-reset').click()
    await reset.start(who.mobile)
    await reset.el('send-code').click()
    await expect(reset.el('send-code')).toHaveText(/^\d+秒后重新发送$/)
    // The first attempt's answer lands now, its form long gone.
    await answer.release()
    expect(((await answer.answered()) as { ok: boolean }).ok).toBe(true)
    await reset.el('restart').click()
    await reset.start(who.mobile)
    await expect(page.getByRole('heading', { name: '验证手机验证码' })).toBeVisible()
    await expect(reset.el('send-code')).toHaveText(/^\d+秒后重新发送$/)
    await expect(reset.el('send-code')).toBeDisabled()
  })

  test('by mobile: a new password containing the mobile is refused as it is typed, before the captcha is spent', async ({ kiosk }) => {
    const who = candidate(9)
    const reset = await resetStartedByMobile(kiosk, who)
    await reset.verifyMobile(who.mobile)
    const personal = `Qz#7k${who.mobile}w`
    await reset.fill('password', personal)
    await reset.el('password-confirm').focus()
    await expect(reset.fieldError('password')).toHaveText('密码不能使用您的手机号、证件号码、电子邮箱或姓名，请换一个密码')
    // The meter agrees with the message: not 中 or better for a password that will be refused.
    await expect(reset.el('strength')).toHaveAttribute('data-score', /^[01]$/)
    const submits = () => kiosk.calls.filter((call) => call === 'kiosk:ops.submit').length
    const before = submits()
    await reset.setPassword(personal)
    await expect(reset.el('password')).toBeFocused()
    expect(submits()).toBe(before)
  })

  test('by email: a new password containing the email name is refused as it is typed', async ({ kiosk }) => {
    const who = candidate(10)
    await kiosk.open('/')
    await registerThroughKiosk(kiosk.page, who)
    const reset = new ResetPage(kiosk)
    await reset.open()
    await reset.start(who.email)
    await expect(reset.el('target')).toHaveText(who.email)
    await reset.fill('password', `Qz#7${who.email.split('@')[0]}`)
    await reset.el('password-confirm').focus()
    await expect(reset.fieldError('password')).toHaveText('密码不能使用您的手机号、证件号码、电子邮箱或姓名，请换一个密码')
    await expect(reset.el('strength')).toHaveAttribute('data-score', /^[01]$/)
  })

  test('by mobile: a number typed with +86, which the mobile rule takes, is taken here too', async ({ kiosk }) => {
    const who = candidate(7)
    await kiosk.open('/')
    await registerThroughKiosk(kiosk.page, who)
    const reset = new ResetPage(kiosk)
    await reset.open()
    await reset.start(`+86${who.mobile}`)
    await expect(reset.el('target')).toHaveText(who.mobile)
    await reset.verifyMobile(who.mobile)
    await reset.setPassword(newPassword)
    await expect(reset.el('success-message')).toHaveText('重置密码成功')
  })

  test('by email: an address typed with a full-width ＠, which the email rule takes, is taken here too', async ({ kiosk }) => {
    const who = candidate(8)
    await kiosk.open('/')
    await registerThroughKiosk(kiosk.page, who)
    const reset = new ResetPage(kiosk)
    await reset.open()
    // A Chinese input method types ＠: it looks like @, and main folds it to one.
    await reset.start(who.email.replace('@', '＠'))
    await expect(kiosk.page.getByRole('heading', { level: 1 })).toHaveText('通过邮箱重置密码')
    await expect(reset.el('target')).toHaveText(who.email)
    await reset.setPassword(newPassword, { emailCode: await kiosk.codeSentTo(who.email) })
    await expect(reset.el('success-message')).toHaveText('重置密码成功')
  })

  test('a wrong captcha or a malformed mobile/email stops at the first step', async ({ kiosk }) => {
    const reset = new ResetPage(kiosk)
    await reset.open()
    await reset.start('13800138000', 'WXYZ')
    await expect(reset.fieldError('captcha')).toHaveText('验证码不正确，请重新输入')
    const next = async (identifier: string) => {
      await reset.fill('identifier', identifier)
      await reset.el('next').click()
      return reset.fieldError('identifier')
    }
    await expect(await next('1380013')).toContainText('手机号须为11位数字')
    // One field for either: what is neither names both, and an empty one asks for either.
    await expect(await next('wang3example.com')).toHaveText('请输入正确的手机号/邮箱：手机号为11位数字，邮箱须包含“@”')
    await expect(await next('')).toHaveText('请输入手机号/邮箱')
    // Nothing typed into the picture's code: asked for, not sent to main to be called wrong.
    const starts = kiosk.calls.filter((call) => call === 'kiosk:reset.start').length
    await reset.fill('captcha', '')
    await next('13800138000')
    await expect(reset.fieldError('captcha')).toHaveText('请输入验证码')
    expect(kiosk.calls.filter((call) => call === 'kiosk:reset.start').length).toBe(starts)
  })

  test('by email: the note on where the link went has its text as close to the box’s top and bottom as to its sides', async ({ kiosk }) => {
    const reset = new ResetPage(kiosk)
    await reset.open()
    // The server answers the same for an email nobody registered.
    await reset.start(candidate(32).email)
    const insets = await reset.el('email-sent').evaluate((note) => {
      const box = note.getBoundingClientRect()
      const text = document.createRange()
      text.selectNodeContents(note)
      const lines = [...text.getClientRects()]
      return {
        top: Math.min(...lines.map((line) => line.top)) - box.top,
        bottom: box.bottom - Math.max(...lines.map((line) => line.bottom)),
        side: Math.min(...lines.map((line) => line.left)) - box.left,
      }
    })
    expect(insets.top).toBeLessThanOrEqual(insets.side)
    expect(insets.bottom).toBeLessThanOrEqual(insets.side)
    // 邮箱名称 is marked required, as on the web site's step.
    await expect(reset.el('target-field')).toHaveClass(/is-required/)
    await expect(reset.el('target-field').locator('.el-form-item__label')).toHaveText('邮箱名称')
  })

  test('by email: the code from the mailbox sets the new password on the kiosk; a wrong code or weak password is refused', async ({ kiosk }) => {
    const who = candidate(3)
    await kiosk.open('/')
    await registerThroughKiosk(kiosk.page, who)
    const reset = new ResetPage(kiosk)
    await reset.open()
    const code = await codeSentBy(kiosk.page, who.email, () => reset.start(who.email))
    // The server answers the same for an email nobody registered: the kiosk says as much, title included.
    await expect(kiosk.page.getByRole('heading', { level: 1 })).toHaveText('通过邮箱重置密码')
    await expect(reset.el('email-sent')).toContainText(`如该邮箱已注册ETEST通行证，系统已将重置密码链接和邮箱验证码发送至 ${who.email}；如未收到，请核对邮箱地址，或点击“返回修改手机号/邮箱”重新获取。`)
    // The focus is on the heading; tabbing on to 邮箱验证码, a screen reader says where the code went.
    await expect(reset.el('email-code')).toHaveAccessibleDescription(`如该邮箱已注册ETEST通行证，系统已将重置密码链接和邮箱验证码发送至 ${who.email}；如未收到，请核对邮箱地址，或点击“返回修改手机号/邮箱”重新获取。`)

    await expect(reset.el('password-toggle')).toHaveAccessibleName('显示密码')
    await expect(reset.el('password-confirm-toggle')).toHaveAccessibleName('显示密码')
    await reset.fill('password', 'abc')
    await reset.el('password-confirm').focus()
    await expect(reset.fieldError('password')).toHaveText('密码长度须为8-18位字符')

    await reset.setPassword(newPassword, { emailCode: 'ZZZZ9999' })
    await expect(reset.fieldError('email-code')).toHaveText(/邮箱验证码不正确或已失效/)
    await reset.setPassword(newPassword, { emailCode: code })
    await expect(reset.el('success-message')).toHaveText('重置密码成功')
  })

  test('by mobile, the new password sent while the central API is away: the receipt replaces the form, and the focus goes to its heading', async ({ kiosk }) => {
    const who = candidate(24)
    const reset = await resetStartedByMobile(kiosk, who)
    await reset.verifyMobile(who.mobile)
    await reset.setPassword(newPassword, { offline: true })
    await expect(kiosk.page.getByTestId('receipt-saved')).toBeVisible({ timeout: 15_000 })
    await expect(kiosk.page.getByRole('heading', { level: 1, name: '业务回执' })).toBeFocused()
  })

  test('by email with a wrong code, sent while the central API is away: the receipt promises nothing, and the refusal leads to 重新办理', async ({ kiosk }) => {
    const who = candidate(25)
    await kiosk.open('/')
    await registerThroughKiosk(kiosk.page, who)
    const reset = new ResetPage(kiosk)
    await reset.open()
    await codeSentBy(kiosk.page, who.email, () => reset.start(who.email))
    await expect(reset.el('email-code')).toBeVisible()

    await kiosk.central.stop()
    await reset.setPassword(newPassword, { emailCode: 'ZZZZ9999' })
    await expect(kiosk.page.getByTestId('receipt-saved')).toHaveText('您的业务已保存在本机，联网后将自动提交。', { timeout: 15_000 })
    await expect(kiosk.page.getByTestId('receipt-checked-later')).toContainText('办理结果以中心核验为准')

    await kiosk.central.start()
    await expect(kiosk.page.getByTestId('receipt')).toHaveAttribute('data-status', 'rejected', { timeout: 15_000 })
    await expect(kiosk.page.getByTestId('receipt-error')).toHaveText('邮箱验证码不正确或已失效，请重新办理')
    await expect(reset.el('again-hint')).toHaveText('为保护您的个人信息，本机未保留您填写的内容，请重新填写。')
    await reset.el('again').click()
    await expect(kiosk.page.getByRole('heading', { level: 1 })).toHaveText('重置密码')
    await expect(reset.el('identifier')).toHaveValue('')
  })
})

test.describe('重置密码 with the send limits of a real kiosk', () => {
  test.use({ sendLimits: {} })

  test('by email: back to the first step and 下一步 again within the minute says how long to wait for the mail again', async ({ kiosk }) => {
    const who = candidate(30)
    await kiosk.open('/')
    await registerThroughKiosk(kiosk.page, who)
    const reset = new ResetPage(kiosk)
    await reset.open()
    await codeSentBy(kiosk.page, who.email, () => reset.start(who.email))
    // The email step's own hint: 如未收到…点击“返回修改手机号/邮箱”重新获取.
    await reset.el('restart').click()
    await reset.solveCaptcha()
    await reset.el('next').click()
    // No countdown beside 下一步: the wait is said in seconds.
    await expect(reset.formError()).toHaveText(/^验证码发送过于频繁，请 \d+ 秒后再试$/)
  })

  test('by mobile: 发送验证码 within the minute of the registration’s code points at the button’s countdown, not at seconds that go stale', async ({ kiosk }) => {
    const who = candidate(93)
    const reset = await resetStartedByMobile(kiosk, who)
    await kiosk.page.getByTestId('header-language').click()
    await reset.el('send-code').click()
    await expect(reset.el('send-code')).toHaveText(/^Resend in \d+ s$/)
    await expect(reset.fieldError('sms-code')).toHaveText('Codes were sent too often. Please ask for a new one when the countdown on the button ends.')
  })
})

// A refused verification sends the candidate back to 发送验证码 while the first code's wait still runs
// (it goes on across the steps, as the server's does): a one-second wait lets these finish with a new code.
test.describe('重置密码 with a one-second resend wait', () => {
  test.use({ sendLimits: { perTargetIntervalMs: 1_000 } })

  /**
   * 发送验证码, the code that came, 确认. A tap within the second after the last code to the number
   * (the registration's, a moment ago) is told to wait: the candidate taps again once the button offers it.
   */
  async function verifyOnceAllowed(reset: ResetPage, mobile: string): Promise<void> {
    const before = (await codesSentTo(reset.page, mobile)).length
    await expect(async () => {
      // Waits for the button to be enabled: after a refusal, its countdown of what the server said.
      await reset.el('send-code').click()
      await expect(reset.el('send-code-status')).toHaveText('验证码已发送', { timeout: 2_000 })
    }).toPass()
    await expect.poll(async () => (await codesSentTo(reset.page, mobile)).length).toBeGreaterThan(before)
    await reset.fill('sms-code', (await codesSentTo(reset.page, mobile)).at(-1) ?? '')
    await reset.el('verify').click()
  }

  test('by mobile: a verification refused at 确认 goes back to 验证手机验证码 with the reason, and a new code finishes', async ({ kiosk }) => {
    const who = candidate(5)
    const reset = await resetStartedByMobile(kiosk, who)
    await verifyOnceAllowed(reset, who.mobile)
    await expect(reset.el('password')).toBeVisible()
    // As when it has expired or was used: the kiosk no longer holds the proof of the code.
    kiosk.services.session.takeVerification('resetPassword', who.mobile)
    await reset.setPassword(newPassword)

    await expect(kiosk.page.getByRole('heading', { name: '验证手机验证码' })).toBeVisible()
    await expect(reset.fieldError('sms-code')).toHaveText('请先完成手机或邮箱验证')
    await expect(reset.el('sms-code')).toHaveValue('')
    await verifyOnceAllowed(reset, who.mobile)
    await reset.setPassword(newPassword)
    await expect(reset.el('success-message')).toHaveText('重置密码成功')
  })

  test('by mobile: a new password built from the ID number, which only the server knows here, is refused under 新密码; a new code finishes', async ({ kiosk }) => {
    const who = candidate(11)
    const reset = await resetStartedByMobile(kiosk, who)
    await verifyOnceAllowed(reset, who.mobile)
    await reset.setPassword(`Zt#q${who.idNumber.slice(11, 17)}w`)
    await expect(reset.fieldError('password')).toHaveText('密码不能使用您的手机号、证件号码、电子邮箱或姓名，请换一个密码')
    // The refusal spent the verification (it tells something of the account): the next 确认 goes
    // back to 验证手机验证码, saying why, and a new code finishes.
    await reset.setPassword(newPassword)
    await expect(kiosk.page.getByRole('heading', { name: '验证手机验证码' })).toBeVisible()
    await expect(reset.fieldError('sms-code')).toHaveText('请先完成手机或邮箱验证')
    await verifyOnceAllowed(reset, who.mobile)
    await reset.setPassword(newPassword)
    await expect(reset.el('success-message')).toHaveText('重置密码成功')
  })
})
