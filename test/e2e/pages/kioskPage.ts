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

interface CaptchaReader {
  captchaAnswer?: (captchaId: string) => string | undefined
}

export function captchaAnswerOf(kiosk: KioskHarness, captchaId: string): string {
  const reader = kiosk as KioskHarness & CaptchaReader
  const answer = reader.captchaAnswer?.(captchaId)
  if (answer === undefined) throw new Error('the harness does not know this captcha (kiosk.captchaAnswer)')
  return answer
}

/** The newest code the demo sink sent to a mobile or email (what the candidate's phone shows). */
export async function latestCode(page: Page, to: string): Promise<string> {
  let code: string | null = null
  await expect
    .poll(async () => {
      code = await page.evaluate(async (recipient) => {
        const answer = await window.kiosk.dev.messages({ to: recipient })
        if (!answer.ok) return null
        const withCode = answer.value.messages.filter((m) => m.code !== null)
        return withCode.at(-1)?.code ?? null
      }, to)
      return code
    })
    .not.toBeNull()
  return code as unknown as string
}
