import Database from 'better-sqlite3'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { supervisorPin, test, expect, type KioskHarness } from './harness/kioskFixture'
import { registerThroughKiosk } from './pages/accounts'
import { candidate } from './pages/candidates'
import { LoginPage } from './pages/LoginPage'
import { staff, SupervisorPage } from './pages/supervisorPages'

test.describe('on-site services and the audit log', () => {
  test('a candidate who lost their number gets a new password after the ID check, and logs in with it', async ({ kiosk }) => {
    const who = candidate(7)
    await kiosk.open('/')
    await registerThroughKiosk(kiosk.page, who)
    const newPassword = 'Hn4@vRt8wQ'

    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.tab('services')
    await supervisor.fillReset(who, newPassword)
    await supervisor.el('reset-submit').click()
    await expect(supervisor.fieldError('reset-checked')).toHaveText('请先核验考生的身份证件原件并勾选确认')
    await supervisor.el('reset-checked').click()
    await supervisor.el('reset-submit').click()
    await expect(supervisor.el('reset-result')).toHaveAttribute('data-status', 'applied')
    await expect(supervisor.el('reset-result-message')).toHaveText('密码已重置，考生现在可以用新密码登录。')
    const receipt = (await supervisor.el('reset-result-receipt').textContent()) ?? ''
    const audited = kiosk.services.supervisor.audit.list({ limit: 5 }).entries.find((entry) => entry.action === 'attestedReset')
    expect(audited?.actor).toEqual({ staffId: staff.staffId, name: staff.staffName })
    expect(audited?.detail).toMatchObject({ receipt })
    await supervisor.el('leave').click()

    const login = new LoginPage(kiosk)
    await login.open()
    await login.logIn({ idNumber: who.idNumber, password: newPassword })
    await expect(kiosk.page.getByTestId('account-welcome')).toBeVisible()
  })

  test('staff file an appeal for a candidate after checking the document: receipt, pending at the centre, in the log with who filed it', async ({ kiosk }) => {
    const who = candidate(12)
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.tab('services')
    await supervisor.el('services-tab-appeal').click()
    await supervisor.el('appeal-submit').click()
    // A choice: asked for as the candidate screen asks, not 请填写此项.
    await expect(supervisor.fieldError('appeal-occupied')).toHaveText('请选择被占用的信息：证件号码、手机号或电子邮箱')
    await supervisor.fillAppeal(who, 'idNumber', '考生从未注册过通行证，但证件号码已被其他账号占用。')
    await supervisor.el('appeal-submit').click()
    await expect(supervisor.fieldError('appeal-checked')).toHaveText('请先核验考生的身份证件原件并勾选确认')
    await supervisor.el('appeal-checked').click()
    await supervisor.el('appeal-submit').click()
    await expect(supervisor.el('appeal-result')).toHaveAttribute('data-status', 'pending')
    await expect(supervisor.el('appeal-result-message')).toHaveText('申诉已提交，请把回执编号交给考生以便查询进度。')
    const receipt = (await supervisor.el('appeal-result-receipt').textContent()) ?? ''
    expect(receipt).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/)
    const filed = kiosk.services.supervisor.audit.list({ limit: 5 }).entries.find((entry) => entry.action === 'appealFiled')
    expect(filed?.actor).toEqual({ staffId: staff.staffId, name: staff.staffName })
    expect(filed?.detail).toMatchObject({ receipt })
  })

  test('an on-site reset behind a refused one of the same account says it waits for staff to deal with that one', async ({ kiosk }) => {
    const nobody = candidate(17)
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await kiosk.central.stop()
    await supervisor.tab('services')
    await supervisor.resetOnSite(nobody, 'Zx9#kLm2pQ')
    await expect(supervisor.el('reset-result')).toHaveAttribute('data-status', /queued|sending/, { timeout: 15_000 })
    await supervisor.el('reset-result-next').click()
    await supervisor.resetOnSite(nobody, 'Zx9#kLm2pQ')
    await expect(supervisor.el('reset-result')).toHaveAttribute('data-status', /queued|sending/, { timeout: 15_000 })
    // Back: the first is refused (no such account), and the second waits behind it, sent by nobody.
    await kiosk.central.start()
    await expect(supervisor.el('reset-result')).toHaveAttribute('data-status', 'blocked', { timeout: 15_000 })
    await expect(supervisor.el('reset-result-message')).toHaveText(
      '已保存，但本账号前一项业务未通过：请在运行概况中重试或撤销该业务，之后本业务才会提交。请把回执编号交给考生以便查询进度。',
    )
    await expect(supervisor.el('reset-result-back')).toBeHidden()
  })

  test('an appeal staff file while they paused sync says it goes when sync resumes, not 联网后 under 联网正常', async ({ kiosk }) => {
    const who = candidate(15)
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.el('pause').click()
    await expect(supervisor.el('paused')).toHaveAttribute('data-paused', 'true')
    await supervisor.tab('services')
    await supervisor.el('services-tab-appeal').click()
    await supervisor.fillAppeal(who, 'mobile', '考生的手机号被其他账号占用，已核验证件原件。')
    await supervisor.el('appeal-checked').click()
    await supervisor.el('appeal-submit').click()
    await expect(supervisor.el('appeal-result')).toHaveAttribute('data-status', 'queued', { timeout: 15_000 })
    await expect(supervisor.el('appeal-result-message')).toHaveText(
      '已保存，同步恢复后自动提交（离开监考模式时自动恢复）。请把回执编号交给考生以便查询进度。',
    )
  })

  /** Staff enter, the central API goes away, and they file an appeal for candidate `i` under 现场服务: it is saved, not sent. */
  async function fileAppealOffline(kiosk: KioskHarness, i: number): Promise<SupervisorPage> {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await kiosk.central.stop()
    await supervisor.tab('services')
    await supervisor.el('services-tab-appeal').click()
    await supervisor.fillAppeal(candidate(i), 'mobile', '考生的手机号被其他账号占用，已核验证件原件。')
    await supervisor.el('appeal-checked').click()
    await supervisor.el('appeal-submit').click()
    await expect(supervisor.el('appeal-result')).toHaveAttribute('data-status', /queued|sending/, { timeout: 15_000 })
    return supervisor
  }

  test('an appeal staff file while the central API is away reads 申诉已保存, not 已提交', async ({ kiosk }) => {
    const supervisor = await fileAppealOffline(kiosk, 13)
    await expect(supervisor.el('appeal-result-message')).toHaveText('申诉已保存，联网后自动提交。请把回执编号交给考生以便查询进度。')
  })

  test('an appeal staff filed offline and then cancelled in 运行概况 reads 已撤销 under 现场服务, not 未通过 with a made-up reason', async ({ kiosk }) => {
    const who = candidate(14)
    const supervisor = await fileAppealOffline(kiosk, 14)
    const receipt = await supervisor.el('appeal-result-receipt').innerText()
    await supervisor.tab('dashboard')
    await supervisor.startCancel(receipt, 'wrongData')
    await supervisor.el('cancel-confirm').click()
    await expect(supervisor.op(receipt)).toHaveAttribute('data-status', 'cancelled')
    await supervisor.tab('services')
    await expect(supervisor.el('appeal-result')).toHaveAttribute('data-status', 'cancelled')
    await expect(supervisor.el('appeal-result-message')).toHaveText('已撤销：该业务不会提交到中心。如考生仍需办理，请返回修改后重新提交。')
    await expect(supervisor.el('appeal-result-guidance')).toHaveCount(0)
    await kiosk.page.getByTestId('header-language').click()
    await expect(supervisor.el('appeal-result-message')).toHaveText(
      'Cancelled: this request is never sent to the central server. If the candidate still needs it, go back, correct it and submit again.',
    )
    // Back to the form as it was sent, to file it again.
    await supervisor.el('appeal-result-back').click()
    await expect(supervisor.el('appeal-id-number')).toHaveValue(who.idNumber)
  })

  test('an on-site reset with no name asks staff for the candidate’s name, not their own, in both languages', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.tab('services')
    await supervisor.fillReset({ ...candidate(8), name: '' }, 'Hn4@vRt8wQ')
    await supervisor.el('reset-checked').click()
    await supervisor.el('reset-submit').click()
    await expect(supervisor.fieldError('reset-name')).toHaveText('请输入考生姓名')
    await kiosk.page.getByTestId('header-language').click()
    await expect(supervisor.fieldError('reset-name')).toHaveText("Please enter the candidate's name.")
    await expect(supervisor.el('reset-result')).toHaveCount(0)
  })

  test('a half-typed on-site form is kept while staff look at another tab, and gone once they leave supervisor mode', async ({ kiosk }) => {
    const who = candidate(9)
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.tab('services')
    await supervisor.el('services-tab-appeal').click()
    await supervisor.fill('appeal-statement', '该手机号为本人使用')
    await supervisor.el('services-tab-reset').click()
    await supervisor.fillReset(who, 'Hn4@vRt8wQ')
    await supervisor.tab('dashboard')
    await expect(supervisor.el('overview')).toBeVisible()
    await supervisor.tab('services')
    await expect(supervisor.el('reset-id-number')).toHaveValue(who.idNumber)
    await expect(supervisor.el('reset-name')).toHaveValue(who.name)
    await expect(supervisor.el('reset-password')).toHaveValue('Hn4@vRt8wQ')
    await supervisor.el('services-tab-appeal').click()
    await expect(supervisor.el('appeal-statement')).toHaveValue('该手机号为本人使用')

    await supervisor.el('leave').click()
    await supervisor.enter()
    await supervisor.tab('services')
    await expect(supervisor.el('reset-id-number')).toHaveValue('')
    await expect(supervisor.el('reset-password')).toHaveValue('')
    await supervisor.el('services-tab-appeal').click()
    await expect(supervisor.el('appeal-statement')).toHaveValue('')
  })

  test('an appeal staff file says under the occupied mobile or email that it is the one claimed, to a screen reader too', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.tab('services')
    await supervisor.el('services-tab-appeal').click()
    await expect(supervisor.el('appeal-occupied-hint')).toHaveCount(0)
    await supervisor.el('appeal-occupied-mobile').click()
    await expect(supervisor.el('appeal-mobile-field').getByTestId('supervisor-appeal-occupied-hint')).toHaveText(
      '填写被其他账号占用的考生本人手机号：申诉针对的就是这个号码',
    )
    await expect(supervisor.el('appeal-mobile')).toHaveAccessibleDescription(/申诉针对的就是这个号码/)
    await supervisor.el('appeal-occupied-email').click()
    await expect(supervisor.el('appeal-email-field').getByTestId('supervisor-appeal-occupied-hint')).toHaveText(
      '填写被其他账号占用的考生本人电子邮箱：申诉针对的就是这个邮箱',
    )
    await expect(supervisor.el('appeal-mobile-field').getByTestId('supervisor-appeal-occupied-hint')).toHaveCount(0)
    await supervisor.el('appeal-occupied-idNumber').click()
    await expect(supervisor.el('appeal-occupied-hint')).toHaveCount(0)
  })

  test('a refused on-site reset goes back to the form as typed, to correct the ID number', async ({ kiosk }) => {
    const who = candidate(8)
    await kiosk.open('/')
    await registerThroughKiosk(kiosk.page, who)
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.tab('services')
    const mistyped = candidate(9).idNumber
    await supervisor.fill('reset-id-number', mistyped)
    await supervisor.fill('reset-name', who.name)
    await supervisor.fill('reset-password', 'Hn4@vRt8wQ')
    await supervisor.fill('reset-password-confirm', 'Hn4@vRt8wQ')
    await supervisor.el('reset-checked').click()
    await supervisor.el('reset-submit').click()
    await expect(supervisor.el('reset-result')).toHaveAttribute('data-status', 'rejected')
    // The primary button first, as on every screen: 继续办理下一位, then 返回修改 on its right.
    const [next, back] = await Promise.all([supervisor.el('reset-result-next').boundingBox(), supervisor.el('reset-result-back').boundingBox()])
    expect(next!.x).toBeLessThan(back!.x)
    await supervisor.el('reset-result-back').click()
    await expect(supervisor.el('reset-id-number')).toHaveValue(mistyped)
    await expect(supervisor.el('reset-name')).toHaveValue(who.name)
    await supervisor.fill('reset-id-number', who.idNumber)
    await supervisor.el('reset-submit').click()
    await expect(supervisor.el('reset-result')).toHaveAttribute('data-status', 'applied')
    // Done: the next candidate starts from a blank form.
    await supervisor.el('reset-result-next').click()
    await expect(supervisor.el('reset-id-number')).toHaveValue('')
  })

  test('an on-site reset saved while the central API was away and refused once it arrives: the result says so as it happens, and goes back to the form as typed', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    // Nobody registered this candidate: the centre will refuse the reset.
    const stranger = candidate(10)
    await supervisor.enter()
    await kiosk.central.stop()
    await supervisor.tab('services')
    await supervisor.resetOnSite(stranger, 'Hn4@vRt8wQ')
    await expect(supervisor.el('reset-result')).toHaveAttribute('data-status', /queued|sending/, { timeout: 15_000 })
    await expect(supervisor.el('reset-result-message')).toHaveText('已保存，联网后自动提交。请把回执编号交给考生以便查询进度。')
    // The network comes back while staff and the candidate are still at the kiosk.
    await kiosk.central.start()
    await kiosk.services.engine!.syncNow()
    await expect(supervisor.el('reset-result')).toHaveAttribute('data-status', 'rejected')
    await expect(supervisor.el('reset-result-status')).toHaveText('未通过')
    await expect(supervisor.el('reset-result-message')).toHaveText('未通过：账号不存在')
    await expect(supervisor.el('reset-result-guidance')).toContainText('现场核验重置须证件类型、证件号码和姓名与注册时完全一致')
    await supervisor.el('reset-result-back').click()
    await expect(supervisor.el('reset-id-number')).toHaveValue(stranger.idNumber)
    await expect(supervisor.el('reset-name')).toHaveValue(stranger.name)
  })

  test('the audit log checks out, exports as CSV, and an edited row is reported', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.el('pause').click()
    await supervisor.el('resume').click()
    await supervisor.tab('audit')
    await expect(supervisor.el('audit-row').first()).toHaveAttribute('data-action', 'resume')
    await supervisor.el('audit-verify').click()
    await expect(supervisor.el('audit-result')).toHaveAttribute('data-intact', 'true')
    await expect(supervisor.el('audit-result')).toHaveText(/^日志完整：共 \d+ 条记录，未发现修改。$/)

    // Written by main into the export folder (no Save dialog), and staff are told where; the log shows the export.
    await supervisor.el('audit-export').click()
    await expect(supervisor.el('audit-exported')).toHaveText(/^已导出到 .+kiosk-audit-[\d-]+\.csv$/)
    await expect(supervisor.el('audit-row').first()).toHaveAttribute('data-action', 'auditExported')
    const savedTo = ((await supervisor.el('audit-exported').textContent()) ?? '').replace(/^已导出到 /, '')
    expect(dirname(savedTo)).toBe(kiosk.services.exportDir)
    const csv = await readFile(savedTo, 'utf8')
    expect(csv.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe('id,time,staffId,staffName,action,detail,prevHash,hash')
    expect(csv).toContain(`${staff.staffId},${staff.staffName},pause`)

    // Someone with the file rewrites who paused sync: the chain no longer fits from that row on.
    const db = new Database(join(kiosk.dataDir, 'kiosk.db'))
    try {
      db.exec('DROP TRIGGER IF EXISTS supervisor_audit_no_update; DROP TRIGGER IF EXISTS supervisor_audit_no_delete;')
      const row = db.prepare("SELECT id FROM supervisor_audit WHERE action = 'pause'").get() as { id: number }
      db.prepare("UPDATE supervisor_audit SET actor_name = '李老师' WHERE id = ?").run(row.id)
      await supervisor.el('audit-verify').click()
      await expect(supervisor.el('audit-result')).toHaveAttribute('data-intact', 'false')
      await expect(supervisor.el('audit-result')).toHaveText(`日志已被篡改：第 ${row.id} 条记录起不一致！`)
    } finally {
      db.close()
    }
  })
})

test('past one page, the audit log says which rows it shows, newest first, in the language shown', async ({ kiosk }) => {
  const { page } = kiosk
  const supervisor = new SupervisorPage(kiosk)
  await supervisor.enter()
  // One page: its count, and no arrows to tab past.
  await supervisor.tab('audit')
  await expect(supervisor.el('audit-total')).toHaveText(/^共 \d+ 条$/)
  await expect(supervisor.el('audit-older')).toHaveCount(0)
  await expect(supervisor.el('audit-newer')).toHaveCount(0)
  for (let i = 0; i < 20; i++) kiosk.services.supervisor.audit.append({ action: i % 2 ? 'resume' : 'pause', detail: {}, actor: { staffId: staff.staffId, name: staff.staffName } })
  await supervisor.tab('dashboard')
  await supervisor.tab('audit')
  const total = kiosk.services.supervisor.audit.list({ limit: 1 }).total
  expect(total).toBeGreaterThan(20)
  await expect(supervisor.el('audit-total')).toHaveText(`第 1–20 条，共 ${total} 条（最新的在前）`)
  await supervisor.el('audit-older').click()
  await expect(supervisor.el('audit-total')).toHaveText(`第 21–${total} 条，共 ${total} 条（最新的在前）`)
  await page.getByTestId('header-language').click()
  await expect(supervisor.el('audit-total')).toHaveText(`Rows 21–${total} of ${total} (newest first)`)
})

test.describe('the hourly limit on on-site resets', () => {
  test.use({ sendLimits: { perTargetIntervalMs: 0, attestedResetsPerKioskPerHour: 1 } })

  test('once the kiosk has used its on-site resets for the hour, staff are told so and what to tell the candidate', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    const who = candidate(8)
    const tryReset = async () => {
      await supervisor.fillReset(who, 'Hn4@vRt8wQ')
      await supervisor.el('reset-checked').click()
      await supervisor.el('reset-submit').click()
    }
    await supervisor.enter()
    await supervisor.tab('services')
    // Nobody holds this ID number: the try still counts.
    await tryReset()
    await expect(supervisor.el('reset-result')).toHaveAttribute('data-status', 'rejected')
    await expect(supervisor.el('reset-result-message')).toContainText('账号不存在')
    await supervisor.el('reset-result-next').click()
    await tryReset()
    await expect(supervisor.el('reset-result')).toHaveAttribute('data-status', 'rejected')
    await expect(supervisor.el('reset-result-message')).toContainText('本机一小时内的现场核验重置次数已达上限，请稍后再办理')
    await expect(supervisor.el('reset-result-guidance')).toHaveText('本机一小时内的现场核验重置次数已达上限：请考生稍后再来办理，或到考点服务台咨询。')
  })
})

test.describe('设置', () => {
  test('保存设置, 重新登记 and 修改 PIN are as large as 现场服务’s buttons', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    const size = async (testid: string) => {
      const box = await supervisor.el(testid).boundingBox()
      const style = await supervisor.el(testid).evaluate((button) => getComputedStyle(button).fontSize)
      return { height: Math.round(box?.height ?? NaN), font: style }
    }
    await supervisor.enter()
    await supervisor.tab('services')
    const services = await size('reset-submit')
    await supervisor.tab('settings')
    for (const testid of ['settings-save', 'central-reenrol', 'pin-change-submit']) expect(await size(testid), testid).toEqual(services)
  })

  test('an emptied number says what to type, a warning not shorter than the timeout is refused beside it, and nothing is saved until both are right', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.tab('settings')
    const before = kiosk.services.supervisor.settings.get()
    const timeout = supervisor.el('settings-idleTimeoutSec').locator('input')
    const warning = supervisor.el('settings-idleWarningSec').locator('input')
    await warning.fill('100')
    await warning.blur()
    await timeout.fill('')
    await timeout.blur()
    await supervisor.el('settings-save').click()
    await expect(supervisor.fieldError('settings-idleTimeoutSec')).toHaveText('请填写 30-3600 之间的整数')
    // Now shorter than the warning typed before.
    await timeout.fill('60')
    await timeout.blur()
    await supervisor.el('settings-save').click()
    await expect(supervisor.fieldError('settings-idleTimeoutSec')).toHaveCount(0)
    await expect(supervisor.fieldError('settings-idleWarningSec')).toHaveText('超时前提醒须短于考生页面超时')
    await expect(supervisor.el('settings-saved')).toBeHidden()
    expect(kiosk.services.supervisor.settings.get()).toEqual(before)
    // A warning typed longer than the timeout is kept as typed and refused, not quietly cut below it.
    await warning.fill('150')
    await warning.blur()
    await expect(warning).toHaveValue('150')
    await supervisor.el('settings-save').click()
    await expect(supervisor.fieldError('settings-idleWarningSec')).toHaveText('超时前提醒须短于考生页面超时')
    await warning.fill('55')
    await warning.blur()
    await supervisor.el('settings-save').click()
    await expect(supervisor.el('settings-saved')).toBeVisible()
    expect(kiosk.services.supervisor.settings.get()).toMatchObject({ idleTimeoutSec: 60, idleWarningSec: 55 })
  })

  test('the arrow keys step from what was just typed, and what they show is what is saved', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.tab('settings')
    const timeout = supervisor.el('settings-idleTimeoutSec').locator('input')
    await timeout.fill('100')
    await timeout.press('ArrowUp')
    await expect(timeout).toHaveValue('105')
    await timeout.fill('99999')
    await timeout.press('ArrowDown')
    await expect(timeout).toHaveValue('3600')
    await timeout.press('ArrowDown')
    await timeout.blur()
    await expect(timeout).toHaveValue('3595')
    await supervisor.el('settings-save').click()
    await expect(supervisor.el('settings-saved')).toBeVisible()
    expect(kiosk.services.supervisor.settings.get().idleTimeoutSec).toBe(3595)
  })

  test('a number typed out of range stays as typed and is refused beside it, in the language shown; −/+ bring it back and stop at the bound', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.tab('settings')
    const before = kiosk.services.supervisor.settings.get()
    const timeout = supervisor.el('settings-idleTimeoutSec').locator('input')
    const retention = supervisor.el('settings-retentionDays').locator('input')
    const stepButton = (key: string, name: '减少数值' | '增加数值') => supervisor.el(`settings-${key}-field`).getByRole('button', { name })
    await supervisor.fill('settings-kiosk-name', '二号自助机')
    await timeout.fill('99999')
    await timeout.blur()
    await retention.fill('-3')
    await retention.blur()
    // Not quietly made 3600 and 1: staff see what they typed and why it cannot be kept.
    await expect(timeout).toHaveValue('99999')
    await expect(retention).toHaveValue('-3')
    await expect(supervisor.fieldError('settings-idleTimeoutSec')).toHaveText('请填写 30-3600 之间的整数')
    await expect(supervisor.fieldError('settings-retentionDays')).toHaveText('请填写 1-3650 之间的整数')
    await expect(timeout).toHaveAttribute('aria-invalid', 'true')
    await expect(timeout).toHaveAccessibleDescription('范围 30–3600 请填写 30-3600 之间的整数')
    await supervisor.el('settings-save').click()
    await expect(supervisor.el('settings-saved')).toBeHidden()
    expect(kiosk.services.supervisor.settings.get()).toEqual(before)
    await expect(supervisor.el('settings-kiosk-name')).toHaveValue('二号自助机')
    await page.getByTestId('header-language').click()
    await expect(supervisor.fieldError('settings-idleTimeoutSec')).toHaveText('Enter a whole number from 30 to 3600')
    await page.getByTestId('header-language').click()

    await stepButton('idleTimeoutSec', '减少数值').click()
    await expect(timeout).toHaveValue('3600')
    await expect(stepButton('idleTimeoutSec', '增加数值')).toBeDisabled()
    await stepButton('retentionDays', '增加数值').click()
    await expect(retention).toHaveValue('1')
    await expect(stepButton('retentionDays', '减少数值')).toBeDisabled()
    await expect(supervisor.fieldError('settings-idleTimeoutSec')).toHaveCount(0)
    await expect(supervisor.fieldError('settings-retentionDays')).toHaveCount(0)
    await expect(timeout).not.toHaveAttribute('aria-invalid', 'true')
    await supervisor.el('settings-save').click()
    await expect(supervisor.el('settings-saved')).toBeVisible()
    expect(kiosk.services.supervisor.settings.get()).toMatchObject({ kioskName: '二号自助机', idleTimeoutSec: 3600, retentionDays: 1 })
  })

  test('a name left empty is named beside it, both of them, saying what to do; nothing is saved until both are filled', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.tab('settings')
    const before = kiosk.services.supervisor.settings.get()
    await supervisor.fill('settings-kiosk-name', '   ')
    await supervisor.fill('settings-exam-centre', '')
    await supervisor.el('settings-save').click()
    await expect(supervisor.fieldError('settings-kiosk-name')).toHaveText('请填写此项')
    await expect(supervisor.fieldError('settings-exam-centre')).toHaveText('请填写此项')
    await expect(supervisor.el('settings-error')).toBeHidden()
    await page.getByTestId('header-language').click()
    await expect(supervisor.fieldError('settings-exam-centre')).toHaveText('Please fill this in.')
    expect(kiosk.services.supervisor.settings.get()).toEqual(before)
    await supervisor.fill('settings-kiosk-name', '二号自助机')
    await expect(supervisor.fieldError('settings-kiosk-name')).toHaveCount(0)
    await supervisor.fill('settings-exam-centre', '第二考点')
    await supervisor.el('settings-save').click()
    await expect(supervisor.el('settings-saved')).toBeVisible()
    expect(kiosk.services.supervisor.settings.get()).toMatchObject({ kioskName: '二号自助机', examCentre: '第二考点' })
  })

  test('设置已保存 is said only while the form shows what was saved: not over a number typed since', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.tab('settings')
    await supervisor.fill('settings-kiosk-name', '二号自助机')
    await supervisor.el('settings-save').click()
    await expect(supervisor.el('settings-saved')).toHaveText('设置已保存')
    const timeout = supervisor.el('settings-idleTimeoutSec').locator('input')
    await timeout.fill('99999')
    await timeout.blur()
    await expect(supervisor.fieldError('settings-idleTimeoutSec')).toHaveText('请填写 30-3600 之间的整数')
    // 99999 is not saved, and the screen does not say it is.
    await expect(supervisor.el('settings-saved')).toBeHidden()
    await supervisor.fill('settings-exam-centre', '第二考点')
    await timeout.fill('120')
    await timeout.blur()
    await expect(supervisor.el('settings-saved')).toBeHidden()
    await supervisor.el('settings-save').click()
    await expect(supervisor.el('settings-saved')).toBeVisible()
    expect(kiosk.services.supervisor.settings.get()).toMatchObject({ kioskName: '二号自助机', examCentre: '第二考点', idleTimeoutSec: 120 })
  })

  test('each number field says its range under it and to a screen reader, before anything is refused, in the language shown', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.tab('settings')
    const ranges = { idleTimeoutSec: '30–3600', idleWarningSec: '5–300', supervisorIdleTimeoutSec: '15–3600', retentionDays: '1–3650' }
    for (const [language, word] of [
      ['zh-CN', '范围'],
      ['en', 'Range'],
    ] as const) {
      if (language === 'en') await page.getByTestId('header-language').click()
      for (const [key, range] of Object.entries(ranges)) {
        const input = supervisor.el(`settings-${key}`).locator('input')
        await expect(supervisor.el(`settings-${key}-range`)).toHaveText(`${word} ${range}`)
        await expect(input).toBeVisible()
        await expect(input).toHaveAccessibleDescription(`${word} ${range}`)
        await expect(input).not.toHaveAttribute('aria-invalid', 'true')
      }
    }
  })

  test('each −/+ names its field as well as what it does, in the language shown: eight buttons, eight names', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.tab('settings')
    const buttons = page.getByTestId(/^supervisor-settings-\w+Sec$|^supervisor-settings-retentionDays$/).getByRole('button')
    await expect(buttons).toHaveCount(8)
    await expect(supervisor.el('settings-idleWarningSec').getByRole('button').first()).toHaveAccessibleName('减少数值：超时前提醒（秒）')
    await expect(supervisor.el('settings-retentionDays').getByRole('button').last()).toHaveAccessibleName('增加数值：业务记录保留天数')
    await page.getByTestId('header-language').click()
    await expect(supervisor.el('settings-idleWarningSec').getByRole('button').first()).toHaveAccessibleName('decrease number: Warning before (s)')
    const names = await buttons.evaluateAll((all) => all.map((button) => button.getAttribute('aria-label')))
    expect(new Set(names).size).toBe(8)
  })

  test('修改 PIN: a 原 PIN that cannot be one is refused on the screen, a wrong one keeps the new PIN typed (and it can be shown), the right one changes it', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.tab('settings')
    const wrongPinsBefore = kiosk.services.supervisor.pin.state().failures
    await supervisor.fill('pin-change-newPin', '97531864')
    await supervisor.fill('pin-change-confirmPin', '97531864')
    await supervisor.el('pin-change-submit').click()
    await expect(supervisor.fieldError('pin-change-oldPin')).toHaveText('请输入原 PIN（6 位以上数字）')
    await kiosk.page.getByTestId('header-language').click()
    await expect(supervisor.fieldError('pin-change-oldPin')).toHaveText('Enter the current PIN (6 or more digits)')
    await kiosk.page.getByTestId('header-language').click()
    expect(kiosk.services.supervisor.pin.state().failures, 'an empty 原 PIN is not a wrong PIN').toBe(wrongPinsBefore)
    await supervisor.fill('pin-change-oldPin', '111111')
    await supervisor.el('pin-change-submit').click()
    // The right PIN on the pad started the count afresh: 4 more, as on the pad.
    await expect(supervisor.fieldError('pin-change-oldPin')).toHaveText('PIN 不正确，再输错 4 次将暂时锁定')
    await expect(supervisor.el('pin-change-oldPin')).toHaveValue('')
    await expect(supervisor.el('pin-change-newPin')).toHaveValue('97531864')
    // The new PIN can be read before it is stored, like the set-up wizard's; the current one cannot.
    await expect(supervisor.el('pin-change-oldPin-toggle')).toHaveCount(0)
    await expect(supervisor.el('pin-change-newPin-toggle')).toHaveAccessibleName('显示密码')
    await supervisor.el('pin-change-newPin-toggle').click()
    await expect(supervisor.el('pin-change-newPin')).toHaveAttribute('type', 'text')
    await supervisor.fill('pin-change-oldPin', supervisorPin)
    await supervisor.el('pin-change-submit').click()
    await expect(supervisor.el('pin-change-done')).toHaveText('PIN 已修改')
    await supervisor.el('leave').click()
    await supervisor.enter('97531864')
    await expect(supervisor.el('mode')).toBeVisible()
  })
})

test('修改 PIN: the wrong 原 PIN that locks the PIN pad says for how long, as the pad does', async ({ kiosk }) => {
  const supervisor = new SupervisorPage(kiosk)
  await supervisor.enter()
  await supervisor.tab('settings')
  for (let i = 1; i <= 5; i++) {
    await supervisor.fill('pin-change-oldPin', '111111')
    await supervisor.fill('pin-change-newPin', '135791')
    await supervisor.fill('pin-change-confirmPin', '135791')
    await supervisor.el('pin-change-submit').click()
    // Staff are told before the lock, not by it.
    if (i < 5) await expect(supervisor.fieldError('pin-change-oldPin')).toHaveText(`PIN 不正确，再输错 ${5 - i} 次将暂时锁定`)
    if (i === 4) {
      await kiosk.page.getByTestId('header-language').click()
      await expect(supervisor.fieldError('pin-change-oldPin')).toHaveText('Wrong PIN. 1 more wrong PIN locks the pad for a while.')
      await kiosk.page.getByTestId('header-language').click()
    }
  }
  // Staff who leave now cannot come back in for that long: the pad is locked too.
  await expect(supervisor.fieldError('pin-change-oldPin')).toHaveText('PIN 错误次数过多，已锁定。请 30 秒后再试。')
  await kiosk.page.getByTestId('header-language').click()
  await expect(supervisor.fieldError('pin-change-oldPin')).toHaveText('Too many wrong PINs: locked. Try again in 30 s.')
})

test.describe('on-site services on a kiosk that is not enrolled', () => {
  test.use({ config: { centralUrl: 'http://127.0.0.1:1' } })

  test('an on-site reset that cannot be saved tells staff what to do (重新登记), not a candidate’s 请联系考点工作人员', async ({ kiosk }) => {
    const who = candidate(16)
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.tab('services')
    await supervisor.fillReset(who, 'Hn4@vRt8wQ')
    await supervisor.el('reset-checked').click()
    await supervisor.el('reset-submit').click()
    await expect(supervisor.el('reset-error')).toHaveText('本机尚未在中心服务器登记（或凭证已失效），业务无法提交：请在“设置”中重新登记')
  })
})
