import type { Locator } from '@playwright/test'
import { supervisorPin, test, expect } from './harness/kioskFixture'
import { seriousViolations } from './pages/axe'
import { focusIndicator } from './pages/focusRing'
import { holdAnswers } from './pages/heldAnswers'
import { expectShowPasswordButton } from './pages/passwordToggle'
import { candidate } from './pages/candidates'
import { queueAppeal, queueAppealInBackoff, queueAppeals, SetupWizardPage, SupervisorPage } from './pages/supervisorPages'

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

    test('the wizard names the window and, first after start, takes no focus; 显示密码 beside each PIN is a button reached by Tab, named, 44 px', async ({ kiosk }) => {
      const { page } = kiosk
      const wizard = new SetupWizardPage(kiosk)
      await kiosk.open('/')
      await expect(wizard.step()).toHaveAttribute('data-step', 'kiosk')
      await expect(page).toHaveTitle('自助机首次设置 - ETEST 通行证')
      // As at any start: nothing was left to announce, so nothing has the focus.
      await expect(page.locator('body')).toBeFocused()
      await wizard.el('next').click()
      await wizard.el('next').click()
      await expect(wizard.step()).toHaveAttribute('data-step', 'pin')
      await expect(page.locator('.el-input__password')).toHaveCount(0)

      for (const field of ['pin', 'pin-confirm']) {
        const input = wizard.el(field)
        const toggle = wizard.el(`${field}-toggle`)
        // Still a PIN: the on-screen keyboard offers digits, and 32 is the most it takes.
        await expect(input).toHaveAttribute('inputmode', 'numeric')
        await expect(input).toHaveAttribute('maxlength', '32')
        await input.fill('13572468')
        await expectShowPasswordButton(page, input, toggle)
      }
      await page.getByTestId('header-language').click()
      await expect(wizard.el('pin-toggle')).toHaveAccessibleName('Show password')
      await expect(page).toHaveTitle('Kiosk set-up - ETEST Passport')
      // The PIN read in clear is the one stored: it opens supervisor mode.
      await wizard.el('finish').click()
      await expect(wizard.el('done')).toBeVisible()
      expect(kiosk.services.supervisor.setup.isSetUp()).toBe(true)
      await wizard.el('start').click()
      await new SupervisorPage(kiosk).enter('13572468')
    })
    test('each step of the wizard puts the focus where staff act next: a field in error, an empty one to fill, else the heading; then 设置完成', async ({ kiosk }) => {
      const { page } = kiosk
      const wizard = new SetupWizardPage(kiosk)
      const heading = page.getByRole('heading', { level: 1, name: '自助机首次设置' })
      await kiosk.open('/')
      await wizard.el('kiosk-name').fill('')
      await wizard.el('next').click()
      await expect(wizard.fieldError('kiosk-name')).toBeVisible()
      await expect(wizard.el('kiosk-name')).toBeFocused()
      await wizard.el('kiosk-name').fill('一号机')
      await wizard.el('next').click()
      // Demo mode: the central server may stay empty, so no field calls for the on-screen keyboard.
      await expect(wizard.step()).toHaveAttribute('data-step', 'central')
      await expect(heading).toBeFocused()
      await wizard.el('next').click()
      await expect(wizard.step()).toHaveAttribute('data-step', 'pin')
      await expect(wizard.el('pin')).toBeFocused()
      await wizard.el('previous').click()
      await expect(heading).toBeFocused()
      await wizard.el('previous').click()
      // Filled in already: nothing to type there either.
      await expect(wizard.step()).toHaveAttribute('data-step', 'kiosk')
      await expect(heading).toBeFocused()
      await wizard.el('next').click()
      await wizard.el('next').click()
      await wizard.el('pin').fill('13572468')
      await wizard.el('pin-confirm').fill('13572460')
      await wizard.el('finish').click()
      await expect(wizard.fieldError('pin-confirm')).toBeVisible()
      await expect(wizard.el('pin-confirm')).toBeFocused()
      await wizard.el('pin-confirm').fill('13572468')
      await wizard.el('pin-confirm').press('Enter')
      const done = page.getByRole('heading', { level: 2, name: '设置完成' })
      await expect(done).toBeFocused()
      // Read out, without a ring drawn around a title.
      expect(await done.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('none')
    })
  })

  test('a staff screen opened from another has the focus on its heading and names the window, in Chinese and English', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    const heading = (name: string) => page.getByRole('heading', { level: 1, name, exact: true })
    await supervisor.enter()
    // 进入 went with the PIN pad: the dashboard's heading is where the keyboard and the screen reader are.
    await expect(heading('运行概况')).toBeFocused()
    await expect(page).toHaveTitle('运行概况 - ETEST 通行证')
    for (const [tab, name] of [
      ['services', '现场服务'],
      ['settings', '设置'],
      ['audit', '操作日志'],
      ['dashboard', '运行概况'],
    ] as const) {
      await supervisor.tab(tab)
      await expect(heading(name)).toBeFocused()
      await expect(page).toHaveTitle(`${name} - ETEST 通行证`)
    }
    await page.getByTestId('header-language').click()
    await expect(page).toHaveTitle('Overview - ETEST Passport')
    await supervisor.tab('audit')
    await expect(heading('Audit log')).toBeFocused()
    await expect(page).toHaveTitle('Audit log - ETEST Passport')
  })

  test('the PIN pad is named in the window and leaves the focus where it was: staff tap 工号 first, as before', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.openPinPadOnHome()
    await expect(page).toHaveTitle('进入监考模式 - ETEST 通行证')
    await expect(page.locator('body')).toBeFocused()
    await supervisor.el('pin-staff-id').click()
    await page.keyboard.type('T07')
    await expect(supervisor.el('pin-staff-id')).toBeFocused()
    await expect(supervisor.el('pin-staff-id')).toHaveValue('T07')
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

  test('现场服务’s two services are a tab list as a screen reader announces one: each tab controls its named panel, the arrow keys move between them, one Tab stop', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.tab('services')
    const tablist = page.getByRole('tablist', { name: '现场服务' })
    const reset = tablist.getByRole('tab', { name: '核验证件后重置密码' })
    const appeal = tablist.getByRole('tab', { name: '代为提交信息占用申诉' })
    await expect(page.getByRole('tabpanel', { name: '核验证件后重置密码' })).toContainText('适用于手机号已不可用')
    await reset.focus()
    await page.keyboard.press('ArrowRight')
    await expect(appeal).toBeFocused()
    await expect(appeal).toHaveAttribute('aria-selected', 'true')
    await expect(page.getByRole('tabpanel', { name: '代为提交信息占用申诉' })).toBeVisible()
    await expect(page.getByRole('tabpanel', { name: '核验证件后重置密码' })).toBeHidden()
    // From the selected tab, Tab goes on into its panel, not to the other tab.
    await page.keyboard.press('Shift+Tab')
    await expect(appeal).not.toBeFocused()
    await expect(reset).not.toBeFocused()
    await appeal.focus()
    await page.keyboard.press('ArrowRight')
    await expect(reset).toBeFocused()
    await expect(reset).toHaveAttribute('aria-selected', 'true')
  })

  test('设置’s −/+ and 现场服务’s 证件类型 select are touch targets of at least 44 × 44 px', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    const tooSmall: string[] = []
    const measure = async (what: string, target: Locator) => {
      const box = await target.boundingBox()
      if (!box || box.width < 44 || box.height < 44) tooSmall.push(`${what}: ${box?.width ?? 0}×${box?.height ?? 0}`)
    }
    await supervisor.enter()
    await supervisor.tab('settings')
    for (const key of ['idleTimeoutSec', 'idleWarningSec', 'supervisorIdleTimeoutSec', 'retentionDays'])
      for (const name of ['减少数值', '增加数值']) await measure(`${key} ${name}`, supervisor.el(`settings-${key}-field`).getByRole('button', { name }))
    await supervisor.tab('services')
    // The box drawn and tapped, not Element Plus's outer element (44 px around a 40 px box).
    await measure('reset 证件类型', supervisor.el('reset-id-type').locator('.el-select__wrapper'))
    await supervisor.el('services-tab-appeal').click()
    await measure('appeal 证件类型', supervisor.el('appeal-id-type').locator('.el-select__wrapper'))
    expect(tooSmall).toEqual([])
  })

  test.describe('on a 1024 × 768 screen', () => {
    test.use({ viewport: { width: 1024, height: 768 } })

    test('the PIN pad fits: 进入 shows without scrolling, after a wrong PIN too, and the keys stay at least 44 px', async ({ kiosk }) => {
      const { page } = kiosk
      const supervisor = new SupervisorPage(kiosk)
      await kiosk.open('/')
      await expect(page.getByTestId('home-progress')).toBeVisible()
      await supervisor.openPinPad()
      await expect(supervisor.el('pin-submit')).toBeInViewport({ ratio: 1 })
      for (const key of ['1', '0', 'clear', 'backspace']) {
        const box = await supervisor.el(key.length === 1 ? `pin-key-${key}` : `pin-${key}`).boundingBox()
        expect(Math.min(box?.width ?? 0, box?.height ?? 0), key).toBeGreaterThanOrEqual(44)
      }
      await supervisor.typePin('000000')
      await expect(supervisor.el('pin-error')).toHaveText('PIN 不正确，再输错 4 次将暂时锁定')
      // Typing the PIN did not have to scroll the pad to reach a key.
      expect(await page.evaluate(() => window.scrollY)).toBe(0)
      await expect(supervisor.el('pin-submit')).toBeInViewport({ ratio: 1 })
    })
  })
})

test.describe('staff screens: where the keyboard goes', () => {
  test('the PIN pad: a field refused takes the focus and is described by why, 工号 and 姓名 as well as the PIN', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.openPinPadOnHome()
    await supervisor.fill('pin-staff-id', 'T07')
    await supervisor.el('pin-input').fill('246810')
    await page.keyboard.press('Enter')
    await expect(supervisor.el('pin-error')).toHaveText('请填写工号和姓名')
    await expect(supervisor.el('pin-staff-name')).toBeFocused()
    await expect(supervisor.el('pin-staff-name')).toHaveAttribute('aria-invalid', 'true')
    await expect(supervisor.el('pin-staff-name')).toHaveAccessibleDescription('请填写工号和姓名')
    await expect(supervisor.el('pin-staff-id')).not.toHaveAttribute('aria-invalid', 'true')
    await page.keyboard.type('王老师')
    await supervisor.fill('pin-staff-id', '-T07')
    await supervisor.el('pin-submit').click()
    await expect(supervisor.el('pin-staff-id')).toBeFocused()
    await expect(supervisor.el('pin-staff-id')).toHaveAccessibleDescription(/^A staff ID|^工号/)
    await supervisor.fill('pin-staff-id', 'T07')
    // A wrong PIN tapped on the keys: the emptied PIN field has the keyboard, not 进入 twelve keys away.
    for (const digit of '000000') await supervisor.el(`pin-key-${digit}`).click()
    await supervisor.el('pin-submit').click()
    await expect(supervisor.el('pin-error')).toHaveText('PIN 不正确，再输错 4 次将暂时锁定')
    await expect(supervisor.el('pin-input')).toBeFocused()
    await expect(supervisor.el('pin-input')).toHaveAttribute('aria-invalid', 'true')
    await expect(supervisor.el('pin-input')).toHaveAccessibleDescription(/^PIN 不正确/)
    await expect(supervisor.el('pin-staff-id')).not.toHaveAttribute('aria-invalid', 'true')
    await page.keyboard.type('246810')
    await page.keyboard.press('Enter')
    await expect(supervisor.el('overview')).toBeVisible()
  })

  test('现场服务: 提交 with errors puts the keyboard on the first, the result takes it from 提交, and 继续办理下一位 gives it to the form', async ({ kiosk }) => {
    const { page } = kiosk
    const who = candidate(41)
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.tab('services')
    await supervisor.el('services-tab-appeal').click()
    await supervisor.fillAppeal(who, 'idNumber', '考生从未注册过通行证，但证件号码已被其他账号占用。')
    await supervisor.el('appeal-statement').focus()
    await page.keyboard.press('Tab')
    await expect(supervisor.el('appeal-submit')).toBeFocused()
    await page.keyboard.press('Enter')
    await expect(supervisor.fieldError('appeal-checked')).toBeVisible()
    const tick = supervisor.el('appeal-checked').locator('input')
    await expect(tick).toBeFocused()
    await page.keyboard.press('Space')
    await supervisor.el('appeal-submit').focus()
    await page.keyboard.press('Enter')
    // The form and its 提交 are gone: what became of the request is where the keyboard and the screen reader are.
    await expect(supervisor.el('appeal-result-message')).toBeFocused()
    await expect(supervisor.el('appeal-result-message')).toHaveText('申诉已提交，请把回执编号交给考生以便查询进度。')
    await page.keyboard.press('Tab')
    await expect(supervisor.el('appeal-result-next')).toBeFocused()
    await page.keyboard.press('Enter')
    await expect(tick).toBeFocused()
    await expect(tick).not.toBeChecked()
  })

  test('设置: 保存设置 and 修改 PIN put the keyboard on the field refused, and 修改 PIN’s message is beside its PIN, tied to it', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.tab('settings')
    await supervisor.fill('settings-exam-centre', '')
    await supervisor.el('settings-save').click()
    await expect(supervisor.fieldError('settings-exam-centre')).toBeVisible()
    await expect(supervisor.el('settings-exam-centre')).toBeFocused()

    await supervisor.fill('pin-change-oldPin', supervisorPin)
    await supervisor.fill('pin-change-newPin', '97531864')
    await supervisor.fill('pin-change-confirmPin', '97531860')
    await page.keyboard.press('Enter')
    await expect(supervisor.fieldError('pin-change-confirmPin')).toHaveText('两次输入的 PIN 不一致')
    await expect(supervisor.el('pin-change-confirmPin')).toBeFocused()
    await expect(supervisor.el('pin-change-confirmPin')).toHaveAttribute('aria-invalid', 'true')
    await expect(supervisor.el('pin-change-confirmPin')).toHaveAccessibleDescription('两次输入的 PIN 不一致')
    await supervisor.fill('pin-change-oldPin', '111111')
    await supervisor.fill('pin-change-confirmPin', '97531864')
    await supervisor.el('pin-change-submit').click()
    await expect(supervisor.fieldError('pin-change-oldPin')).toHaveText('PIN 不正确，再输错 4 次将暂时锁定')
    await expect(supervisor.fieldError('pin-change-confirmPin')).toBeHidden()
    await expect(supervisor.el('pin-change-oldPin')).toBeFocused()
    await expect(supervisor.el('pin-change-oldPin')).toHaveAccessibleDescription('PIN 不正确，再输错 4 次将暂时锁定')
    await page.getByTestId('header-language').click()
    await expect(supervisor.fieldError('pin-change-oldPin')).toHaveText('Wrong PIN. 4 more wrong PINs lock the pad for a while.')
  })

  test('撤销业务 with no reason chosen: the reasons take the keyboard and say why; Escape goes back to the op’s 撤销', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    const op = await supervisor.pauseWithQueuedAppeal(candidate(45))
    const cancel = supervisor.op(op.receipt).getByRole('button', { name: `撤销业务 ${op.receipt}` })
    await cancel.focus()
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog', { name: `撤销业务 ${op.receipt}` })
    await expect(dialog).toBeVisible()
    await dialog.getByRole('button', { name: '确认撤销' }).focus()
    await page.keyboard.press('Enter')
    await expect(supervisor.el('cancel-error')).toHaveText('请选择撤销原因')
    const reasons = dialog.getByRole('radiogroup', { name: '原因' })
    await expect(reasons.getByRole('radio').first()).toBeFocused()
    await expect(reasons).toHaveAttribute('aria-invalid', 'true')
    await expect(reasons).toHaveAccessibleDescription('请选择撤销原因')
    await page.keyboard.press('ArrowDown')
    await expect(reasons.getByRole('radio').nth(1)).toBeChecked()
    await expect(supervisor.el('cancel-error')).toBeHidden()
    await expect(reasons).not.toHaveAttribute('aria-invalid', 'true')
    await page.keyboard.press('Escape')
    await expect(dialog).toBeHidden()
    await expect(cancel).toBeFocused()
  })

  test('every kind of control on the staff screens shows where the keyboard is: a ring of 3:1 contrast, as thick as a 2 px line round it', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    const faint: string[] = []
    /** `box` is the control as staff see it, when the focus is on a hidden part of it (a radio's input). */
    const expectRing = async (name: string, target: Locator, box?: Locator) => {
      const { changed, needed } = await focusIndicator(page, target, box)
      if (changed < needed) faint.push(`${name}: ${changed} px of ${needed}`)
    }
    await kiosk.open('/')
    await expect(page.getByTestId('home-progress')).toBeVisible()
    await queueAppealInBackoff(kiosk, candidate(48), { stuck: true })
    await supervisor.openPinPad()
    await supervisor.typePin(supervisorPin)
    const op = await supervisor.pauseWithQueuedAppeal(candidate(49))
    await expectRing('立即同步', supervisor.el('sync-now'))
    await expectRing('恢复同步', supervisor.el('resume'))
    await expectRing('刷新', supervisor.el('refresh'))
    await expectRing('退出监考模式, on the mode’s bar', supervisor.el('leave'))
    await expectRing('a tab', supervisor.el('nav-audit'))
    await expectRing('多次失败的业务 查看', supervisor.el('stuck-show'))
    await expectRing('a status filter', supervisor.el('ops-filter-queued'))
    await expectRing('回执编号 search', supervisor.el('ops-search'), page.locator('.search .el-input__wrapper'))
    await expectRing('查找', supervisor.el('ops-find'))
    await expectRing('重试, in an op’s card', page.getByTestId('supervisor-op-retry'))
    await expectRing('撤销, in an op’s card', supervisor.op(op.receipt).getByTestId('supervisor-op-cancel'))
    await expectRing('退出到桌面', supervisor.el('exit-desktop'))
    await expectRing('关闭程序', supervisor.el('exit-quit'))
    await supervisor.startCancel(op.receipt, 'duplicate')
    const dialog = supervisor.el('cancel-dialog')
    const reason = supervisor.el('cancel-reason-duplicate')
    await expectRing('a reason to cancel (radio)', reason.locator('input'), reason)
    await expectRing('不撤销', supervisor.el('cancel-back'))
    await expectRing('确认撤销', supervisor.el('cancel-confirm'))
    await expectRing('the dialog’s ×', dialog.getByRole('button', { name: '关闭此对话框' }))
    await supervisor.el('cancel-back').click()
    await expect(dialog).toBeHidden()

    await supervisor.tab('services')
    await expectRing('a service tab', supervisor.el('services-tab-appeal'))
    const checked = supervisor.el('reset-checked')
    await expectRing('已核验 (checkbox)', checked.locator('input'), checked)
    const idType = supervisor.el('reset-id-type')
    await expectRing('证件类型 (select)', idType.locator('input'), idType.locator('.el-select__wrapper'))
    await supervisor.el('services-tab-appeal').click()
    const occupied = supervisor.el('appeal-occupied-mobile')
    await expectRing('被占用的信息 (radio button)', occupied.locator('input'), occupied.locator('.el-radio-button__inner'))

    await supervisor.tab('settings')
    const name = supervisor.el('settings-kiosk-name')
    await expectRing('自助机名称 (text field)', name, page.locator('.el-input__wrapper').filter({ has: name }))
    const timeout = supervisor.el('settings-idleTimeoutSec')
    await expectRing('a number field', timeout.locator('input'), timeout.locator('.el-input__wrapper'))
    await expectRing('its +', timeout.getByRole('button').last())
    const english = supervisor.el('settings-locale-en')
    await expectRing('默认语言 (radio button)', english.locator('input'), english.locator('.el-radio-button__inner'))
    await expectRing('保存设置', supervisor.el('settings-save'))

    await supervisor.openAuditOfTwoPages()
    await expectRing('检查日志完整性', supervisor.el('audit-verify'))
    await expectRing('the pager’s ›', supervisor.el('audit-older'))
    expect(faint).toEqual([])
  })

  test('操作日志’s ‹ and ›, pressed to the first or last page, leave the keyboard on the other, not on the page', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.openAuditOfTwoPages()
    await supervisor.el('audit-older').focus()
    await page.keyboard.press('Enter')
    await expect(supervisor.el('audit-total')).toContainText('第 21–')
    await expect(supervisor.el('audit-older')).toBeDisabled()
    await expect(supervisor.el('audit-newer')).toBeFocused()
    await page.keyboard.press('Enter')
    await expect(supervisor.el('audit-total')).toContainText('第 1–20 条')
    await expect(supervisor.el('audit-older')).toBeFocused()
  })

  test('操作日志’s › answered after staff went on (to 导出 CSV, to another tab) leaves the keyboard where they went', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.openAuditOfTwoPages()
    await expect(supervisor.el('audit-older')).toBeEnabled()
    const slow = await holdAnswers(page, 'kiosk:supervisor.audit')
    await supervisor.el('audit-older').focus()
    await page.keyboard.press('Enter')
    await supervisor.el('audit-export').focus()
    await slow.release()
    await slow.answered()
    await expect(supervisor.el('audit-total')).toContainText('第 21–')
    await expect(supervisor.el('audit-export')).toBeFocused()

    // Pressed, then 运行概况 while the page is on its way: the dashboard's heading keeps the keyboard.
    const slower = await holdAnswers(page, 'kiosk:supervisor.audit')
    await supervisor.el('audit-newer').focus()
    await page.keyboard.press('Enter')
    await supervisor.tab('dashboard')
    await expect(page.getByRole('heading', { level: 1, name: '运行概况' })).toBeFocused()
    await slower.release()
    await slower.answered()
    await expect(page.getByRole('heading', { level: 1, name: '运行概况' })).toBeFocused()
  })

  test('业务列表’s › answered after staff went on to the receipt search leaves the keyboard in the search, and what they typed', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    // Queued before staff come, sync paused: no op changes under the list, so no reload of it (which
    // would search for what staff type) comes while the page is on its way.
    await kiosk.open('/')
    kiosk.services.engine?.pause()
    await queueAppeals(kiosk, Array.from({ length: 51 }, (_, i) => candidate(200 + i)))
    await supervisor.enter()
    await expect(supervisor.el('ops-range')).toHaveText('第 1–50 项，共 51 项（最新的在前）')
    const slow = await holdAnswers(page, 'kiosk:supervisor.listOps')
    await supervisor.el('ops-older').focus()
    await page.keyboard.press('Enter')
    await supervisor.el('ops-search').focus()
    await page.keyboard.type('AB')
    await slow.release()
    await slow.answered()
    await expect(supervisor.el('ops-range')).toHaveText('第 51–51 项，共 51 项（最新的在前）')
    await expect(supervisor.el('ops-search')).toBeFocused()
    await page.keyboard.type('CD')
    await expect(supervisor.el('ops-search')).toHaveValue('ABCD')
  })
})

test.describe('staff screens: accessibility of dialogs, errors and lists', () => {
  // One test per language: both in one test took about 33 s on a quiet 2-core machine, near the
  // minute's timeout on a slower host.
  for (const [locale, who] of [
    ['zh-CN', candidate(42)],
    ['en', candidate(43)],
  ] as const) {
    test(`no serious or critical violation with an empty ops list, the quit dialog, 设置’s errors and 重新登记’s dialog, an on-site result, in ${locale === 'en' ? 'English' : 'Chinese'}`, async ({ kiosk }) => {
      const { page } = kiosk
      const supervisor = new SupervisorPage(kiosk)
      const found: string[] = []
      await supervisor.enter()
      if (locale === 'en') await page.getByTestId('header-language').click()
      await supervisor.tab('dashboard')
      await supervisor.fill('ops-search', 'ZZ99')
      await supervisor.el('ops-find').click()
      await expect(supervisor.el('ops-empty')).toContainText('ZZ99')
      found.push(...(await seriousViolations(page, `${locale} ops list, receipt not found`)))
      await supervisor.el('exit-quit').click()
      await expect(supervisor.el('exit-dialog')).toBeVisible()
      found.push(...(await seriousViolations(page, `${locale} quit dialog`)))
      await supervisor.el('exit-back').click()
      await expect(supervisor.el('exit-dialog')).toBeHidden()

      await supervisor.tab('settings')
      await supervisor.fill('settings-kiosk-name', '')
      await supervisor.el('settings-idleTimeoutSec').locator('input').fill('99999')
      await supervisor.el('settings-save').click()
      await expect(supervisor.fieldError('settings-kiosk-name')).toBeVisible()
      await expect(supervisor.fieldError('settings-idleTimeoutSec')).toBeVisible()
      await supervisor.fill('pin-change-oldPin', '12')
      await supervisor.el('pin-change-submit').click()
      await expect(supervisor.fieldError('pin-change-oldPin')).toBeVisible()
      await supervisor.fill('central-url', 'ftp://central')
      await supervisor.el('central-reenrol').click()
      await expect(supervisor.fieldError('central-url')).toBeVisible()
      found.push(...(await seriousViolations(page, `${locale} settings with errors`)))
      await supervisor.fill('central-url', '')
      await supervisor.el('central-reenrol').click()
      await expect(supervisor.el('central-dialog')).toBeVisible()
      found.push(...(await seriousViolations(page, `${locale} re-enrol dialog`)))
      await supervisor.el('central-back').click()

      await supervisor.tab('services')
      await supervisor.el('services-tab-appeal').click()
      await supervisor.fillAppeal(who, 'idNumber', '考生从未注册过通行证，但证件号码已被其他账号占用。')
      await supervisor.el('appeal-checked').click()
      await supervisor.el('appeal-submit').click()
      await expect(supervisor.el('appeal-result')).toHaveAttribute('data-status', 'pending')
      found.push(...(await seriousViolations(page, `${locale} on-site appeal filed`)))
      expect(found).toEqual([])
    })
  }

  test('the idle warning: no serious or critical violation; Enter on 继续操作 keeps staff in and goes back to the field, not submitting the form behind it', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    const warning = await supervisor.warnedOverUnsentAppeal(candidate(46))
    await expect(page.getByTestId('supervisor-idle-stay')).toBeFocused()
    expect(await seriousViolations(page, 'idle warning')).toEqual([])
    await page.keyboard.press('Enter')
    await expect(warning).toBeHidden()
    await expect(supervisor.el('appeal-email')).toBeFocused()
    await expect(supervisor.el('appeal-submit')).toBeVisible()
    await expect(supervisor.el('appeal-result')).toHaveCount(0)
    expect(kiosk.services.supervisor.session.isActive()).toBe(true)
  })

  test('Enter held down on the idle warning: the warning goes, and the key’s repeats do not submit the form behind it either', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    const warning = await supervisor.warnedOverUnsentAppeal(candidate(47))
    // Held past the keyboard's repeat delay: the press closes the warning, and its repeats reach the field.
    await page.keyboard.down('Enter')
    await expect(warning).toBeHidden()
    await expect(supervisor.el('appeal-email')).toBeFocused()
    for (let i = 0; i < 3; i++) await page.keyboard.down('Enter')
    await page.keyboard.up('Enter')
    // The next key pressed is staff's again, and types.
    await page.keyboard.type('x')
    await expect(supervisor.el('appeal-email')).toHaveValue(/x/)
    expect(kiosk.calls).not.toContain('kiosk:supervisor.fileAppeal')
    await expect(supervisor.el('appeal-result')).toHaveCount(0)
  })
})

test('a screen reader’s list of lists and tables names the ops list and the audit log, and the audit log’s first column says what it counts', async ({ kiosk }) => {
  const { page } = kiosk
  const supervisor = new SupervisorPage(kiosk)
  await kiosk.open('/')
  await expect(page.getByTestId('home-progress')).toBeVisible()
  const queued = await queueAppealInBackoff(kiosk, candidate(44))
  await supervisor.openPinPad()
  await supervisor.typePin(supervisorPin)
  const ops = page.getByRole('list', { name: '业务列表' })
  await expect(ops.getByRole('listitem')).toHaveCount(1)
  await expect(ops.getByRole('button', { name: `重试业务 ${queued.receipt}` })).toBeVisible()
  await supervisor.tab('audit')
  const log = page.getByRole('table', { name: '操作日志' })
  await expect(log.getByRole('columnheader').first()).toHaveAccessibleName('序号')
  await page.getByTestId('header-language').click()
  await expect(page.getByRole('table', { name: 'Audit log' }).getByRole('columnheader').first()).toHaveAccessibleName('No.')
})
