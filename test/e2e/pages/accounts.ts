import type { Page } from '@playwright/test'
import type { Candidate } from './candidates'
import { latestCode } from './kioskPage'

/**
 * Registers an account straight through window.kiosk (the same calls the register screen makes),
 * for the stories that begin with "a candidate who already has a passport".
 */
export async function registerThroughKiosk(page: Page, who: Candidate): Promise<void> {
  const sent = await page.evaluate((mobile) => window.kiosk.sms.send({ mobile, purpose: 'register' }), who.mobile)
  if (!sent.ok) throw new Error(`sms.send failed: ${sent.error.code}`)
  const smsCode = await latestCode(page, who.mobile)
  const outcome = await page.evaluate(
    ({ person, code }) =>
      window.kiosk.ops.submit({
        kind: 'register',
        payload: {
          email: person.email,
          mobile: person.mobile,
          password: person.password,
          idType: person.idType,
          idNumber: person.idNumber,
          name: person.name,
          smsCode: code,
          agreed: true,
        },
        waitMs: 10_000,
      }),
    { person: who, code: smsCode },
  )
  if (!outcome.ok || outcome.value.status !== 'applied') throw new Error(`register failed: ${JSON.stringify(outcome)}`)
}
