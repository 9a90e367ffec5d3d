import type { Locator } from '@playwright/test'
import type { KioskHarness } from '../harness/kioskFixture'
import { KioskPage } from './kioskPage'

/**
 * 查询办理进度: look a receipt code up. The answer is the shared receipt card below the form
 * (`receipt`, `receipt-code`, `receipt-status`; docs/testing.md lists its data-status values), which
 * follows the op live: no second 查询 is needed to see it change.
 */
export class ProgressPage extends KioskPage {
  constructor(kiosk: KioskHarness) {
    super(kiosk, 'progress')
  }

  async open(): Promise<void> {
    await this.kiosk.open('/progress')
    await this.el('submit').waitFor()
  }

  async lookUp(receiptCode: string): Promise<void> {
    await this.fill('receipt', receiptCode)
    await this.el('submit').click()
  }

  /** The receipt card answering the lookup (or the one that replaced a form). */
  receipt(): Locator {
    return this.page.getByTestId('receipt')
  }
}
