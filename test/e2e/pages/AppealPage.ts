import type { KioskHarness } from '../harness/kioskFixture'
import type { Candidate } from './candidates'
import { KioskPage } from './kioskPage'

export class AppealPage extends KioskPage {
  constructor(kiosk: KioskHarness) {
    super(kiosk, 'appeal')
  }

  async open(): Promise<void> {
    await this.kiosk.open('/appeal')
    await this.el('submit').waitFor()
  }

  async file(who: Candidate, occupied: 'idNumber' | 'mobile' | 'email', statement: string): Promise<void> {
    await this.el(`occupied-${occupied}`).click()
    await this.fill('id-number', who.idNumber)
    await this.fill('name', who.name)
    await this.fill('mobile', who.mobile)
    await this.fill('email', who.email)
    await this.fill('statement', statement)
    await this.el('submit').click()
  }
}
