import { expect, type Locator, type Page } from '@playwright/test'
import type { KioskHarness } from '../harness/kioskFixture'

/**
 * What every screen's page object shares: fields by data-testid (`<screen>-<element>`), the error
 * shown under a field, Element Plus selects, the image captcha and the codes the demo "phone"
 * received.
 */
export class KioskPage {
  readonly page: Page
  constructor(
    readonly kiosk: KioskHarness,
    readonly screen: string,
  ) {
    this.page = kiosk.page
  }

  el(element: string): Locator {
    return this.page.getByTestId(`${this.screen}-${element}`)
  }

  async fill(element: string, value: string): Promise<void> {
    await this.el(element).fill(value)
  }

  /** The message under a field (el-form-item's error), empty when the field is fine. */
  fieldError(element: string): Locator {
    return this.el(`${element}-field`).locator('.el-form-item__error')
  }

  /**
   * A field's check on blur waits for the pointer to lift when a tap moved the focus (useFieldErrors):
   * the page's next task, after the tap's click, is when such a waiting message has appeared or gone.
   */
  async checksSettled(): Promise<void> {
    await this.page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)))
  }

  formError(): Locator {
    return this.el('error')
  }

  async choose(select: string, option: string): Promise<void> {
    await this.el(select).click()
    await this.page.getByTestId(`${this.screen}-${select}-${option}`).click()
  }

  /** Types the captcha like a candidate who can read the picture (the harness knows each answer). */
  async solveCaptcha(answer?: string): Promise<void> {
    const image = this.el('captcha-image')
    await expect(image).toHaveAttribute('data-captcha-id', /.+/)
    const id = (await image.getAttribute('data-captcha-id')) ?? ''
    await this.fill('captcha', answer ?? captchaAnswerOf(this.kiosk, id))
  }
}

export function captchaAnswerOf(kiosk: KioskHarness, captchaId: string): string {
  const answer = kiosk.captchaAnswer(captchaId)
  if (answer === '') throw new Error(`the harness does not know captcha ${captchaId}`)
  return answer
}

export async function codesSentTo(page: Page, to: string): Promise<string[]> {
  return page.evaluate(async (recipient) => {
    const answer = await window.kiosk.dev.messages({ to: recipient })
    // An error here is not "no message": a test of what did not arrive must not pass on it.
    if (!answer.ok) throw new Error(`dev.messages failed: ${answer.error.code}`)
    return answer.value.messages.flatMap((m) => (m.code === null ? [] : [m.code]))
  }, to)
}

/**
 * Does `send` (a tap on 发送验证码, or a call) and answers the code that then arrived on the
 * candidate's simulated phone or mailbox: never an older one.
 */
export async function codeSentBy(page: Page, to: string, send: () => Promise<unknown>): Promise<string> {
  const before = (await codesSentTo(page, to)).length
  await send()
  let codes: string[] = []
  await expect
    .poll(async () => {
      codes = await codesSentTo(page, to)
      return codes.length
    })
    .toBeGreaterThan(before)
  return codes.at(-1) ?? ''
}

/** The newest code already sent to a mobile or email. */
export async function latestCode(page: Page, to: string): Promise<string> {
  let codes: string[] = []
  await expect
    .poll(async () => {
      codes = await codesSentTo(page, to)
      return codes.length
    })
    .toBeGreaterThan(0)
  return codes.at(-1) ?? ''
}
