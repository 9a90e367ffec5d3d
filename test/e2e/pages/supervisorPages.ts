import { expect, type Locator, type Page } from '@playwright/test'
import { supervisorPin, type KioskHarness } from '../harness/kioskFixture'
import { opsPerVisit } from '../../../src-main/services/kioskHandlers'
import type { Candidate } from './candidates'
import { KioskPage } from './kioskPage'

/** The staff member of these stories (a staff ID and a name the audit log accepts). */
export const staff = { staffId: 'T07', staffName: '王老师' }

/** Supervisor mode: the PIN pad, the dashboard and its tabs (data-testid `supervisor-<element>`). */
export class SupervisorPage extends KioskPage {
  constructor(kiosk: KioskHarness) {
    super(kiosk, 'supervisor')
  }

  /** The hidden gesture: the key chord Ctrl+Alt+S, or five taps on the header's logo. */
  /** From the candidates' home screen, as staff arriving at an idle kiosk. */
  async openPinPadOnHome(): Promise<void> {
    await this.kiosk.open('/')
    // The gesture belongs to a screen that is up: wait for home before the chord.
    await expect(this.page.getByTestId('home-progress')).toBeVisible()
    await this.openPinPad()
  }

  async openPinPad(via: 'chord' | 'taps' = 'chord'): Promise<void> {
    // The gesture belongs to the header of a screen that is up; right after a (re)start the
    // router may still be settling, so wait for the header and give the gesture a second go.
    await expect(this.page.getByTestId('header-logo')).toBeVisible()
    await expect(async () => {
      if (via === 'chord') await this.page.keyboard.press('Control+Alt+KeyS')
      else for (let i = 0; i < 5; i++) await this.page.getByTestId('header-logo').click()
      await expect(this.el('pin-pad')).toBeVisible({ timeout: 2_000 })
    }).toPass({ timeout: 10_000 })
  }

  /** Types staff ID, name and PIN on the pad (the PIN digit by digit on the keypad) and taps 进入. */
  async typePin(pin: string, who = staff): Promise<void> {
    await this.fill('pin-staff-id', who.staffId)
    await this.fill('pin-staff-name', who.staffName)
    await this.el('pin-clear').click()
    for (const digit of pin) await this.el(`pin-key-${digit}`).click()
    await this.el('pin-submit').click()
  }

  /** Five wrong PINs, each answered (PIN 不正确 and how many more the pad takes, the field emptied) before the next: the fifth locks the pad. */
  async lockWithWrongPins(): Promise<void> {
    for (let i = 1; i <= 4; i++) {
      await this.typePin('111111')
      await expect(this.el('pin-error')).toHaveText(`PIN 不正确，再输错 ${5 - i} 次将暂时锁定`)
      await expect(this.el('pin-input')).toHaveValue('')
    }
    await this.typePin('111111')
    await expect(this.el('pin-locked')).toContainText('PIN 错误次数过多，已锁定')
  }

  /** 现场服务 → 现场核验重置密码: the candidate's document details and the new password, twice (not yet the ID check). */
  async fillReset(who: Candidate, password: string): Promise<void> {
    await this.fill('reset-id-number', who.idNumber)
    await this.fill('reset-name', who.name)
    await this.fill('reset-password', password)
    await this.fill('reset-password-confirm', password)
  }

  /** 现场服务 → 代为提交申诉: what is occupied, the candidate's details and the statement (not yet the ID check). */
  async fillAppeal(who: Candidate, occupied: 'idNumber' | 'mobile' | 'email', statement: string): Promise<void> {
    await this.el(`appeal-occupied-${occupied}`).click()
    await this.fill('appeal-id-number', who.idNumber)
    await this.fill('appeal-name', who.name)
    await this.fill('appeal-mobile', who.mobile)
    await this.fill('appeal-email', who.email)
    await this.fill('appeal-statement', statement)
  }

  /** From home, in through the gesture and the PIN, to the dashboard. */
  async enter(pin = supervisorPin): Promise<void> {
    await this.openPinPadOnHome()
    await this.typePin(pin)
    await expect(this.el('mode')).toBeVisible()
    await expect(this.el('overview')).toBeVisible()
  }

  /** In with main's supervisor idle timeout at its shortest, 15 s: the warning comes 5 s before the end. */
  async enterSoonIdle(): Promise<void> {
    expect(this.kiosk.services.supervisor.settings.update({ supervisorIdleTimeoutSec: 15 }).ok).toBe(true)
    await this.enter()
  }

  async tab(which: 'dashboard' | 'services' | 'settings' | 'audit'): Promise<void> {
    await this.el(`nav-${which}`).click()
  }

  /** 现场服务 → 代为提交信息占用申诉. */
  async openOnSiteAppeal(): Promise<void> {
    await this.tab('services')
    await this.el('services-tab-appeal').click()
  }

  /**
   * In with the shortest timeout, a complete on-site appeal ticked and not yet sent, the keyboard in its
   * 邮箱, until the idle warning is up (staff still reading the statement back to the candidate).
   */
  async warnedOverUnsentAppeal(who: Candidate): Promise<Locator> {
    await this.enterSoonIdle()
    await this.openOnSiteAppeal()
    await this.fillAppeal(who, 'idNumber', '考生从未注册过通行证，但证件号码已被其他账号占用。')
    await this.el('appeal-checked').click()
    await this.el('appeal-email').focus()
    const warning = this.el('idle-warning')
    await expect(warning).toBeVisible({ timeout: 13_000 })
    return warning
  }

  /** 操作日志 with 20 rows more than the kiosk's own: two pages, ‹ and › to turn them. */
  async openAuditOfTwoPages(): Promise<void> {
    for (let i = 0; i < 20; i++) this.kiosk.services.supervisor.audit.append({ action: 'pause', detail: {}, actor: { staffId: staff.staffId, name: staff.staffName } })
    await this.tab('audit')
  }

  /** Opens 设置 and submits this address and one-time code under 中心服务器与登记. */
  async reenrol(centralUrl: string, code: string): Promise<void> {
    await this.tab('settings')
    await this.fill('central-url', centralUrl)
    await this.fill('central-code', code)
    await this.el('central-reenrol').click()
    await this.el('central-confirm').click()
  }

  /** One op's card in the list, by its receipt code. */
  op(receipt: string): Locator {
    return this.page.locator(`[data-testid="supervisor-op"][data-receipt="${receipt}"]`)
  }

  /** 现场服务 → 核验证件后重置密码 for this person, ticked as checked, submitted. */
  async resetOnSite(who: Pick<Candidate, 'idNumber' | 'name'>, newPassword: string): Promise<void> {
    await this.el('reset-checked').click()
    await this.fill('reset-id-number', who.idNumber)
    await this.fill('reset-name', who.name)
    await this.fill('reset-password', newPassword)
    await this.fill('reset-password-confirm', newPassword)
    await this.el('reset-submit').click()
  }

  depth(status: string): Locator {
    return this.el(`depth-${status}`)
  }

  /** 暂停同步, then an appeal queued (it stays on the kiosk), and the list shown with it. */
  async pauseWithQueuedAppeal(who: Candidate): Promise<{ id: string; receipt: string }> {
    await this.el('pause').click()
    const op = await queueAppeal(this.page, who)
    await this.el('refresh').click()
    return op
  }

  /** 撤销 on this op's card, and a reason chosen in the dialog (not yet confirmed). */
  async startCancel(receipt: string, reason: 'candidateRequest' | 'duplicate' | 'wrongData' | 'expired' | 'other'): Promise<void> {
    await this.op(receipt).getByTestId('supervisor-op-cancel').click()
    await this.el(`cancel-reason-${reason}`).click()
  }
}

/** The first-start wizard (data-testid `setup-<element>`). */
export class SetupWizardPage extends KioskPage {
  constructor(kiosk: KioskHarness) {
    super(kiosk, 'setup')
  }

  step(): Locator {
    return this.el('wizard')
  }

  /** On to the PIN step, the same PIN typed twice, and 完成设置. */
  /** A new kiosk's wizard, finished with a central address nothing answers at (a typo, a server away). */
  async finishWithUnreachableCentral(): Promise<void> {
    await this.kiosk.open('/')
    await this.el('next').click()
    await this.fill('central-url', 'https://127.0.0.1:1')
    await this.fill('enrolment-code', 'ABCD-1234')
    await this.finishWithPin()
  }

  async finishWithPin(pin = '13572468'): Promise<void> {
    await this.el('next').click()
    await this.fill('pin', pin)
    await this.fill('pin-confirm', pin)
    await this.el('finish').click()
  }
}

/**
 * A candidate's appeal committed to the outbox (what the appeal screen submits), without waiting for
 * the server: the op the supervisor then sees in the list.
 */
export async function queueAppeal(page: Page, who: Candidate): Promise<{ id: string; receipt: string }> {
  const outcome = await page.evaluate(
    (person) =>
      window.kiosk.ops.submit({
        kind: 'appeal',
        payload: {
          occupied: 'idNumber',
          idType: person.idType,
          idNumber: person.idNumber,
          name: person.name,
          mobile: person.mobile,
          email: person.email,
          statement: '我从未注册过通行证，但我的证件号码已被其他账号占用。',
        },
        waitMs: 0,
      }),
    who,
  )
  if (!outcome.ok) throw new Error(`appeal not queued: ${outcome.error.code}`)
  return { id: outcome.value.id, receipt: outcome.value.receipt }
}

/**
 * Appeals of as many candidates as `people`, queued in order: the long queue staff page through. One
 * visit queues at most `opsPerVisit` ops, so a new visit starts before each next batch of them, as
 * another candidate's would.
 */
export async function queueAppeals(kiosk: KioskHarness, people: Candidate[]): Promise<{ id: string; receipt: string }[]> {
  const queued = []
  for (const [i, who] of people.entries()) {
    if (i > 0 && i % opsPerVisit === 0) kiosk.services.session.wipe()
    queued.push(await queueAppeal(kiosk.page, who))
  }
  return queued
}

/**
 * An appeal whose push failed for a passing cause (no answer from the network), now waiting ten
 * minutes in backoff: what the engine itself does after a failed push, done by hand so the wait is
 * long enough to see that only the supervisor's action sends it.
 */
export async function queueAppealInBackoff(
  kiosk: KioskHarness,
  who: Candidate,
  options: { stuck?: boolean } = {},
): Promise<{ id: string; receipt: string }> {
  const engine = kiosk.services.engine
  const outbox = kiosk.services.outbox
  if (!engine || !outbox) throw new Error('the kiosk is not enrolled')
  engine.pause()
  try {
    const op = await queueAppeal(kiosk.page, who)
    const claimed = outbox.claimBatch({ maxOps: 50, maxBytes: 1_000_000 })
    expect(claimed.ops.map((o) => o.id)).toContain(op.id)
    outbox.releaseForRetry(
      claimed.ops.map((o) => o.id),
      { code: 'NETWORK_UNAVAILABLE' },
      () => 10 * 60_000,
      // Stuck after this one failed attempt, or after the engine's usual five.
      options.stuck ? 1 : 5,
    )
    return op
  } finally {
    engine.resume()
  }
}
