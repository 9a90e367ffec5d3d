import { test, expect } from '../e2e/harness/kioskFixture'
import { shot } from './shot'
import { candidate } from '../e2e/pages/candidates'
import { queueAppeal, queueAppealInBackoff, SetupWizardPage, SupervisorPage } from '../e2e/pages/supervisorPages'

// The staff side of the kiosk, as staff see it: the set-up wizard, the PIN pad and each tab of
// supervisor mode, with ops in every state a busy morning leaves in the list.
test.setTimeout(90_000)

test.describe('first start', () => {
  test.use({ setUp: false })
  test('screenshots: the set-up wizard', async ({ kiosk }) => {
    const wizard = new SetupWizardPage(kiosk)
    await kiosk.open('/')
    await expect(wizard.step()).toHaveAttribute('data-step', 'kiosk')
    await shot(kiosk.page, 'setup-kiosk')
    await wizard.el('next').click()
    await expect(wizard.step()).toHaveAttribute('data-step', 'central')
    await shot(kiosk.page, 'setup-central')
    await wizard.el('next').click()
    await expect(wizard.step()).toHaveAttribute('data-step', 'pin')
    await wizard.fill('pin', '1234')
    await wizard.el('finish').click()
    await expect(wizard.fieldError('pin')).toBeVisible()
    await shot(kiosk.page, 'setup-pin')
  })
})

test('screenshots: PIN pad, dashboard, services, settings, audit log', async ({ kiosk }) => {
  const { page } = kiosk
  const supervisor = new SupervisorPage(kiosk)
  await supervisor.openPinPadOnHome()
  await supervisor.fill('pin-staff-id', 'T07')
  await supervisor.fill('pin-staff-name', '王老师')
  await shot(page, 'supervisor-pin')

  // A morning's list: one appeal waiting in backoff after a network failure, one with the central
  // API, one rejected staff reset, one cancelled.
  await queueAppealInBackoff(kiosk, candidate(21), { stuck: true })
  await supervisor.typePin('246810')
  await expect(supervisor.el('overview')).toBeVisible()
  await supervisor.el('pause').click()
  const dropped = await queueAppeal(page, candidate(22))
  await supervisor.el('resume').click()
  await supervisor.tab('services')
  await expect(supervisor.el('reset-submit')).toBeVisible()
  await shot(page, 'supervisor-services')
  const nobody = candidate(23)
  await supervisor.resetOnSite(nobody, 'Zx9#kLm2pQ')
  await expect(supervisor.el('reset-result')).toHaveAttribute('data-status', 'rejected')
  await shot(page, 'supervisor-services-result')

  await supervisor.tab('dashboard')
  await supervisor.el('pause').click()
  const cancelled = await queueAppeal(page, candidate(24))
  await supervisor.el('refresh').click()
  await supervisor.op(cancelled.receipt).getByTestId('supervisor-op-cancel').click()
  await supervisor.el('cancel-reason-duplicate').click()
  await shot(page, 'supervisor-cancel')
  await supervisor.el('cancel-confirm').click()
  await expect(supervisor.op(cancelled.receipt)).toHaveAttribute('data-status', 'cancelled')
  await supervisor.el('resume').click()
  await expect(supervisor.op(dropped.receipt)).toHaveAttribute('data-status', 'pending')
  await shot(page, 'supervisor-dashboard')

  await supervisor.tab('settings')
  await expect(supervisor.el('settings-kiosk-name')).toBeVisible()
  await shot(page, 'supervisor-settings')
  await supervisor.tab('audit')
  await expect(page.getByTestId('supervisor-audit-row').first()).toBeVisible()
  await shot(page, 'supervisor-audit')
})
