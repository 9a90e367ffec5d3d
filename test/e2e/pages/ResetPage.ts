import type { KioskHarness } from '../harness/kioskFixture'
import { codeSentBy, KioskPage } from './kioskPage'

export class ResetPage extends KioskPage {
  constructor(kiosk: KioskHarness) {
    super(kiosk, 'reset')
  }

  async open(): Promise<void> {
    await this.kiosk.open('/reset')
    await this.el('next').waitFor()
  }

  /** 手机号/邮箱 + 验证码 -> 下一步. */
  async start(identifier: string, captcha?: string): Promise<void> {
    await this.fill('identifier', identifier)
    await this.solveCaptcha(captcha)
    await this.el('next').click()
  }

  /** 验证手机验证码: 发送验证码, type what arrived (or `code`), 确认. */
  async verifyMobile(mobile: string, code?: string): Promise<void> {
    const received = await codeSentBy(this.page, mobile, () => this.el('send-code').click())
    await this.fill('sms-code', code ?? received)
    await this.el('verify').click()
  }

  /** The new password twice, the captcha, 确认; `offline`: the central API is stopped just before 确认. */
  async setPassword(password: string, options: { confirm?: string; captcha?: string; emailCode?: string; offline?: boolean } = {}): Promise<void> {
    if (options.emailCode !== undefined) await this.fill('email-code', options.emailCode)
    await this.fill('password', password)
    await this.fill('password-confirm', options.confirm ?? password)
    await this.solveCaptcha(options.captcha)
    if (options.offline) await this.kiosk.central.stop()
    await this.el('submit').click()
  }
}
