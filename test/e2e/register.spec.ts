import { test, expect } from './harness/kioskFixture'
import { registerThroughKiosk } from './pages/accounts'
import { candidate, fullWidth } from './pages/candidates'
import { listenTo } from './pages/liveRegion'
import { RegisterPage } from './pages/RegisterPage'

test.describe('注册ETEST通行证', () => {
  test('a candidate registers, checks what they typed in 注册信息确认 and goes on to log in', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    const who = candidate(1)
    await register.open()
    // A screen reader names the checkbox with the documents it agrees to.
    await expect(register.page.getByRole('checkbox', { name: '已仔细阅读并同意《用户服务协议》《用户隐私政策》' })).toHaveCount(1)
    await register.fillAll(who)
    await expect(register.el('send-to')).toHaveText(new RegExp(`^验证码已发送至 ${who.mobile}，\\d+秒后可重新发送$`))
    await expect(register.el('send-code')).toHaveText(/\d+秒后重新发送/)
    await register.submit()

    const confirm = register.el('confirm')
    await expect(confirm).toContainText('注册信息确认')
    await expect(confirm).toContainText('请再次确认您的注册账号')
    // In full: a typo in the mobile or email they will reset with is caught here, not after.
    await expect(register.el('confirm-mobile')).toHaveText(who.mobile)
    await expect(register.el('confirm-email')).toHaveText(who.email)
    await expect(register.el('confirm-id-type')).toHaveText('中华人民共和国居民身份证')
    await expect(register.el('confirm-id-number')).toHaveText(who.idNumber)
    await expect(register.el('confirm-name')).toHaveText(who.name)
    await register.el('confirm-ok').click()

    await expect(register.el('success-message')).toHaveText('注册成功')
    await register.el('success-confirm').click()
    await expect(kiosk.page.getByTestId('login-submit')).toBeVisible()
    await expect(kiosk.page.getByRole('heading', { level: 1, name: 'CET报名登录' })).toBeFocused()
    await expect(kiosk.page).toHaveTitle('CET报名登录 - ETEST 通行证')
  })

  test('a double tap on 确认 registers once: one op, and the candidate sees 注册成功, not an error', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    const who = candidate(21)
    await register.open()
    await register.fillAll(who)
    await register.submit()
    await expect(register.el('confirm')).toContainText('注册信息确认')
    // Two taps on 确认 in quick succession, the second before the first one's answer is back.
    await register.el('confirm-ok').dblclick()

    await expect(register.el('success-message')).toHaveText('注册成功')
    const submits = () => kiosk.calls.filter((c) => c === 'kiosk:ops.submit').length
    expect(submits()).toBe(1)
    // A second submit still in flight would show up here within a moment.
    await kiosk.page.waitForTimeout(500)
    expect(submits()).toBe(1)
    expect(kiosk.services.outbox?.count()).toBe(1)
    await expect(register.el('error')).toBeHidden()
  })

  test('Enter pressed twice on 确认 registers once: the dialog closing still has the focused button', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    await register.open()
    await register.fillAll(candidate(27))
    await register.submit()
    await register.el('confirm-ok').focus()
    // Pointer events stop while the dialog fades out; keys do not (a second press, or a held one repeating).
    await register.page.keyboard.press('Enter')
    await register.page.keyboard.press('Enter')

    await expect(register.el('success-message')).toHaveText('注册成功')
    expect(kiosk.calls.filter((c) => c === 'kiosk:ops.submit').length).toBe(1)
    expect(kiosk.services.outbox?.count()).toBe(1)
    // The 提示 dialog's 确认 has the focus: Enter goes on to 登录 (it did nothing: its frame had it).
    await expect(register.el('success-confirm')).toBeFocused()
    await register.page.keyboard.press('Enter')
    await expect(kiosk.page.getByRole('heading', { level: 1, name: 'CET报名登录' })).toBeFocused()
  })

  test('a wrong SMS code is refused next to the code field', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    const who = candidate(2)
    await register.open()
    // Every field shows its message; fixing them must not make the next tap (发送验证码) miss.
    await register.submit()
    await expect(register.fieldError('name')).toHaveText('请输入姓名')
    await register.fillDetails(who)
    const code = await register.sendCode(who.mobile)
    await register.fill('sms-code', code === '000000' ? '111111' : '000000')
    await register.agree()
    await register.submit()
    await register.el('confirm-ok').click()
    await expect(register.fieldError('sms-code')).toHaveText('短信验证码不正确，请重新输入')
    // The dialog is gone with its button: the field to fix has the focus, not <body>.
    await expect(register.el('sms-code')).toBeFocused()
    await expect(register.el('success')).toBeHidden()
  })

  test('an ID number another account holds is refused with the way to appeal', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    const holder = candidate(3)
    await kiosk.open('/')
    await registerThroughKiosk(kiosk.page, holder)
    await register.open()
    await register.fillAll({ ...candidate(4), idNumber: holder.idNumber })
    await register.submit()
    await register.el('confirm-ok').click()
    await expect(register.fieldError('id-number')).toContainText('该证件号码已被其他账号占用')
    await expect(register.fieldError('id-number')).toContainText('信息占用申诉')
  })

  test('an email typed with a Chinese input method (full-width ＠) registers: the shared rules decide, not the browser', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    const who = candidate(31)
    await register.open()
    await register.fillAll({ ...who, email: 'wang31example.com' })
    await register.submit()
    // A malformed address is told in the app's words under the field (the browser's own check of an
    // email input blocked the submit with an English tooltip and no message at all).
    await expect(register.fieldError('email')).toHaveText('电子邮箱格式不正确，应为 用户名@域名，例如 name@example.com')
    await expect(register.el('confirm')).toBeHidden()
    await register.fill('email', fullWidth(who.email))
    await register.submit()
    await expect(register.el('confirm-email')).toHaveText(who.email)
    await register.el('confirm-ok').click()
    await expect(register.el('success-message')).toHaveText('注册成功')
  })

  test('a screen reader hears why a field was refused at the field: invalid, described by its message and hints, required', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    const who = candidate(31)
    await register.open()
    const email = register.el('email')
    const mobile = register.el('mobile')
    const hint = '邮箱和手机号用于重置密码使用，请务必仔细核对正确填写'
    await expect(email).toHaveAttribute('aria-required', 'true')
    await expect(email).not.toHaveAttribute('aria-invalid')
    await expect(mobile).toHaveAccessibleDescription(hint)
    await register.submit()
    await expect(email).toHaveAttribute('aria-invalid', 'true')
    await expect(email).toHaveAccessibleDescription('请输入电子邮箱')
    await expect(mobile).toHaveAccessibleDescription(`请输入手机号 ${hint}`)
    await expect(register.el('name')).toHaveAccessibleDescription('请输入姓名')
    // Fixed, the field says so: its message goes from what it reads, the hint stays.
    await register.fill('mobile', who.mobile)
    await mobile.blur()
    await expect(mobile).not.toHaveAttribute('aria-invalid')
    await expect(mobile).toHaveAccessibleDescription(hint)
    // In the language shown.
    await kiosk.page.getByRole('button', { name: 'English' }).click()
    await expect(email).toHaveAccessibleDescription('Please enter an email address.')
  })

  test('an empty 注册 is said once: one polite count, the focus on the first field, each message at its field and none a live alert', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    const { page } = kiosk
    await register.open()
    // What the field says as the focus lands on it: its message must be there already.
    await page.evaluate(() =>
      document.addEventListener('focusin', ({ target }) => {
        if (!(target instanceof HTMLElement) || target.dataset.testid !== 'register-email') return
        const described = (target.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent)
        document.body.dataset.describedAtFocus = described.join(' ')
      }),
    )
    await register.submit()
    const said = register.el('error-status')
    await expect(said).toHaveRole('status')
    await expect(said).toHaveText('有7项需要修改，请按各项下方的提示填写')
    await expect(register.el('email')).toBeFocused()
    await expect(page.locator('body')).toHaveAttribute('data-described-at-focus', '请输入电子邮箱')
    // Every message is still shown under its field, and said there when the focus reaches it.
    for (const field of ['email', 'mobile', 'password', 'id-number', 'name', 'sms-code', 'agree']) {
      await expect(register.fieldError(field)).toBeVisible()
    }
    await expect(register.el('email')).toHaveAccessibleDescription('请输入电子邮箱')
    await expect(page.getByRole('checkbox', { name: '已仔细阅读并同意《用户服务协议》《用户隐私政策》' })).toHaveAccessibleDescription('请阅读并勾选同意《用户服务协议》《用户隐私政策》')
    // Not seven alerts read out over each other.
    await expect(page.getByRole('alert')).toHaveCount(0)
    // A field checked as the candidate moves on is said on its own, in the same polite voice.
    await register.fill('mobile', '1380013800')
    await register.el('mobile').press('Tab')
    await expect(said).toHaveText('手机号须为11位数字，以13-19开头，例如 13800138000')
    await expect(page.getByRole('alert')).toHaveCount(0)
    await page.getByRole('button', { name: 'English' }).click()
    await register.submit()
    await expect(said).toHaveText('7 fields need attention: see the message under each.')
    await expect(register.el('email')).toBeFocused()
  })

  test('a screen reader hears the password rules at 密码, where the password is typed, not only at 确认密码 below it', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    await register.open()
    const rules =
      '密码长度为8-18位字符，且必须同时包含：字母、数字和特殊字符!@#%^&*_- ' +
      '不能使用手机号、证件号码、电子邮箱或姓名，也不能使用常见或过于简单的密码（如重复、连续或键盘上相邻的字符）'
    await expect(register.el('password')).toHaveAccessibleDescription(rules)
    // Refused, what is wrong comes first, then the rules that say how to fix it.
    await register.fill('password', 'abc')
    await register.el('password').blur()
    await expect(register.el('password')).toHaveAccessibleDescription(`密码长度须为8-18位字符 ${rules}`)
  })

  test('instant checks: a weak password, a mismatched confirmation, a bad ID number and no agreement', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    await register.open()
    await register.fill('password', 'password1!')
    await register.el('password-confirm').focus()
    await expect(register.fieldError('password')).toHaveText(/过于常见|过于简单/)
    await expect(register.el('strength')).toHaveAttribute('data-score', /^[01]$/)
    await register.fill('password', 'Tq7#mLp2xZ')
    await expect(register.el('strength')).toHaveAttribute('data-score', /^[34]$/)
    await register.fill('password-confirm', 'Tq7#mLp2xY')
    await register.el('id-number').focus()
    await expect(register.fieldError('password-confirm')).toHaveText('两次输入的密码不一致，请重新输入确认密码')
    await register.fill('id-number', '110101199003071015')
    await register.el('name').focus()
    await expect(register.fieldError('id-number')).toContainText('校验码')
    await register.submit()
    await expect(register.fieldError('agree')).toContainText('请阅读并勾选同意《用户服务协议》《用户隐私政策》')
    await expect(register.el('confirm')).toBeHidden()
    // The focus goes to the first field to fix (the email, left empty), not left on the button.
    await expect(register.el('email')).toBeFocused()
  })

  test('the agreement left unticked: its checkbox is marked invalid and says why when the keyboard reaches it', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    const who = candidate(78)
    await register.open()
    await register.fillDetails(who)
    await register.fill('sms-code', '123456')
    await register.el('submit').focus()
    await kiosk.page.keyboard.press('Enter')
    const agree = kiosk.page.getByRole('checkbox', { name: '已仔细阅读并同意《用户服务协议》《用户隐私政策》' })
    await expect(agree).toBeFocused()
    await expect(agree).toHaveAttribute('aria-invalid', 'true')
    await expect(agree).toHaveAccessibleDescription('请阅读并勾选同意《用户服务协议》《用户隐私政策》')
    await kiosk.page.keyboard.press('Space')
    await expect(agree).not.toHaveAttribute('aria-invalid', 'true')
    await expect(agree).toHaveAccessibleDescription('')
  })

  test('changing 证件类型 re-checks the number and name typed under the old one', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    await register.open()
    // A passport holder who types before choosing the type (居民身份证 is the default).
    await register.fill('id-number', 'E12345678')
    await register.fill('name', 'ZHANG SAN')
    await register.el('email').focus()
    await expect(register.fieldError('id-number')).toHaveText('居民身份证号码须为18位，前17位为数字，最后一位为数字或X')
    await expect(register.fieldError('name')).toContainText('请填写证件上的中文姓名')
    await register.choose('id-type', 'passport')
    await expect(register.fieldError('id-number')).toBeHidden()
    await expect(register.fieldError('name')).toBeHidden()
    await register.choose('id-type', 'resident')
    await expect(register.fieldError('id-number')).toHaveText('居民身份证号码须为18位，前17位为数字，最后一位为数字或X')
  })

  test('the strength meter reads as the policy decides: 无 while empty, 弱 for a refused password, 中 for the weakest accepted', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    await register.open()
    const meter = register.el('strength').getByRole('meter')
    await expect(meter).toHaveAttribute('aria-valuetext', '无')
    await register.fill('password', 'password1!')
    await expect(register.el('strength')).toHaveAttribute('data-score', '1')
    await expect(meter).toHaveAttribute('aria-valuetext', '弱')
    // Score 2, the lowest the policy accepts: it must not read 弱 like the refused one above.
    await register.fill('password', 'Wang#1990')
    await expect(register.el('strength')).toHaveAttribute('data-score', '2')
    await expect(register.el('strength')).toContainText('中')
    await expect(meter).toHaveAttribute('aria-valuetext', '中')
    await register.fill('password', '')
    await expect(meter).toHaveAttribute('aria-valuetext', '无')
  })

  test('a password longer than 18 characters is kept whole and told its length, never cut to 18', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    await register.open()
    // Cut at 18 in both fields, the two would still match and the candidate never know.
    const tooLong = 'Tq7#mLp2xZ-Rv9@kWq3n'
    await register.fill('password', tooLong)
    await register.fill('password-confirm', tooLong)
    await expect(register.el('password')).toHaveValue(tooLong)
    await expect(register.el('password-confirm')).toHaveValue(tooLong)
    await register.el('name').focus()
    await expect(register.fieldError('password')).toHaveText('密码长度须为8-18位字符')
  })

  test('the 用户服务协议 and 用户隐私政策 are readable on the kiosk', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    await register.open()
    await expect(register.el('password-hint')).toHaveText('密码长度为8-18位字符，且必须同时包含：字母、数字和特殊字符!@#%^&*_-')
    // What the kiosk refuses beyond the web site's rule is said before a password is refused for it.
    await expect(register.el('password-avoid')).toHaveText('不能使用手机号、证件号码、电子邮箱或姓名，也不能使用常见或过于简单的密码（如重复、连续或键盘上相邻的字符）')
    await register.el('service-agreement').click()
    await expect(kiosk.page.getByTestId('agreement-service')).toContainText('用户服务协议')
    await kiosk.page.getByTestId('agreement-service-close').click()
    await register.el('privacy-policy').click()
    await expect(kiosk.page.getByTestId('agreement-privacy')).toContainText('不以明文保存')
  })

  test('registered while the central API is away: the receipt that replaces the form has a heading, and the focus is on it', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    await register.open()
    await register.submitOffline(candidate(22))
    await expect(kiosk.page.getByTestId('receipt-saved')).toBeVisible({ timeout: 15_000 })
    await expect(kiosk.page.getByRole('heading', { level: 1, name: '业务回执' })).toBeFocused()
  })

  test('in English, a wrong SMS code registered offline is refused on the receipt with "start again", not "enter it again"', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    const who = candidate(23)
    await register.open()
    await kiosk.page.getByTestId('header-language').click()
    await register.submitOfflineWithWrongCode(who)
    await expect(kiosk.page.getByTestId('receipt-saved')).toHaveText(
      'Your request is saved on this kiosk and will be sent automatically when the network is back.',
      { timeout: 15_000 },
    )
    await expect(kiosk.page.getByTestId('receipt-checked-later')).toContainText('checked only when the request reaches the centre')

    await kiosk.central.start()
    await expect(kiosk.page.getByTestId('receipt-error')).toHaveText('The SMS code is wrong. Please start again.', { timeout: 15_000 })
    await expect(register.el('again')).toHaveText('Start again')
    await expect(register.el('to-login')).toBeHidden()
  })

  test('发送验证码 refused (the central API away) keeps the keyboard’s focus on it, not on <body>', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    await register.open()
    await register.fill('mobile', candidate(27).mobile)
    await kiosk.central.stop()
    await register.el('send-code').focus()
    await kiosk.page.keyboard.press('Enter')
    await expect(register.fieldError('sms-code')).toContainText('网络')
    await expect(register.el('send-code')).toBeFocused()
  })

  test('发送验证码 refused twice for the same reason is said both times, the focus staying on it', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    const { page } = kiosk
    await register.open()
    await register.fill('mobile', '1380013800')
    await register.el('send-code').focus()
    const wrongNumber = '手机号须为11位数字，以13-19开头，例如 13800138000'
    await expect(register.fieldError('mobile')).toHaveText(wrongNumber)
    await expect(register.el('error-status')).toHaveText(wrongNumber)
    // The message under the number is there already: only the form's voice says it was refused again.
    let said = await listenTo(page, 'register-error-status')
    for (const times of [1, 2]) {
      await page.keyboard.press('Enter')
      await expect.poll(said).toEqual(Array<string>(times).fill(wrongNumber))
      await expect(register.el('send-code')).toBeFocused()
    }
    // Main's refusal too (the central API away), beside the code field.
    await register.fill('mobile', candidate(28).mobile)
    await kiosk.central.stop()
    await register.el('send-code').focus()
    said = await listenTo(page, 'register-error-status')
    for (const times of [1, 2]) {
      await page.keyboard.press('Enter')
      await expect.poll(async () => (await said()).length).toBe(times)
      await expect(register.fieldError('sms-code')).toContainText('网络')
      expect(new Set(await said())).toEqual(new Set([await register.fieldError('sms-code').innerText()]))
    }
  })

  test('发送验证码 refused for the number again is said as the number’s message, not as a message of a field nearer the button', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    const { page } = kiosk
    await register.open()
    await register.fill('mobile', '1380013800')
    // 姓名 (between the number and the button) and the code (beside it) left empty: their messages show too.
    await register.el('name').focus()
    await register.el('sms-code').focus()
    await register.el('send-code').focus()
    const wrongNumber = '手机号须为11位数字，以13-19开头，例如 13800138000'
    await expect(register.fieldError('mobile')).toHaveText(wrongNumber)
    await expect(register.fieldError('name')).toHaveText(/\S/)
    await expect(register.fieldError('sms-code')).toHaveText(/\S/)
    const said = await listenTo(page, 'register-error-status')
    await page.keyboard.press('Enter')
    await expect.poll(said).toEqual([wrongNumber])
    // In English too, the number's message and nothing else.
    await page.getByTestId('header-language').click()
    await expect(register.fieldError('mobile')).toHaveText(/mobile/i)
    // The switch says again what is wrong, in English (as a count): what follows is 发送验证码's alone.
    await expect(register.el('error-status')).toHaveText(/[a-z]/i)
    const inEnglish = await register.fieldError('mobile').innerText()
    await register.el('send-code').focus()
    const saidInEnglish = await listenTo(page, 'register-error-status')
    await page.keyboard.press('Enter')
    await expect.poll(saidInEnglish).toEqual([inEnglish])
  })

  test('发送验证码 counts down disabled, so the focus goes on to the code field, 验证码已发送 is read out and the hint says where it went', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    const who = candidate(25)
    await register.open()
    await register.fill('mobile', who.mobile)
    await register.sendCode(who.mobile)
    await expect(register.el('send-code')).toBeDisabled()
    await expect(register.el('sms-code')).toBeFocused()
    await expect(register.el('send-code-status')).toHaveRole('status')
    await expect(register.el('send-code-status')).toHaveText('验证码已发送')
    // Not 将向 … 发送验证码 beside a button that cannot be tapped: that it went, and when another may.
    await expect(register.el('send-to')).toHaveText(new RegExp(`^验证码已发送至 ${who.mobile}，\\d+秒后可重新发送$`))
    // Switched to English, it reads in English (it kept the Chinese it was first said in).
    await kiosk.page.getByRole('button', { name: 'English' }).click()
    await expect(register.el('send-code-status')).toHaveText('Code sent')
    await expect(register.el('send-to')).toHaveText(new RegExp(`^A code was sent to ${who.mobile}\\. You can ask for another in \\d+ s\\.$`))
    // A mistyped number corrected: the wait was for that number only, so the button is ready for the new one.
    await register.fill('mobile', candidate(26).mobile)
    await expect(register.el('send-code')).toBeEnabled()
    await expect(register.el('send-code')).toHaveText('Send code')
  })

  test('发送验证码 takes back 请输入短信验证码: the candidate is not told off for the field they are now asked to fill', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    const who = candidate(28)
    await register.open()
    await register.submit()
    await expect(register.fieldError('sms-code')).toHaveText('请输入短信验证码')
    await register.fill('mobile', who.mobile)
    await register.sendCode(who.mobile)
    await expect(register.el('sms-code')).toBeFocused()
    await expect(register.fieldError('sms-code')).toHaveCount(0)
    await expect(register.el('sms-code')).not.toHaveAttribute('aria-invalid')
    // The other fields' messages are still theirs to fix.
    await expect(register.fieldError('name')).toHaveText('请输入姓名')
  })

  test('将向 … 发送验证码 names the number as 注册信息确认 will: half-width, without the spaces typed', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    const who = candidate(81)
    await register.open()
    await expect(register.el('send-to')).toHaveText('将向 您输入的手机号 发送验证码')
    // A Chinese input method's full-width digits, grouped with spaces.
    const typed = `${fullWidth(who.mobile.slice(0, 3))} ${who.mobile.slice(3, 7)} ${fullWidth(who.mobile.slice(7))}`
    await register.fill('mobile', typed)
    await expect(register.el('send-to')).toHaveText(`将向 ${who.mobile} 发送验证码`)
  })

  test.describe('with the server’s one code a minute per number', () => {
    test.use({ sendLimits: {} })

    test('a refused registration started again within the minute: the number was wiped with the receipt, so the server tells the wait left and 发送验证码 counts it down', async ({ kiosk }) => {
      const register = new RegisterPage(kiosk)
      const who = candidate(82)
      await register.open()
      await register.submitOfflineWithWrongCode(who)
      await expect(kiosk.page.getByTestId('receipt-saved')).toBeVisible({ timeout: 15_000 })
      await kiosk.central.start()
      await expect(kiosk.page.getByTestId('receipt-error')).toBeVisible({ timeout: 15_000 })
      await register.el('again').click()
      // The form is empty, and nothing of the number is kept behind the receipt (memory.spec.ts).
      await register.fill('mobile', who.mobile)
      await expect(register.el('send-code')).toHaveText('发送验证码')
      await register.el('send-code').click()
      // The wait is the button's countdown: a number here would disagree with it within seconds.
      await expect(register.fieldError('sms-code')).toHaveText('验证码发送过于频繁，请待按钮上的倒计时结束后重新发送')
      await expect(register.el('send-code')).toHaveText(/^\d+秒后重新发送$/)
      await expect(register.el('send-code')).toBeDisabled()
      // The disabled button would have dropped the keyboard to <body>: the code field has it, and reads why.
      await expect(register.el('sms-code')).toBeFocused()
      await expect(register.el('sms-code')).toHaveAccessibleDescription(/^验证码发送过于频繁，请待按钮上的倒计时结束后重新发送/)
      // The language switched from there: the empty code field's blur does not put 请输入短信验证码 in
      // place of why no code came.
      await kiosk.page.getByTestId('header-language').click()
      await expect(register.fieldError('sms-code')).toHaveText('Codes were sent too often. Please ask for a new one when the countdown on the button ends.')
      await kiosk.page.getByTestId('header-language').click()
      await expect(register.fieldError('sms-code')).toHaveText('验证码发送过于频繁，请待按钮上的倒计时结束后重新发送')
      // Another number has no wait.
      await register.fill('mobile', candidate(83).mobile)
      await expect(register.el('send-code')).toHaveText('发送验证码')
    })
  })

  test('a countdown is forgotten when the candidate leaves 注册: back at 注册, the same number may be sent a code', async ({ kiosk }) => {
    const register = new RegisterPage(kiosk)
    const who = candidate(84)
    await register.open()
    await register.fill('mobile', who.mobile)
    await register.sendCode(who.mobile)
    await expect(register.el('send-code')).toBeDisabled()
    await kiosk.page.getByTestId('header-home').click()
    await kiosk.page.getByTestId('home-register').click()
    await register.fill('mobile', who.mobile)
    await expect(register.el('send-code')).toHaveText('发送验证码')
    await expect(register.el('send-code')).toBeEnabled()
  })
})
