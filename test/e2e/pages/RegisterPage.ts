import type { KioskHarness } from '../harness/kioskFixture'
import type { Candidate } from './candidates'
import { codeSentBy, KioskPage } from './kioskPage'

export class RegisterPage extends KioskPage {
  constructor(kiosk: KioskHarness) {
    super(kiosk, 'register')
  }

  async open(): Promise<void> {
    await this.kiosk.open('/register')
    await this.el('submit').waitFor()
  }

  async fillDetails(who: Candidate, passwordConfirm = who.password): Promise<void> {
    await this.fill('email', who.email)
    await this.fill('mobile', who.mobile)
    await this.fill('password', who.password)
    await this.fill('password-confirm', passwordConfirm)
    await this.fill('id-number', who.idNumber)
    await this.fill('name', who.name)
  }

  /** 发送验证码, then the code from the candidate's (simulated) phone. */
  async sendCode(mobile: string): Promise<string> {
    return codeSentBy(this.page, mobile, () => this.el('send-code').click())
  }

  async agree(): Promise<void> {
    await this.el('agree').click()
  }

  /** Everything filled in, the SMS code received and typed, the agreement ticked: 注册. */
  async fillAll(who: Candidate, smsCode?: string): Promise<void> {
    await this.fillDetails(who)
    const code = await this.sendCode(who.mobile)
    await this.fill('sms-code', smsCode ?? code)
    await this.agree()
  }

  async submit(): Promise<void> {
    await this.el('submit').click()
  }

  /** Everything filled in and confirmed while the central API is stopped: a receipt replaces the form. */
  async submitOffline(who: Candidate): Promise<void> {
    await this.fillAll(who)
    await this.kiosk.central.stop()
    await this.submit()
    await this.el('confirm-ok').click()
  }

  /** The form with a wrong SMS code, confirmed while the central API is stopped: only the centre, once back, finds the code wrong. */
  async submitOfflineWithWrongCode(who: Candidate): Promise<void> {
    await this.fillDetails(who)
    const code = await this.sendCode(who.mobile)
    await this.fill('sms-code', code === '000000' ? '111111' : '000000')
    await this.agree()
    await this.kiosk.central.stop()
    await this.submit()
    await this.el('confirm-ok').click()
  }
}
