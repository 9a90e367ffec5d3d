import type { KioskHarness } from '../harness/kioskFixture'
import { codeSentBy, KioskPage } from './kioskPage'

/** A code that is not the one sent: only the centre finds out, once the op reaches it. */
const wrongCode = (sent: string) => (sent === '000000' ? '111111' : '000000')

/** 我的ETEST通行证 and its forms: 修改资料, 修改手机号, 修改密码, 验证手机, 验证邮箱. */
export class AccountPage extends KioskPage {
  constructor(kiosk: KioskHarness) {
    super(kiosk, 'account')
  }
}

export class ProfilePage extends KioskPage {
  constructor(kiosk: KioskHarness) {
    super(kiosk, 'profile')
  }

  async fillAll(values: { email: string; mobile: string; idNumber: string; name: string }, smsCode?: string): Promise<void> {
    await this.fill('email', values.email)
    await this.fill('mobile', values.mobile)
    await this.fill('id-number', values.idNumber)
    await this.fill('name', values.name)
    const code = await codeSentBy(this.page, values.mobile, () => this.el('send-code').click())
    await this.fill('sms-code', smsCode ?? code)
  }

  /** A new name with a wrong SMS code, confirmed while the central API is stopped. */
  async submitOfflineWithWrongCode(mobile: string, name: string): Promise<void> {
    await this.fill('name', name)
    await this.fill('mobile', mobile)
    const code = await codeSentBy(this.page, mobile, () => this.el('send-code').click())
    await this.fill('sms-code', wrongCode(code))
    await this.kiosk.central.stop()
    await this.el('submit').click()
    await this.el('confirm-ok').click()
  }
}

/** A form of a mobile number and the SMS code sent to it (修改手机号, 验证手机). */
class MobileCodePage extends KioskPage {
  /** The number, 发送验证码, the code that arrived (or `smsCode`), 确认. */
  protected async submitWithCode(mobile: string, smsCode?: string): Promise<void> {
    await this.fill('mobile', mobile)
    const code = await codeSentBy(this.page, mobile, () => this.el('send-code').click())
    await this.fill('sms-code', smsCode ?? code)
    await this.el('submit').click()
  }

  /** The number with a wrong SMS code, sent while the central API is stopped: only the centre can check it. */
  async submitOfflineWithWrongCode(mobile: string): Promise<void> {
    await this.fill('mobile', mobile)
    const code = await codeSentBy(this.page, mobile, () => this.el('send-code').click())
    await this.fill('sms-code', wrongCode(code))
    await this.kiosk.central.stop()
    await this.el('submit').click()
  }
}

export class ChangeMobilePage extends MobileCodePage {
  constructor(kiosk: KioskHarness) {
    super(kiosk, 'change-mobile')
  }

  async change(mobile: string, smsCode?: string): Promise<void> {
    await this.submitWithCode(mobile, smsCode)
  }
}

export class PasswordPage extends KioskPage {
  constructor(kiosk: KioskHarness) {
    super(kiosk, 'password')
  }

  async change(oldPassword: string, newPassword: string, captcha?: string): Promise<void> {
    await this.fill('old', oldPassword)
    await this.fill('password', newPassword)
    await this.fill('password-confirm', newPassword)
    await this.solveCaptcha(captcha)
    await this.el('submit').click()
  }

  /** A wrong old password, sent while the central API is stopped: only the centre can check it. */
  async submitOfflineWithWrongOld(oldPassword: string, newPassword: string): Promise<void> {
    await this.fill('old', oldPassword)
    await this.fill('password', newPassword)
    await this.fill('password-confirm', newPassword)
    await this.solveCaptcha()
    await this.kiosk.central.stop()
    await this.el('submit').click()
  }
}

export class VerifyMobilePage extends MobileCodePage {
  constructor(kiosk: KioskHarness) {
    super(kiosk, 'verify-mobile')
  }

  async verify(mobile: string, smsCode?: string): Promise<void> {
    await this.submitWithCode(mobile, smsCode)
  }
}

export class VerifyEmailPage extends KioskPage {
  constructor(kiosk: KioskHarness) {
    super(kiosk, 'verify-email')
  }

  async verify(email: string, code?: string): Promise<void> {
    await this.fill('email', email)
    const received = await codeSentBy(this.page, email, () => this.el('send-code').click())
    await this.fill('code', code ?? received)
    await this.el('submit').click()
  }

  /** The account's email with a wrong code, sent while the central API is stopped. */
  async submitOfflineWithWrongCode(email: string): Promise<void> {
    await this.fill('email', email)
    await codeSentBy(this.page, email, () => this.el('send-code').click())
    await this.fill('code', 'ZZZZ9999')
    await this.kiosk.central.stop()
    await this.el('submit').click()
  }
}
