import type { KioskHarness } from '../harness/kioskFixture'
import type { Candidate } from './candidates'
import { KioskPage } from './kioskPage'

export class LoginPage extends KioskPage {
  constructor(kiosk: KioskHarness) {
    super(kiosk, 'login')
  }

  async open(): Promise<void> {
    await this.kiosk.open('/login')
    await this.el('submit').waitFor()
  }

  async logIn(who: Pick<Candidate, 'idNumber' | 'password'>, options: { province?: string; captcha?: string } = {}): Promise<void> {
    await this.choose('province', options.province ?? '11')
    await this.fill('id-number', who.idNumber)
    await this.fill('password', who.password)
    await this.solveCaptcha(options.captcha)
    await this.el('submit').click()
  }
}
