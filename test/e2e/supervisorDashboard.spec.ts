import type { Locator } from '@playwright/test'
import { test, expect } from './harness/kioskFixture'
import { candidate } from './pages/candidates'
import { logInAs, registerThroughKiosk } from './pages/accounts'
import { queueAppeal, queueAppealInBackoff, queueAppeals, staff, SupervisorPage } from './pages/supervisorPages'

test.describe('on a 1024 × 768 screen', () => {
  test.use({ viewport: { width: 1024, height: 768 } })

  test('多次失败的业务 → 查看 takes staff to the list, filtered to those ops, below the fold as it is', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    await kiosk.open('/')
    await expect(page.getByTestId('home-progress')).toBeVisible()
    const stuck = await queueAppealInBackoff(kiosk, candidate(33), { stuck: true })
    await supervisor.openPinPad()
    await supervisor.typePin('246810')
    await supervisor.el('pause').click()
    const waiting = await queueAppeal(page, candidate(34))
    await supervisor.el('refresh').click()
    await expect(supervisor.op(waiting.receipt)).toBeAttached()
    // The ops are below the fold.
    await expect(supervisor.el('op').first()).not.toBeInViewport()
    await supervisor.el('stuck-show').click()
    await expect(page.getByRole('heading', { level: 2, name: '业务列表' })).toBeFocused()
    await expect(supervisor.el('ops-filter-stuck')).toHaveAttribute('aria-pressed', 'true')
    await expect(supervisor.el('op')).toHaveCount(1)
    await expect(supervisor.op(stuck.receipt)).toBeInViewport()
  })

  test('操作日志 keeps each time on one line beside a long detail, in Chinese and English, and a Chinese action in one piece', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    /** The lines a cell's text takes: the distinct tops of its text's boxes. */
    const linesOf = (cells: Locator) =>
      cells.evaluateAll((tds) =>
        tds.map((td) => {
          const range = document.createRange()
          range.selectNodeContents(td)
          return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size
        }),
      )
    await supervisor.enter()
    await supervisor.tab('audit')
    const rows = page.getByTestId('supervisor-audit-row')
    // The first set-up's central enrolment names the kiosk by a 36-character ID: the longest detail.
    await expect(rows.filter({ hasText: '中心登记' })).toHaveCount(1)
    const times = rows.locator('td:nth-child(2)')
    expect(new Set(await linesOf(times))).toEqual(new Set([1]))
    expect(await linesOf(rows.filter({ hasText: '进入监考模式' }).locator('td:nth-child(4)'))).toEqual([1])
    await page.getByTestId('header-language').click()
    await expect(page.getByRole('table', { name: 'Audit log' })).toBeVisible()
    expect(new Set(await linesOf(times))).toEqual(new Set([1]))
  })

  test('操作日志 names who wrote a row no staff member did: 首次设置, or the kiosk itself, in Chinese and English', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    // What the kiosk writes as staff leave with sync paused: it resumes by itself.
    kiosk.services.supervisor.audit.append({ action: 'resume', detail: {}, actor: null })
    await supervisor.enter()
    await supervisor.tab('audit')
    const staffOf = (action: string) => page.locator(`[data-testid="supervisor-audit-row"][data-action="${action}"]`).getByTestId('supervisor-audit-staff')
    await expect(staffOf('setup')).toHaveText('首次设置')
    // The wizard's settings and the demo kiosk's first link to the centre, before its 首次设置 row.
    const settings = await staffOf('settingChanged').allTextContents()
    expect(settings.length).toBeGreaterThan(0)
    expect(new Set(settings)).toEqual(new Set(['首次设置']))
    await expect(staffOf('resume')).toHaveText('本机自动')
    await expect(staffOf('enter')).toHaveText(`${staff.staffName} · ${staff.staffId}`)
    await page.getByTestId('header-language').click()
    await expect(staffOf('setup')).toHaveText('First-time set-up')
    await expect(staffOf('resume')).toHaveText('The kiosk itself')
  })

  test('多次失败的业务’s count sits on the line of the other facts’ values and looks like them, with 查看 beside it and without', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    const looks = async (testid: string) => {
      const value = page.getByTestId(testid)
      const box = await value.boundingBox()
      const style = await value.evaluate((element) => getComputedStyle(element))
      return { top: Math.round(box?.y ?? NaN), height: Math.round(box?.height ?? NaN), weight: style.fontWeight, size: style.fontSize }
    }
    await supervisor.enter()
    await expect(supervisor.el('stuck')).toHaveText('0')
    const others = await looks('supervisor-oldest')
    expect(await looks('supervisor-last-sync')).toEqual(others)
    expect(await looks('supervisor-stuck')).toEqual(others)
    await queueAppealInBackoff(kiosk, candidate(50), { stuck: true })
    await supervisor.el('refresh').click()
    await expect(supervisor.el('stuck')).toHaveText('1')
    expect(await looks('supervisor-stuck')).toEqual(others)
    // 查看 keeps its touch height, on the same line.
    const show = await supervisor.el('stuck-show').boundingBox()
    expect(show?.height).toBeGreaterThanOrEqual(44)
    expect(Math.abs((show?.y ?? NaN) + (show?.height ?? NaN) / 2 - (others.top + others.height / 2))).toBeLessThanOrEqual(1)
  })
})

test.describe('supervisor dashboard', () => {
  test('a kiosk without an OS keychain says so, with what to do (the browser harness has none)', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await expect(supervisor.el('key-file')).toContainText('本机没有可用的系统密钥库')
    await expect(supervisor.el('key-file')).toContainText('请启用系统密钥库')
  })

  test('an op refused by the centre while staff were cancelling it: the list shows it as it is, and staff are not told the candidate need not redo it', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    const op = await supervisor.pauseWithQueuedAppeal(candidate(17))
    await supervisor.startCancel(op.receipt, 'duplicate')
    // Meanwhile the answer comes: refused.
    kiosk.services.outbox!.recordResults([{ id: op.id, status: 'rejected', error: { code: 'ID_OCCUPIED' } }])
    await supervisor.el('cancel-confirm').click()
    const said = supervisor.el('ops-error')
    await expect(said).toContainText(`业务 ${op.receipt} 的状态已经变化`)
    await expect(said).not.toContainText('无需考生重新办理')
    await expect(supervisor.op(op.receipt)).toHaveAttribute('data-status', 'rejected')
  })

  test('the cancel dialog’s two ways out read apart in both languages: 不撤销 / Keep the request, never a “Cancel” beside “Cancel the request”', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    const op = await supervisor.pauseWithQueuedAppeal(candidate(18))
    await supervisor.op(op.receipt).getByTestId('supervisor-op-cancel').click()
    const dialog = page.getByRole('dialog', { name: `撤销业务 ${op.receipt}` })
    await expect(dialog.getByRole('button', { name: '不撤销' })).toBeVisible()
    await expect(dialog.getByRole('button', { name: '确认撤销' })).toBeVisible()
    // The five reasons are one named group: one Tab stop, the arrow keys choose.
    const reasons = dialog.getByRole('radiogroup', { name: '原因' })
    await expect(reasons.getByRole('radio')).toHaveCount(5)
    await supervisor.el('cancel-reason-candidateRequest').click()
    await page.keyboard.press('ArrowDown')
    await expect(reasons.getByRole('radio').nth(1)).toBeChecked()
    await page.keyboard.press('Tab')
    await expect(dialog.getByRole('button', { name: '不撤销' })).toBeFocused()
    await page.keyboard.press('Escape')
    await expect(dialog).toBeHidden()
    await page.getByTestId('header-language').click()
    await supervisor.op(op.receipt).getByTestId('supervisor-op-cancel').click()
    const english = page.getByRole('dialog', { name: `Cancel request ${op.receipt}` })
    await expect(english.getByRole('button', { name: 'Cancel', exact: true })).toHaveCount(0)
    await english.getByRole('button', { name: 'Keep the request' }).click()
    await expect(english).toBeHidden()
    expect(kiosk.services.outbox?.get(op.id)?.status).toBe('queued')
  })

  test('立即同步 that can send nothing says why: sync paused, or the central server away', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    const op = await supervisor.pauseWithQueuedAppeal(candidate(19))
    await supervisor.el('sync-now').click()
    await expect(supervisor.el('sync-now-note')).toHaveText('同步已暂停：立即同步只检查了与中心服务器的连接，没有提交业务。请先恢复同步。')
    await expect(supervisor.op(op.receipt)).toHaveAttribute('data-status', 'queued')
    await page.getByTestId('header-language').click()
    await expect(supervisor.el('sync-now-note')).toHaveText('Sync is paused: Sync now only checked the link to the central server and sent nothing. Resume sync first.')
    await page.getByTestId('header-language').click()
    await kiosk.central.stop()
    await supervisor.el('resume').click()
    await expect(supervisor.el('sync-now-note')).toBeHidden()
    await supervisor.el('sync-now').click()
    await expect(supervisor.el('sync-now-note')).toHaveText('中心服务器没有应答，没有提交业务。业务已安全保存在本机，联网后自动提交。')
    await kiosk.central.start()
    await supervisor.el('sync-now').click()
    await expect(supervisor.op(op.receipt)).toHaveAttribute('data-status', 'pending')
    await expect(supervisor.el('sync-now-note')).toBeHidden()
  })

  test('立即同步’s 中心服务器没有应答 goes once the central server answers again, not left beside 联网正常', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await kiosk.central.stop()
    await queueAppeal(kiosk.page, candidate(20))
    await supervisor.el('sync-now').click()
    await expect(supervisor.el('sync-now-note')).toHaveText('中心服务器没有应答，没有提交业务。业务已安全保存在本机，联网后自动提交。')
    // The network comes back and the op goes by itself, staff touching nothing.
    await kiosk.central.start()
    await expect(supervisor.depth('pending')).toHaveAttribute('data-count', '1', { timeout: 30_000 })
    await expect(supervisor.el('online')).toHaveText('联网正常')
    await expect(supervisor.el('sync-now-note')).toBeHidden()
  })

  test('立即同步’s 同步已暂停 note goes once sync is resumed', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.el('pause').click()
    await supervisor.el('sync-now').click()
    await expect(supervisor.el('sync-now-note')).toContainText('同步已暂停')
    // Resumed by the engine (as leaving the mode or another screen would), not by this dashboard's button.
    kiosk.services.engine!.resume()
    await expect(supervisor.el('paused')).toHaveText('同步运行中')
    await expect(supervisor.el('sync-now-note')).toBeHidden()
  })

  test('paused sync keeps new ops on the kiosk; one is cancelled with a reason, the other goes out on resume', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.el('pause').click()
    await expect(supervisor.el('paused')).toHaveText('同步已暂停')

    const kept = await queueAppeal(kiosk.page, candidate(1))
    const dropped = await queueAppeal(kiosk.page, candidate(2))
    await supervisor.el('refresh').click()
    await expect(supervisor.depth('queued')).toHaveAttribute('data-count', '2')
    await expect(supervisor.op(kept.receipt).getByTestId('supervisor-op-status')).toHaveText('等待提交')
    await expect(supervisor.op(kept.receipt).getByTestId('supervisor-op-summary')).toContainText('王**')

    await supervisor.op(dropped.receipt).getByTestId('supervisor-op-cancel').click()
    await supervisor.el('cancel-confirm').click()
    await expect(supervisor.el('cancel-error')).toHaveText('请选择撤销原因')
    // Read at arm's length on a touch screen: the kiosk's 18 px, not Element's 14 px.
    await expect(supervisor.el('cancel-reason-duplicate').locator('.el-radio__label')).toHaveCSS('font-size', '18px')
    await supervisor.el('cancel-reason-duplicate').click()
    await supervisor.el('cancel-confirm').click()
    await expect(supervisor.op(dropped.receipt)).toHaveAttribute('data-status', 'cancelled')
    await expect(supervisor.op(dropped.receipt).getByTestId('supervisor-op-cancel-reason')).toHaveText('重复提交')
    // The 撤销 button is gone with the dialog: the keyboard goes to what became of the op.
    await expect(supervisor.el('ops-notice')).toBeFocused()
    await expect(supervisor.el('ops-notice')).toHaveText(`已撤销业务 ${dropped.receipt}`)
    await kiosk.page.getByTestId('header-language').click()
    await expect(supervisor.el('ops-notice')).toHaveText(`Request ${dropped.receipt} cancelled`)
    await kiosk.page.getByTestId('header-language').click()

    await supervisor.el('resume').click()
    await expect(supervisor.el('paused')).toHaveText('同步运行中')
    // An appeal reaches the central API and waits there for review.
    await expect(supervisor.op(kept.receipt)).toHaveAttribute('data-status', 'pending')
    await expect(supervisor.depth('queued')).toHaveAttribute('data-count', '0')
    expect(kiosk.services.outbox?.get(dropped.id)?.status).toBe('cancelled')

    const actions = kiosk.services.supervisor.audit.list({ limit: 10 }).entries.map((entry) => entry.action)
    expect(actions.slice(0, 3)).toEqual(['resume', 'cancel', 'pause'])
    // The log reads as staff speak: the receipt they were given and the reason they chose.
    await supervisor.tab('audit')
    const row = kiosk.page.locator('[data-testid="supervisor-audit-row"][data-action="cancel"]')
    await expect(row.getByTestId('supervisor-audit-detail')).toHaveText(`回执编号 ${dropped.receipt} · 撤销原因：重复提交`)
  })

  test('暂停同步 lasts while staff are in supervisor mode: leaving resumes it, and the log says so', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.el('pause').click()
    await expect(supervisor.el('paused')).toHaveText('同步已暂停')
    await supervisor.el('leave').click()
    await expect(kiosk.page.getByTestId('home-register')).toBeVisible()
    // Candidates are served again: a paused queue would tell them 联网后将自动提交 while nothing is sent.
    expect(kiosk.services.engine?.paused).toBe(false)
    const appeal = await queueAppeal(kiosk.page, candidate(4))
    await expect.poll(() => kiosk.services.outbox?.get(appeal.id)?.status).toBe('pending')
    const actions = kiosk.services.supervisor.audit.list({ limit: 10 }).entries.map((entry) => entry.action)
    expect(actions.slice(0, 3)).toEqual(['resume', 'leave', 'pause'])
  })

  test('a candidate whose op staff cancelled reads 已撤销 and what to do now in 查询办理进度', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    const dropped = await supervisor.pauseWithQueuedAppeal(candidate(7))
    await supervisor.startCancel(dropped.receipt, 'wrongData')
    await supervisor.el('cancel-confirm').click()
    await expect(supervisor.op(dropped.receipt)).toHaveAttribute('data-status', 'cancelled')
    await supervisor.el('leave').click()
    await kiosk.page.getByTestId('home-progress').click()
    await kiosk.page.getByTestId('progress-receipt').fill(dropped.receipt)
    await kiosk.page.getByTestId('progress-submit').click()
    await expect(kiosk.page.getByTestId('receipt-status')).toHaveText('已撤销')
    await expect(kiosk.page.getByTestId('receipt-cancelled')).toHaveText('该业务已由考点工作人员撤销，未提交到中心。如仍需办理，请重新办理，或咨询考点工作人员。')
  })

  test('an op cancelled after a failed try says it is cancelled, not that the candidate need not redo it', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await kiosk.central.stop()
    const op = await queueAppeal(kiosk.page, candidate(19))
    await supervisor.el('refresh').click()
    const card = supervisor.op(op.receipt)
    // The central server refused the connection: never reached, so still cancellable.
    await expect(card.getByTestId('supervisor-op-guidance')).toContainText('考生无需重新办理')
    await supervisor.startCancel(op.receipt, 'candidateRequest')
    await supervisor.el('cancel-confirm').click()
    await expect(card).toHaveAttribute('data-status', 'cancelled')
    await expect(card.getByTestId('supervisor-op-reason')).toHaveCount(0)
    await expect(card.getByTestId('supervisor-op-guidance')).toHaveText('该业务已撤销，不会提交到中心。如考生仍需办理，请重新办理。')
    await kiosk.page.getByTestId('header-language').click()
    await expect(card.getByTestId('supervisor-op-guidance')).toHaveText(
      'The request is cancelled and is never sent to the central server. If the candidate still needs it, it must be done again.',
    )
  })

  test('an op waiting in backoff after a network failure is sent at once by retry', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await kiosk.open('/')
    const waiting = await queueAppealInBackoff(kiosk, candidate(3))
    await supervisor.enter()
    const card = supervisor.op(waiting.receipt)
    await expect(card).toHaveAttribute('data-status', 'queued')
    await expect(card.getByTestId('supervisor-op-reason')).toHaveText('网络暂不可用，请稍后再试')
    await expect(card.getByTestId('supervisor-op-guidance')).toContainText('考生无需重新办理')
    // Sent once already: it may have reached the server, so it can no longer be cancelled.
    await expect(card.getByTestId('supervisor-op-cancel')).toBeHidden()
    await card.getByTestId('supervisor-op-retry').click()
    await expect(card).toHaveAttribute('data-status', 'pending')
  })

  test('多次失败的业务 leads to those ops, and the list can be filtered to them', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await kiosk.open('/')
    const stuck = await queueAppealInBackoff(kiosk, candidate(11), { stuck: true })
    await queueAppealInBackoff(kiosk, candidate(12))
    await supervisor.enter()
    await expect(supervisor.el('stuck')).toHaveText('1')
    await expect(kiosk.page.getByTestId('supervisor-op')).toHaveCount(2)
    await supervisor.el('stuck-show').click()
    await expect(kiosk.page.getByTestId('supervisor-op')).toHaveCount(1)
    await expect(supervisor.op(stuck.receipt).getByTestId('supervisor-op-stuck')).toHaveText('多次失败')
    await expect(supervisor.el('ops-filter-stuck')).toHaveAttribute('aria-pressed', 'true')
  })

  test('retry sends that op alone: another one in backoff keeps its wait', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await kiosk.open('/')
    const first = await queueAppealInBackoff(kiosk, candidate(7))
    const second = await queueAppealInBackoff(kiosk, candidate(8))
    await supervisor.enter()
    await supervisor.op(first.receipt).getByTestId('supervisor-op-retry').click()
    await expect(supervisor.op(first.receipt)).toHaveAttribute('data-status', 'pending')
    await kiosk.services.engine?.idle()
    await supervisor.el('refresh').click()
    await expect(supervisor.op(second.receipt)).toHaveAttribute('data-status', 'queued')
    expect(kiosk.services.outbox?.get(second.id)?.attempts).toBe(1)
  })

  test('a long queue pages 50 at a time, newest first', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.el('pause').click()
    const queued = await queueAppeals(kiosk, Array.from({ length: 53 }, (_, i) => candidate(100 + i)))
    await supervisor.el('refresh').click()
    await expect(supervisor.el('ops-range')).toHaveText('第 1–50 项，共 53 项（最新的在前）')
    await expect(kiosk.page.getByTestId('supervisor-op')).toHaveCount(50)
    await expect(kiosk.page.getByTestId('supervisor-op').first()).toHaveAttribute('data-receipt', queued[52]!.receipt)
    await expect(supervisor.el('ops-newer')).toBeDisabled()
    await supervisor.el('ops-older').click()
    await expect(supervisor.el('ops-range')).toHaveText('第 51–53 项，共 53 项（最新的在前）')
    await expect(kiosk.page.getByTestId('supervisor-op')).toHaveCount(3)
    await expect(kiosk.page.getByTestId('supervisor-op').last()).toHaveAttribute('data-receipt', queued[0]!.receipt)
    await expect(supervisor.el('ops-older')).toBeDisabled()
    // A filter starts again from the newest.
    await supervisor.el('ops-filter-queued').click()
    await expect(supervisor.el('ops-range')).toHaveText('第 1–50 项，共 53 项（最新的在前）')
    // Staff cancel the three oldest: the page they were on is gone, so the list shows the one before.
    await supervisor.el('ops-older').click()
    for (const op of queued.slice(0, 3)) {
      await supervisor.op(op.receipt).getByTestId('supervisor-op-cancel').click()
      await supervisor.el('cancel-reason-duplicate').click()
      await supervisor.el('cancel-confirm').click()
      // No longer 等待提交: it leaves the filtered list.
      await expect(supervisor.op(op.receipt)).toBeHidden()
    }
    await expect(kiosk.page.getByTestId('supervisor-op')).toHaveCount(50)
    await expect(supervisor.el('ops-range')).toBeHidden()
  })

  test('with the central API away, sync now says why in words and when', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await expect(supervisor.el('last-error')).toBeHidden()
    await kiosk.central.stop()
    await supervisor.el('sync-now').click()
    await expect(supervisor.el('last-error')).toHaveText(/^最近一次同步错误：网络暂不可用，请稍后再试（\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}）$/)
    await expect(supervisor.el('online')).toContainText('离线')
    // Back: the error is history, and says so (it read as the state now, under 联网正常).
    await kiosk.central.start()
    await supervisor.el('sync-now').click()
    await expect(supervisor.el('online')).toContainText('联网正常')
    await expect(supervisor.el('last-error')).toHaveText(/^最近一次同步错误：网络暂不可用，请稍后再试（\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}，此后已恢复联网）$/)
    // And once something has gone through since, it says that.
    await queueAppealInBackoff(kiosk, candidate(14))
    await supervisor.el('sync-now').click()
    await expect(supervisor.el('last-error')).toHaveAttribute('data-recovered', 'synced')
    await expect(supervisor.el('last-error')).toContainText('此后已成功同步')
  })

  test('sync now sends what waits in backoff and shows the time of the sync', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await kiosk.open('/')
    const waiting = await queueAppealInBackoff(kiosk, candidate(4))
    await supervisor.enter()
    await expect(supervisor.depth('queued')).toHaveAttribute('data-count', '1')
    await expect(supervisor.el('oldest')).toContainText('已等待')
    await supervisor.el('sync-now').click()
    await expect(supervisor.depth('queued')).toHaveAttribute('data-count', '0')
    await expect(supervisor.op(waiting.receipt)).toHaveAttribute('data-status', 'pending')
    await expect(supervisor.el('last-sync')).not.toHaveText('尚未同步')
    await expect(supervisor.el('oldest')).toHaveText('无')
  })

  test('a rejected op shows the server’s reason and what to tell the candidate; the list filters by status and finds a receipt', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    const nobody = candidate(5)
    await supervisor.tab('services')
    await supervisor.resetOnSite(nobody, 'Zx9#kLm2pQ')
    await expect(supervisor.el('reset-result')).toHaveAttribute('data-status', 'rejected')
    // Said on the spot too, while the candidate is still at the desk.
    // Not "check the ID number" alone: an on-site reset matches the ID type, number and name.
    await expect(supervisor.el('reset-result-guidance')).toHaveText('中心未找到与所填信息一致的账号：现场核验重置须证件类型、证件号码和姓名与注册时完全一致，请核对；如考生从未注册，请先注册。')
    const receipt = (await supervisor.el('reset-result-receipt').textContent()) ?? ''
    const appeal = await queueAppeal(kiosk.page, candidate(6))

    await supervisor.tab('dashboard')
    await supervisor.el('ops-filter-rejected').click()
    await expect(kiosk.page.getByTestId('supervisor-op')).toHaveCount(1)
    const card = supervisor.op(receipt)
    await expect(card.getByTestId('supervisor-op-reason')).toHaveText('账号不存在')
    await expect(card.getByTestId('supervisor-op-guidance')).toHaveText('中心未找到与所填信息一致的账号：现场核验重置须证件类型、证件号码和姓名与注册时完全一致，请核对；如考生从未注册，请先注册。')
    await expect(card.getByTestId('supervisor-op-summary')).not.toContainText(nobody.idNumber)

    await supervisor.el('ops-filter-all').click()
    await supervisor.fill('ops-search', appeal.receipt.slice(0, 5).toLowerCase())
    await supervisor.el('ops-find').click()
    await expect(kiosk.page.getByTestId('supervisor-op')).toHaveCount(1)
    await expect(supervisor.op(appeal.receipt)).toBeVisible()
  })
})

test('a receipt not on this kiosk is said to be not on this kiosk, with where the candidate can look it up', async ({ kiosk }) => {
  const supervisor = new SupervisorPage(kiosk)
  await supervisor.enter()
  await supervisor.fill('ops-search', 'zz99')
  await supervisor.el('ops-find').click()
  await expect(supervisor.el('ops-empty')).toHaveText(
    '本机没有回执编号含“ZZ99”的业务。在其他自助机或网上办理的业务，请考生在首页“查询办理进度”中查询。',
  )
  await kiosk.page.getByTestId('header-language').click()
  await expect(supervisor.el('ops-empty')).toHaveText(
    'No request on this kiosk has a receipt code containing "ZZ99". For one made on another kiosk or online, the candidate can look it up under "Check the progress of a request" on the home screen.',
  )
  // Without a search, an empty list is only empty.
  await supervisor.fill('ops-search', '')
  await supervisor.el('ops-find').click()
  await expect(supervisor.el('ops-empty')).toHaveText('No matching requests')
})

test.describe('a kiosk whose clock is wrong', () => {
  test.use({ clockSkewMs: -3 * 3_600_000 })

  test('candidates are served as usual, and the dashboard asks staff to set the clock', async ({ kiosk }) => {
    await kiosk.open('/')
    // SMS code, registration applied on the spot: all in the central server's time.
    await registerThroughKiosk(kiosk.page, candidate(43))
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await expect(supervisor.el('clock')).toHaveText(
      '本机时钟比中心服务器慢约 3 小时。业务仍按中心时间同步，但本机显示的时间不准，请校准本机时间。',
    )
    await expect(supervisor.depth('applied')).toHaveAttribute('data-count', '1')
  })
})

test.describe('a kiosk whose clock is fast', () => {
  // A hardware clock kept in local time but read as UTC: 8 hours ahead of the server.
  test.use({ clockSkewMs: 8 * 3_600_000 })

  test('a candidate who logs in stays logged in: the session lasts its 30 minutes in the kiosk’s clock', async ({ kiosk }) => {
    // Registers (its SMS code read off the simulated phone, dated by the server) and logs in.
    await logInAs(kiosk, candidate(44))
    const account = await kiosk.page.evaluate(() => window.kiosk.auth.account({}))
    expect(account.ok ? 'logged in' : account.error.code).toBe('logged in')
  })
})

test.describe('supervisor exit', () => {
  test('退出到桌面 and 关闭程序 ask first; 取消 does nothing; confirmed, the kiosk leaves supervisor mode and the log says who', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    const dialog = kiosk.page.getByTestId('supervisor-exit-dialog')

    await supervisor.el('exit-quit').click()
    await expect(dialog).toContainText('确定要关闭自助机程序吗？')
    await supervisor.el('exit-back').click()
    await expect(dialog).toBeHidden()
    await supervisor.el('exit-desktop').click()
    await expect(dialog).toContainText('确定要退出到桌面吗？')
    await kiosk.page.keyboard.press('Escape')
    await expect(dialog).toBeHidden()
    // Neither reached main, nor the shell, and nothing was logged.
    expect(kiosk.calls.filter((c) => c.includes('quit'))).toEqual([])
    expect(kiosk.quits).toEqual([])
    expect(kiosk.services.supervisor.audit.list({ limit: 5 }).entries.map((e) => e.action)).not.toContain('quit')

    await supervisor.el('exit-desktop').click()
    await supervisor.el('exit-confirm').click()
    await expect.poll(() => kiosk.quits).toEqual(['desktop'])
    expect(kiosk.calls.filter((c) => c.includes('quit'))).toEqual(['kiosk:supervisor.quit'])
    // Logged with who asked, then supervisor mode ends.
    const [left, quit] = kiosk.services.supervisor.audit.list({ limit: 2 }).entries
    expect(quit).toMatchObject({ action: 'quit', detail: { to: 'desktop' } })
    expect(JSON.stringify(quit)).toContain('T07')
    expect(left).toMatchObject({ action: 'leave' })
    // Whoever brings the window back finds the candidates' home screen, not supervisor mode.
    expect(kiosk.services.supervisor.session.isActive()).toBe(false)
    await expect(kiosk.page.getByTestId('supervisor-exit')).toBeHidden()
  })

  test('关闭程序 with ops not yet sent says how many stay on the kiosk; with none, it says nothing of them', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.el('exit-quit').click()
    await expect(kiosk.page.getByTestId('supervisor-exit-dialog')).toContainText('确定要关闭自助机程序吗？')
    await expect(supervisor.el('exit-unsent')).toHaveCount(0)
    await supervisor.el('exit-back').click()
    await supervisor.el('pause').click()
    await queueAppeal(kiosk.page, candidate(14))
    await queueAppeal(kiosk.page, candidate(15))
    await expect(supervisor.el('depth-queued')).toHaveAttribute('data-count', '2')
    await supervisor.el('exit-quit').click()
    await expect(supervisor.el('exit-unsent')).toHaveText(/^本机还有 2 项业务尚未提交到中心服务器。/)
  })

  test('关闭程序, confirmed, tells staff the kiosk is closing and asks the shell to quit', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.el('exit-quit').click()
    await supervisor.el('exit-confirm').click()
    await expect(supervisor.el('quitting')).toHaveText('正在退出…')
    await expect.poll(() => kiosk.quits).toEqual(['quit'])
    expect(kiosk.services.supervisor.audit.list({ limit: 1 }).entries[0]).toMatchObject({ action: 'quit', detail: { to: 'quit' } })
  })
})
