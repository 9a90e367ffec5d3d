import { test, expect, type KioskHarness } from './harness/kioskFixture'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from '../../server/index'
import { startTlsFront } from '../faults/tlsFront'
import { candidate } from './pages/candidates'
import { queueAppeal, queueAppealInBackoff, SetupWizardPage, staff, SupervisorPage } from './pages/supervisorPages'

test.describe('first start: the set-up wizard', () => {
  test.use({ setUp: false })

  test('a new kiosk opens on the wizard; staff name it, keep demo mode, choose a PIN and then enter with it', async ({ kiosk }) => {
    const { page } = kiosk
    const wizard = new SetupWizardPage(kiosk)
    await kiosk.open('/register')
    await expect(wizard.step()).toHaveAttribute('data-step', 'kiosk')
    // Staff are told that a demo keeps nothing: a hall kiosk left in demo mode must not look real.
    await expect(wizard.el('demo')).toContainText('不会提交到ETEST，程序重启后清空')
    // Nothing for a candidate here yet: the header offers no screen the wizard would only send back.
    await expect(page.getByTestId('header-nav-register')).toBeHidden()
    await expect(wizard.el('kiosk-name')).toHaveValue('演示自助机')
    await wizard.fill('kiosk-name', '')
    await wizard.el('next').click()
    await expect(wizard.fieldError('kiosk-name')).toHaveText('请填写此项')
    await wizard.fill('kiosk-name', '一号自助机')
    await wizard.el('next').click()

    await expect(wizard.step()).toHaveAttribute('data-step', 'central')
    // The central key comes with the enrolment answer: never over plain http from off this machine.
    await wizard.fill('central-url', 'http://passport.example.cn')
    await wizard.fill('enrolment-code', 'ABCD-1234')
    await wizard.el('next').click()
    await expect(wizard.fieldError('central-url')).toHaveText('请输入以 https:// 开头的地址（本机上的服务器方可使用 http://）')
    await wizard.fill('central-url', '')
    await wizard.fill('enrolment-code', '')
    await wizard.el('next').click()

    await expect(wizard.step()).toHaveAttribute('data-step', 'pin')
    await wizard.fill('pin', '1234')
    await wizard.el('finish').click()
    await expect(wizard.fieldError('pin')).toHaveText('PIN 须为 6-32 位数字')
    await wizard.fill('pin', '13572468')
    await wizard.fill('pin-confirm', '13572460')
    await wizard.el('finish').click()
    await expect(wizard.fieldError('pin-confirm')).toHaveText('两次输入的 PIN 不一致')
    await wizard.fill('pin-confirm', '13572468')
    await wizard.el('finish').click()
    await expect(wizard.el('done')).toBeVisible()
    expect(kiosk.services.supervisor.setup.isSetUp()).toBe(true)
    // Set up now: the screen no longer says it is not, and every step, 完成 too, is ticked.
    await expect(wizard.step()).not.toContainText('本机尚未设置')
    await expect(wizard.step().locator('.el-step__head.is-success')).toHaveCount(4)

    await wizard.el('start').click()
    await expect(page.getByTestId('home-progress')).toBeVisible()
    await expect(page.getByTestId('header-nav-register')).toBeVisible()
    // The footer names the kiosk as staff just did, without a restart.
    await expect(page.getByTestId('footer-kiosk')).toHaveText('演示考点 · 一号自助机')
    // Set up once: the wizard cannot be run again (it would replace the PIN without knowing it).
    await kiosk.open('/setup')
    await expect(page.getByTestId('home-progress')).toBeVisible()
    await expect(wizard.step()).toBeHidden()

    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter('13572468')
    await supervisor.tab('settings')
    await expect(supervisor.el('settings-kiosk-name')).toHaveValue('一号自助机')
    await expect(supervisor.el('settings-exam-centre')).toHaveValue('演示考点')
  })

  test('a central server that does not answer: the wizard says so beside the address, stores nothing, and can still finish', async ({ kiosk }) => {
    const wizard = new SetupWizardPage(kiosk)
    // Nothing listens there: a typo in the address, or a server that is away.
    await wizard.finishWithUnreachableCentral()
    await expect(wizard.step()).toHaveAttribute('data-step', 'central')
    await expect(wizard.fieldError('central-url')).toHaveText('该地址没有中心服务器应答，请核对地址和本机网络后重试')
    // What staff typed is still there, and nothing was stored: no PIN, not set up.
    await expect(wizard.el('enrolment-code')).toHaveValue('ABCD-1234')
    expect(kiosk.services.supervisor.setup.isSetUp()).toBe(false)
    expect(kiosk.services.supervisor.pin.isSet()).toBe(false)

    // Staff keep demo mode instead: the same wizard finishes.
    await wizard.fill('central-url', '')
    await wizard.fill('enrolment-code', '')
    await wizard.el('next').click()
    await wizard.el('finish').click()
    await expect(wizard.el('done')).toBeVisible()
    expect(kiosk.services.supervisor.setup.isSetUp()).toBe(true)
  })

  test('a message beside a field follows the language staff switch to, as the labels do', async ({ kiosk }) => {
    const { page } = kiosk
    const wizard = new SetupWizardPage(kiosk)
    await wizard.finishWithUnreachableCentral()
    await expect(wizard.fieldError('central-url')).toHaveText('该地址没有中心服务器应答，请核对地址和本机网络后重试')
    await page.getByTestId('header-language').click()
    await expect(wizard.fieldError('central-url')).toHaveText("No central server answered at this address. Check the address and this kiosk's network, then try again.")
    await wizard.fill('central-url', '')
    await wizard.fill('enrolment-code', '')
    await wizard.el('next').click()
    await wizard.fill('pin', '12')
    await wizard.el('finish').click()
    await expect(wizard.fieldError('pin')).toHaveText('The PIN must be 6 to 32 digits.')
    await page.getByTestId('header-language').click()
    await expect(wizard.fieldError('pin')).toHaveText('PIN 须为 6-32 位数字')
  })
})

test.describe('a kiosk whose deployment sets the central URL (KIOSK_CENTRAL_URL)', () => {
  // The deployment's central server, started before the kiosk is, as KIOSK_CENTRAL_URL names it.
  let server: Awaited<ReturnType<typeof startServer>>
  test.use({
    setUp: false,
    // Playwright reads a fixture's dependencies from this pattern: none here.
    // eslint-disable-next-line no-empty-pattern
    config: async ({}, use) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'central-e2e-'))
      server = await startServer({ port: 0, dataDir, dev: true, logger: false })
      await use({ centralUrl: server.url })
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  })

  /** The wizard opened and its first step filled in: on to 中心服务器. */
  async function atCentralStep(kiosk: KioskHarness): Promise<SetupWizardPage> {
    const wizard = new SetupWizardPage(kiosk)
    await kiosk.open('/')
    await wizard.fill('kiosk-name', '一号自助机')
    await wizard.fill('exam-centre', '海淀考点')
    await wizard.el('next').click()
    await expect(wizard.step()).toHaveAttribute('data-step', 'central')
    return wizard
  }

  test('the wizard and 设置 show that address read-only and say why; the kiosk enrols there', async ({ kiosk }) => {
    const wizard = await atCentralStep(kiosk)
    await expect(wizard.el('central-url')).toHaveValue(server.url)
    await expect(wizard.el('central-url')).not.toBeEditable()
    await expect(wizard.el('central-url-hint')).toHaveText('本机的中心服务器地址已由部署配置（KIOSK_CENTRAL_URL）指定，不能在此更改')
    await wizard.el('next').click()
    await expect(wizard.fieldError('enrolment-code')).toHaveText('请输入登记码')
    await wizard.fill('enrolment-code', server.createEnrollmentCode('一号自助机'))
    await wizard.finishWithPin()
    await expect(wizard.el('done')).toBeVisible()
    expect(kiosk.services.central?.url).toBe(server.url)
    const enrolment = kiosk.services.supervisor.settings.enrolment()
    expect(enrolment.ok && enrolment.value?.centralUrl).toBe(server.url)

    await wizard.el('start').click()
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter('13572468')
    await supervisor.tab('settings')
    await expect(supervisor.el('central-url')).toHaveValue(server.url)
    await expect(supervisor.el('central-url')).not.toBeEditable()
    await expect(supervisor.el('central-url-hint')).toHaveText('本机的中心服务器地址已由部署配置（KIOSK_CENTRAL_URL）指定，不能在此更改')
    // A new code is all 设置 takes here: the kiosk enrols again at the same server.
    await supervisor.fill('central-code', server.createEnrollmentCode('一号自助机'))
    await supervisor.el('central-reenrol').click()
    await supervisor.el('central-confirm').click()
    await expect(supervisor.el('central-done')).toBeVisible()
    expect(kiosk.services.central?.url).toBe(server.url)
  })

  test('the focus goes to what staff can act on: 登记码 when it is empty or refused; the heading when the fixed address does not answer', async ({ kiosk }) => {
    const { page } = kiosk
    const wizard = await atCentralStep(kiosk)
    // The address is there and read-only: the code is the one thing to type.
    await expect(wizard.el('enrolment-code')).toBeFocused()
    await wizard.fill('enrolment-code', 'WRONG-CODE-1')
    await wizard.finishWithPin()
    await expect(wizard.step()).toHaveAttribute('data-step', 'central')
    await expect(wizard.fieldError('enrolment-code')).toBeVisible()
    await expect(wizard.el('enrolment-code')).toBeFocused()
    // The server goes away: the message is on the address, which staff cannot edit here.
    await wizard.fill('enrolment-code', server.createEnrollmentCode('一号自助机'))
    await server.close()
    await wizard.el('next').click()
    await wizard.el('finish').click()
    await expect(wizard.fieldError('central-url')).toHaveText('该地址没有中心服务器应答，请核对地址和本机网络后重试', { timeout: 15_000 })
    await expect(page.getByRole('heading', { level: 1, name: '自助机首次设置' })).toBeFocused()
  })
})

test.describe('entering supervisor mode', () => {
  test('five taps on the logo open the PIN pad, four do not; the right PIN opens the dashboard with the staff member', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await kiosk.open('/')
    for (let i = 0; i < 4; i++) await kiosk.page.getByTestId('header-logo').click()
    // The pad opens after a navigation and a lazy load: give four taps the time that takes (well
    // inside the 3 s window, so the fifth still counts) before saying they did not open it.
    const openedByFour = await supervisor.el('pin-pad').waitFor({ state: 'visible', timeout: 1_000 }).then(() => true, () => false)
    expect(openedByFour).toBe(false)
    await expect(kiosk.page).toHaveURL(/#\/$/)
    await kiosk.page.getByTestId('header-logo').click()
    await expect(supervisor.el('pin-pad')).toBeVisible()
    await supervisor.typePin('246810')
    await expect(supervisor.el('staff')).toHaveText(`工作人员：${staff.staffName}（${staff.staffId}）`)
    await expect(supervisor.el('online')).toHaveText('联网正常')
    expect(kiosk.services.supervisor.session.isActive()).toBe(true)
  })

  test('supervisor mode opens in the kiosk’s language, not the one the last candidate chose', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await kiosk.open('/')
    await kiosk.page.getByTestId('header-language').click()
    await expect(kiosk.page.getByTestId('home-register')).not.toHaveText(/注册/)
    await supervisor.openPinPad()
    await supervisor.typePin('246810')
    await expect(supervisor.el('staff')).toHaveText(`工作人员：${staff.staffName}（${staff.staffId}）`)
  })

  test('a language staff switch to on the PIN pad itself is theirs: supervisor mode opens in it', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await kiosk.open('/')
    await supervisor.openPinPad()
    await kiosk.page.getByTestId('header-language').click()
    await expect(kiosk.page.getByRole('heading', { name: 'Enter supervisor mode' })).toBeVisible()
    await supervisor.typePin('246810')
    await expect(supervisor.el('staff')).toHaveText(`Staff: ${staff.staffName} (${staff.staffId})`)
    // Leaving gives the next candidate the kiosk's default again.
    await supervisor.el('leave').click()
    await expect(kiosk.page.getByTestId('home-register')).toHaveText('注册ETEST通行证')
  })

  test('the PIN pad says which of 工号 and 姓名 it cannot take, before any PIN is tried', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await kiosk.open('/')
    await supervisor.openPinPad()
    for (const [who, says] of [
      [{ staffId: '', staffName: '王老师' }, '请填写工号和姓名'],
      [{ staffId: '-07', staffName: '王老师' }, '工号须以字母或数字开头，只能包含字母、数字和 . _ -'],
      [{ staffId: 'T07', staffName: '王老师2' }, '姓名最多 32 个字，不能包含数字，也不能以 = + - @ 开头'],
      [{ staffId: 'T07', staffName: '=HYPERLINK("x")' }, '姓名最多 32 个字，不能包含数字，也不能以 = + - @ 开头'],
    ] as const) {
      await supervisor.typePin('246810', who)
      await expect(supervisor.el('pin-error')).toHaveText(says)
    }
    // Nor what cannot be a PIN: too short, or a letter typed from the keyboard.
    await supervisor.typePin('12')
    await expect(supervisor.el('pin-error')).toHaveText('PIN 为 6-32 位数字，请重新输入')
    await supervisor.el('pin-clear').click()
    await supervisor.el('pin-input').pressSequentially('24681a')
    await supervisor.el('pin-submit').click()
    await expect(supervisor.el('pin-error')).toHaveText('PIN 为 6-32 位数字，请重新输入')
    await expect(supervisor.el('pin-input')).toHaveValue('')
    // None of them reached main's PIN check (nor counted toward the pad's lock).
    expect(kiosk.calls.filter((c) => c === 'kiosk:supervisor.enter')).toEqual([])
    expect(kiosk.services.supervisor.pin.state().failures).toBe(0)
    await supervisor.typePin('246810')
    await expect(supervisor.el('mode')).toBeVisible()
  })

  test('the PIN pad’s message follows the language staff switch to', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    await kiosk.open('/')
    await supervisor.openPinPad()
    await supervisor.typePin('246810', { staffId: '', staffName: '王老师' })
    await expect(supervisor.el('pin-error')).toHaveText('请填写工号和姓名')
    await page.getByTestId('header-language').click()
    await expect(supervisor.el('pin-error')).toHaveText('Please enter your staff ID and name.')
  })

  test('the PIN pad and the dashboard cannot be reached by their address', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    await kiosk.open('/supervisor/pin')
    await expect(page.getByTestId('home-progress')).toBeVisible()
    await kiosk.open('/supervisor/dashboard')
    await expect(page.getByTestId('home-progress')).toBeVisible()
    await expect(supervisor.el('mode')).toBeHidden()
  })

  test('leaving goes home, wipes the screen and cannot be undone with "back"', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    // Inside, the candidates' links are gone: one tap on 重置密码 (so like 现场服务's tabs) would
    // leave the mode and a half-typed form; 退出监考模式 is the way out.
    await expect(page.getByTestId('header-nav-reset')).toBeHidden()
    await supervisor.tab('audit')
    await expect(supervisor.el('audit-table')).toBeVisible()
    await supervisor.el('leave').click()
    await expect(page.getByTestId('header-nav-reset')).toBeVisible()
    await expect(page.getByTestId('home-progress')).toBeVisible()
    expect(kiosk.services.supervisor.session.isActive()).toBe(false)
    await page.goBack()
    await expect(page.getByTestId('home-progress')).toBeVisible()
    await expect(supervisor.el('mode')).toBeHidden()
    await expect(supervisor.el('pin-pad')).toBeHidden()
  })

  test('five wrong PINs lock the pad with a countdown, and the lock survives a restart', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await kiosk.open('/')
    await supervisor.openPinPad()
    await supervisor.lockWithWrongPins()
    const first = Number(await supervisor.el('pin-locked').getAttribute('data-seconds'))
    expect(first).toBeGreaterThan(25)
    expect(first).toBeLessThanOrEqual(30)
    await expect(supervisor.el('pin-key-2')).toBeDisabled()
    await expect(supervisor.el('pin-submit')).toBeDisabled()
    // The countdown counts down.
    await expect.poll(async () => Number(await supervisor.el('pin-locked').getAttribute('data-seconds'))).toBeLessThan(first)

    await kiosk.restart()
    await kiosk.open('/')
    await expect(kiosk.page.getByTestId('home-progress')).toBeVisible()
    await supervisor.openPinPad()
    await expect(supervisor.el('pin-locked')).toBeVisible()
    await expect(supervisor.el('pin-submit')).toBeDisabled()
    // Main refuses the right PIN too while locked, whatever the screen does.
    const tried = await kiosk.page.evaluate(() => window.kiosk.supervisor.enter({ pin: '246810', staffId: 'T07', staffName: '王老师' }))
    expect(tried.ok ? null : tried.error.code).toBe('PIN_LOCKED')
  })

  test('what a screen reader is told of the lock follows the language staff switch to, as the banner does', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await kiosk.open('/')
    await supervisor.openPinPad()
    await supervisor.lockWithWrongPins()
    await kiosk.page.getByTestId('header-language').click()
    await expect(supervisor.el('pin-locked')).toContainText('Too many wrong PINs: locked.')
    await expect(supervisor.el('pin-lock-news')).toHaveText('Too many wrong PINs: locked. Try again in 30 s.')
  })

  test('when the lock ends, the pad is ready again without the error that led to it, and says so', async ({ kiosk }) => {
    const { page } = kiosk
    // The renderer's clock only: main keeps its own lock, so the time jump changes what staff see.
    await page.clock.install()
    const supervisor = new SupervisorPage(kiosk)
    await kiosk.open('/')
    await supervisor.openPinPad()
    await supervisor.lockWithWrongPins()
    // Screen readers hear the lock once, not the countdown every second.
    await expect(supervisor.el('pin-lock-news')).toContainText('PIN 错误次数过多，已锁定')
    await page.clock.fastForward(31_000)
    await expect(supervisor.el('pin-locked')).toBeHidden()
    await expect(supervisor.el('pin-submit')).toBeEnabled()
    await expect(supervisor.el('pin-key-2')).toBeEnabled()
    await expect(supervisor.el('pin-error')).toBeHidden()
    await expect(supervisor.el('pin-lock-news')).toHaveText('PIN 已解锁，可以重新输入。')
    await expect(supervisor.el('pin-input')).toBeFocused()
    // Main's own lock has not ended: the next try is refused, and the countdown is back.
    await supervisor.typePin('246810')
    await expect(supervisor.el('pin-locked')).toBeVisible()
    expect(kiosk.services.supervisor.session.isActive()).toBe(false)
  })

  test('before supervisor mode leaves by itself, staff are warned (readable, 继续操作 under the keyboard) and can stay; what they typed is kept', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enterSoonIdle()
    await supervisor.openOnSiteAppeal()
    await supervisor.fill('appeal-name', '王小明')
    // Reading a document with the candidate: no touch. 5 s before the end (a third of 15 s), the warning.
    const warning = kiosk.page.getByTestId('supervisor-idle-warning')
    await expect(warning).toBeVisible({ timeout: 13_000 })
    await expect(warning).toContainText('即将退出监考模式')
    // Read at arm's length, as the candidate's warning is; and 继续操作 is where the keyboard is.
    await expect(kiosk.page.getByTestId('supervisor-idle-message')).toHaveCSS('font-size', '20px')
    await expect(kiosk.page.getByTestId('supervisor-idle-stay')).toBeFocused()
    await kiosk.page.keyboard.press('Enter')
    await expect(warning).toBeHidden()
    // Past the first deadline: still in, with the form as it was.
    await kiosk.page.waitForTimeout(7_000)
    await expect(supervisor.el('mode')).toBeVisible()
    await expect(supervisor.el('appeal-name')).toHaveValue('王小明')
    expect(kiosk.services.supervisor.session.isActive()).toBe(true)
  })

  test('the idle warning tells the time staff have: Shift alone changes nothing, and the mode ends when it said', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enterSoonIdle()
    const warning = page.getByTestId('supervisor-idle-warning')
    await expect(warning).toBeVisible({ timeout: 13_000 })
    await expect(page.getByTestId('supervisor-idle-message')).toContainText('5 秒')
    const beats = () => kiosk.calls.filter((call) => call === 'kiosk:supervisor.activity').length
    const beatsAtWarning = beats()
    // A hand on the keyboard, nobody back: the warning stays, and so does main's countdown.
    await page.keyboard.press('Shift')
    await page.keyboard.press('Control')
    // Shift under a Chinese input method, which takes it to switch 中/英 and reports it as its own key
    // (Process, 229), the physical key kept in its code.
    const cdp = await page.context().newCDPSession(page)
    for (const type of ['rawKeyDown', 'keyUp'] as const)
      await cdp.send('Input.dispatchKeyEvent', { type, key: 'Process', code: 'ShiftLeft', windowsVirtualKeyCode: 229 })
    await expect(warning).toBeVisible()
    await expect(page.getByTestId('home-progress')).toBeVisible({ timeout: 7_000 })
    expect(beats()).toBe(beatsAtWarning)
    expect(kiosk.services.supervisor.session.isActive()).toBe(false)
  })

  test('a key while the idle warning is up is staff back: the warning goes, as with 继续操作, main counts again, and the key types nothing behind it', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enterSoonIdle()
    await supervisor.openOnSiteAppeal()
    await supervisor.fill('appeal-name', '王小明')
    const warning = page.getByTestId('supervisor-idle-warning')
    await expect(warning).toBeVisible({ timeout: 13_000 })
    await page.keyboard.press('a')
    await expect(warning).toBeHidden()
    await expect(supervisor.el('appeal-name')).toBeFocused()
    await expect(supervisor.el('appeal-name')).toHaveValue('王小明')
    // Main's 15 s started again with the key: the next warning comes with the mode still on, 10 s on.
    await expect(warning).toBeVisible({ timeout: 13_000 })
    expect(kiosk.services.supervisor.session.isActive()).toBe(true)
  })

  test('a shorter 监考模式超时 saved in 设置 warns before it ends the mode, as the one it replaced did', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.tab('settings')
    const timeout = supervisor.el('settings-supervisorIdleTimeoutSec').locator('input')
    await timeout.fill('15')
    await timeout.blur()
    await supervisor.el('settings-save').click()
    await expect(supervisor.el('settings-saved')).toBeVisible()
    // The warning was timed by the 60 s in force when the save was tapped; main ends the mode 15 s on.
    const warning = kiosk.page.getByTestId('supervisor-idle-warning')
    await expect(warning).toBeVisible({ timeout: 13_000 })
    await kiosk.page.getByTestId('supervisor-idle-stay').click()
    expect(kiosk.services.supervisor.session.isActive()).toBe(true)
  })

  test('supervisor mode leaves by itself after the idle timeout and goes home, even while the dashboard keeps reloading a busy queue', async ({ kiosk }) => {
    const updated = kiosk.services.supervisor.settings.update({ supervisorIdleTimeoutSec: 15 })
    expect(updated.ok).toBe(true)
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    const dashboardLoads = () => kiosk.calls.filter((c) => c === 'kiosk:supervisor.dashboard').length
    const loadsAtStart = dashboardLoads()
    // Ops change every 3 s (as the sync engine makes them do) and the dashboard reloads on each: no staff touch.
    let busy = true
    const queueing = (async () => {
      for (let i = 0; busy; i++) {
        await queueAppeal(kiosk.page, candidate(60 + i))
        await kiosk.page.waitForTimeout(3_000)
      }
    })()
    try {
      await expect(kiosk.page.getByTestId('home-progress')).toBeVisible({ timeout: 25_000 })
    } finally {
      busy = false
      await queueing
    }
    expect(dashboardLoads() - loadsAtStart).toBeGreaterThan(2)
    await expect(supervisor.el('mode')).toBeHidden()
    expect(kiosk.services.supervisor.session.isActive()).toBe(false)
  })
})

test.describe('settings reach the candidate screens', () => {
  test.use({ idle: { timeoutSec: 4, warningSec: 3 } })
  test('a new kiosk name and 默认语言 English reach the candidate screens once staff leave, and one candidate’s 中文 does not outlast them', async ({ kiosk }) => {
    const { page } = kiosk
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await supervisor.tab('settings')
    await supervisor.el('settings-locale-en').click()
    await supervisor.el('settings-kiosk-name').fill('二号自助机')
    await supervisor.el('settings-save').click()
    await expect(supervisor.el('settings-saved')).toBeVisible()
    expect(kiosk.services.supervisor.settings.get().defaultLocale).toBe('en')
    await supervisor.tab('audit')
    const changes = page.locator('[data-testid="supervisor-audit-row"][data-action="settingChanged"]').getByTestId('supervisor-audit-detail')
    await expect(changes.first()).toBeVisible()
    expect(await changes.allTextContents()).toEqual(expect.arrayContaining(['自助机名称：二号自助机', '默认语言：English']))

    await supervisor.el('leave').click()
    await expect(page.getByTestId('home-register')).toHaveText('Register an ETEST passport')
    await expect(page.locator('html')).toHaveAttribute('lang', 'en')
    await expect(page.getByTestId('footer-kiosk')).toHaveText('演示考点 · 二号自助机')

    // A candidate switches to Chinese, starts registering and walks away: the idle wipe returns the
    // kiosk to its default language for whoever comes next.
    await page.getByTestId('header-language').click()
    await expect(page.getByTestId('home-register')).toHaveText('注册ETEST通行证')
    await page.getByTestId('home-register').click()
    await expect(page.getByTestId('idle-warning')).toBeVisible()
    await expect(page.getByTestId('home-register')).toHaveText('Register an ETEST passport', { timeout: 8_000 })
  })
})

test.describe('changing the central server in 设置', () => {
  test('plain http is refused at once; another server is refused while an op is not final, and nothing changes', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await kiosk.open('/')
    await queueAppealInBackoff(kiosk, candidate(31))
    await supervisor.enter()
    // Refused on the screen itself: no confirm dialog, nothing sent.
    await supervisor.tab('settings')
    await supervisor.fill('central-url', 'http://passport.example.cn')
    await supervisor.fill('central-code', 'ABCD-1234')
    await supervisor.el('central-reenrol').click()
    await expect(supervisor.el('central-url-field')).toContainText('请输入以 https:// 开头的地址（本机上的服务器方可使用 http://）')
    await expect(supervisor.el('central-dialog')).toBeHidden()
    // Staff switch the language with the message on the screen: it is said again in English.
    await kiosk.page.getByTestId('header-language').click()
    await expect(supervisor.fieldError('central-url')).toHaveText('Enter the address starting with https:// (http:// only for a server on this kiosk)')
    await kiosk.page.getByTestId('header-language').click()

    await supervisor.fill('central-url', 'https://passport.example.cn')
    await supervisor.el('central-reenrol').click()
    await supervisor.el('central-confirm').click()
    await expect(supervisor.el('central-error')).toHaveText('本机还有业务未办结，请先同步（或撤销）后再重新登记')
    expect(kiosk.services.supervisor.settings.get().centralUrl).toBeNull()
    await expect(supervisor.el('central-done')).toBeHidden()
  })

  test('a server whose certificate this kiosk does not trust is named as such, and the kiosk stays where it was', async ({ kiosk }) => {
    const front = await startTlsFront()
    try {
      const supervisor = new SupervisorPage(kiosk)
      await kiosk.open('/')
      await supervisor.enter()
      await supervisor.reenrol(front.url, 'ABCD-1234')
      // Beside the address, where the problem is.
      await expect(supervisor.fieldError('central-url')).toHaveText(
        '无法安全连接中心服务器：其证书未通过验证（已过期、与地址不符，或本机不信任其签发机构）',
      )
      await expect(supervisor.el('central-error')).toBeHidden()
      expect(kiosk.services.supervisor.settings.get().centralUrl).toBeNull()
      await expect(supervisor.el('central-done')).toBeHidden()
      // What staff typed stays for another try once the certificate is sorted out.
      await expect(supervisor.el('central-url')).toHaveValue(front.url)
      await expect(supervisor.el('central-code')).toHaveValue('ABCD-1234')
    } finally {
      await front.close()
    }
  })

  test('a code too short to be one is named beside the code, in the language shown, and the log has no address changed and back', async ({ kiosk }) => {
    const supervisor = new SupervisorPage(kiosk)
    await kiosk.open('/')
    await supervisor.enter()
    const rows = kiosk.services.supervisor.audit.list().total
    await supervisor.reenrol('https://127.0.0.1:1', 'ABCD')
    await expect(supervisor.fieldError('central-code')).toHaveText('登记码至少 8 个字符，请核对中心发放的登记码')
    await expect(supervisor.el('central-error')).toBeHidden()
    await kiosk.page.getByTestId('header-language').click()
    await expect(supervisor.fieldError('central-code')).toHaveText('An enrolment code has at least 8 characters: check the code from the central office.')
    expect(kiosk.services.supervisor.audit.list().total).toBe(rows)
  })

  test('a code the server refuses is named beside the code; the right one moves the kiosk to that server', async ({ kiosk }) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'central-e2e-'))
    const server = await startServer({ port: 0, dataDir, dev: true, logger: false })
    try {
      const supervisor = new SupervisorPage(kiosk)
      await kiosk.open('/')
      await supervisor.enter()
      await supervisor.reenrol(server.url, 'WRONG-1234')
      await expect(supervisor.fieldError('central-code')).toHaveText('登记码无效、已过期或已被使用，请向中心索取新的登记码')
      expect(kiosk.services.supervisor.settings.get().centralUrl).toBeNull()

      await supervisor.fill('central-code', server.createEnrollmentCode('一号机'))
      await supervisor.el('central-reenrol').click()
      await supervisor.el('central-confirm').click()
      await expect(supervisor.el('central-done')).toBeVisible()
      await expect(supervisor.fieldError('central-code')).toBeHidden()
      await expect(supervisor.el('central-code')).toHaveValue('')
      expect(kiosk.services.supervisor.settings.get().centralUrl).toBe(server.url)
      expect(kiosk.services.central?.demo).toBe(false)
    } finally {
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
