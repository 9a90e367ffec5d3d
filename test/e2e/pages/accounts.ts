import { expect, type Page } from '@playwright/test'
import type { KioskHarness } from '../harness/kioskFixture'
import type { Candidate } from './candidates'
import { codeSentBy } from './kioskPage'
import { LoginPage } from './LoginPage'

/**
 * Registers an account straight through window.kiosk (the same calls the register screen makes),
 * for the stories that begin with "a candidate who already has a passport".
 */
export async function registerThroughKiosk(page: Page, who: Candidate): Promise<void> {
  const smsCode = await codeSentBy(page, who.mobile, async () => {
    const sent = await page.evaluate((mobile) => window.kiosk.sms.send({ mobile, purpose: 'register' }), who.mobile)
    if (!sent.ok) throw new Error(`sms.send failed: ${sent.error.code}`)
  })
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

/** A candidate with a passport, logged in through CET报名登录, looking at 我的ETEST通行证. */
/** A candidate registered through the kiosk, at 登录 (a test may set something up before `logIn`). */
export async function registeredAtLogin(kiosk: KioskHarness, who: Candidate): Promise<LoginPage> {
  await kiosk.open('/')
  await registerThroughKiosk(kiosk.page, who)
  const login = new LoginPage(kiosk)
  await login.open()
  return login
}

export async function logInAs(kiosk: KioskHarness, who: Candidate): Promise<void> {
  const login = await registeredAtLogin(kiosk, who)
  await login.logIn(who)
  await expect(kiosk.page.getByTestId('account-welcome')).toBeVisible()
}

