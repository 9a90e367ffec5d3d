import { test, expect } from './harness/kioskFixture'
import { seriousViolations } from './pages/axe'
import { candidate } from './pages/candidates'
import { queueAppeal, queueAppealInBackoff, SetupWizardPage, SupervisorPage } from './pages/supervisorPages'

// Staff use the same touch screen as candidates: the same accessibility bar for their screens.

test.describe('staff screens: accessibility', () => {
  test.describe('first start', () => {
    test.use({ setUp: false })
    test('no serious or critical violation on any step of the set-up wizard', async ({ kiosk }) => {
      const wizard = new SetupWizardPage(kiosk)
      await kiosk.open('/')
      const found: string[] = []
      for (const step of ['kiosk', 'central', 'pin']) {
        await expect(wizard.step()).toHaveAttribute('data-step', step)
        found.push(...(await seriousViolations(kiosk.page, `wizard ${step}`)))
        if (step !== 'pin') await wizard.el('next').click()
      }
      await wizard.el('finish').click()
      await expect(wizard.fieldError('pin')).toBeVisible()
      found.push(...(await seriousViolations(kiosk.page, 'wizard pin errors')))
      expect(found).toEqual([])
    })
  })

  test('no serious or critical violation on the PIN pad, each supervisor tab, the cancel dialog and the simulated phone', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    const found: string[] = []
    await kiosk.open('/')
    await expect(page.getByTestId('home-progress')).toBeVisible()
    const waiting = await queueAppealInBackoff(kiosk, candidate(31))
    await supervisor.openPinPad()
    found.push(...(await seriousViolations(page, 'PIN pad')))
    await supervisor.typePin('000000')
    await expect(supervisor.el('pin-error')).toBeVisible()
    found.push(...(await seriousViolations(page, 'PIN pad, wrong PIN')))
    await supervisor.typePin('246810')
    await expect(supervisor.el('overview')).toBeVisible()
    await supervisor.el('pause').click()
    const queued = await queueAppeal(page, candidate(32))
    await supervisor.el('refresh').click()
    await expect(supervisor.op(waiting.receipt)).toBeVisible()
    found.push(...(await seriousViolations(page, 'dashboard')))
    await supervisor.op(queued.receipt).getByTestId('supervisor-op-cancel').click()
    await supervisor.el('cancel-confirm').click()
    await expect(supervisor.el('cancel-error')).toBeVisible()
    found.push(...(await seriousViolations(page, 'cancel dialog')))
    await supervisor.el('cancel-back').click()
    await supervisor.el('resume').click()

    await supervisor.tab('services')
    await supervisor.el('reset-submit').click()
    await expect(supervisor.fieldError('reset-checked')).toBeVisible()
    found.push(...(await seriousViolations(page, 'services: reset with errors')))
    await supervisor.el('services-tab-appeal').click()
    await expect(supervisor.el('appeal-submit')).toBeVisible()
    found.push(...(await seriousViolations(page, 'services: appeal')))
    await supervisor.tab('settings')
    await expect(supervisor.el('settings-kiosk-name')).toBeVisible()
    found.push(...(await seriousViolations(page, 'settings')))
    await supervisor.tab('audit')
    await expect(supervisor.el('audit-row').first()).toBeVisible()
    found.push(...(await seriousViolations(page, 'audit log')))

    await page.getByTestId('demo-open').click()
    await expect(page.getByTestId('demo-inbox')).toBeVisible()
    found.push(...(await seriousViolations(page, 'simulated phone')))
    expect(found).toEqual([])
  })
})
