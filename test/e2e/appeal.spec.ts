import { test, expect, type KioskHarness } from './harness/kioskFixture'
import { AppealPage } from './pages/AppealPage'
import { candidate, type Candidate } from './pages/candidates'
import { KioskPage } from './pages/kioskPage'
import { ProgressPage } from './pages/ProgressPage'
import { registerThroughKiosk } from './pages/accounts'
import { queueAppeals, SupervisorPage } from './pages/supervisorPages'
import { opsPerKioskWindow } from '../../src-main/services/kioskOpLimit'

test.describe('信息占用申诉 and 查询办理进度', () => {
  test('an appeal gets a receipt with its QR code, and 查询办理进度 finds it by that code', async ({ kiosk }) => {
    const appeal = new AppealPage(kiosk)
    await appeal.open()
    await appeal.file(candidate(1), 'idNumber', '我从未注册过通行证，但我的证件号码已被其他账号占用。')
    await expect(appeal.el('received')).toHaveText('申诉已提交')
    // The form and its button are gone: the receipt's heading has the focus, and is read out.
    await expect(appeal.el('received')).toBeFocused()
    const receipt = kiosk.page.getByTestId('receipt-code')
    await expect(receipt).toHaveText(/^[0-9A-Z]{8}$/)
    const code = (await receipt.textContent()) ?? ''
    await expect(kiosk.page.getByTestId('receipt-qr')).toHaveAttribute('src', /^data:image\/png;base64,/)
    await expect(kiosk.page.getByTestId('receipt-qr')).toHaveAttribute('data-qr-text', code)

    await appeal.el('home').click()
    await kiosk.page.getByTestId('home-progress').click()
    const progress = new KioskPage(kiosk, 'progress')
    await progress.fill('receipt', code.toLowerCase())
    await progress.el('submit').click()
    await expect(kiosk.page.getByTestId('receipt-code')).toHaveText(code)
    await expect(kiosk.page.getByTestId('receipt-status')).toHaveText(/等待审核|等待提交|正在提交/)
  })

  test('an appeal filed while the central API is away reads 申诉已保存 until it is sent, then 申诉已提交', async ({ kiosk }) => {
    const appeal = new AppealPage(kiosk)
    await appeal.open()
    await kiosk.central.stop()
    await appeal.file(candidate(2), 'mobile', '我的手机号被他人注册的通行证占用，请核实处理。')

    await expect(appeal.el('received')).toHaveText('申诉已保存', { timeout: 15_000 })
    await expect(kiosk.page.getByTestId('receipt-saved')).toHaveText('您的业务已保存在本机，联网后将自动提交。')
    await expect(kiosk.page.getByTestId('receipt')).toContainText('工作人员核实后将处理您的申诉')
    await kiosk.central.start()
    await expect(appeal.el('received')).toHaveText('申诉已提交', { timeout: 15_000 })
    await expect(kiosk.page.getByTestId('receipt-saved')).toBeHidden()
  })

  test('an appeal without a choice, with a short statement or a bad mobile is not sent', async ({ kiosk }) => {
    const appeal = new AppealPage(kiosk)
    await appeal.open()
    await appeal.fill('mobile', '1380013800')
    await appeal.fill('statement', '太短了')
    await appeal.el('submit').click()
    await expect(appeal.fieldError('occupied')).toHaveText('请选择被占用的信息：证件号码、手机号或电子邮箱')
    await expect(appeal.fieldError('statement')).toHaveText('申诉说明须为10-1000个字符，请写明被占用的情况')
    await expect(appeal.fieldError('mobile')).toContainText('手机号须为11位数字')
    await expect(kiosk.page.getByTestId('receipt')).toBeHidden()
    // The first thing to fix has the focus.
    await expect(appeal.el('occupied-field').locator(':focus')).toHaveCount(1)
  })

  test('an occupied mobile or email is asked for under its own field: it is what the appeal claims, not only a way to reach the candidate', async ({ kiosk }) => {
    const appeal = new AppealPage(kiosk)
    await appeal.open()
    await appeal.el('occupied-mobile').click()
    await expect(appeal.el('mobile-field').getByTestId('appeal-occupied-hint')).toHaveText('请填写被其他账号占用的本人手机号：申诉针对的就是这个号码')
    await expect(appeal.el('mobile')).toHaveAccessibleDescription('请填写被其他账号占用的本人手机号：申诉针对的就是这个号码')
    await appeal.el('occupied-email').click()
    await expect(appeal.el('email-field').getByTestId('appeal-occupied-hint')).toHaveText('请填写被其他账号占用的本人电子邮箱：申诉针对的就是这个邮箱')
    await expect(appeal.el('mobile-field').getByTestId('appeal-occupied-hint')).toHaveCount(0)
    await kiosk.page.getByTestId('header-language').click()
    await expect(appeal.el('occupied-hint')).toHaveText('Enter your own email address, the one another account uses: the appeal is about this address.')
    // The ID number is the candidate's own document, asked for above: nothing to add.
    await appeal.el('occupied-idNumber').click()
    await expect(appeal.el('occupied-hint')).toHaveCount(0)
  })

  test('a screen reader names each field by its label alone: the red * is not read, 必填 comes from aria-required', async ({ kiosk }) => {
    const appeal = new AppealPage(kiosk)
    await appeal.open()
    await expect(appeal.el('id-number')).toHaveAccessibleName('证件号码')
    await expect(appeal.el('id-number')).toHaveAttribute('aria-required', 'true')
    await expect(appeal.el('statement')).toHaveAccessibleName('申诉说明')
    // 被占用的信息 has no <input> of its own to carry it: its group says it.
    const occupied = kiosk.page.getByRole('radiogroup', { name: '被占用的信息' })
    await expect(occupied).toHaveAttribute('aria-required', 'true')
    await appeal.el('submit').click()
    await expect(occupied).toHaveAttribute('aria-invalid', 'true')
    // Why it is refused, said with the group when the keyboard comes back to it, not only once.
    await expect(occupied).toHaveAccessibleDescription('请选择被占用的信息：证件号码、手机号或电子邮箱')
    await appeal.el('occupied-email').click()
    await expect(occupied).not.toHaveAttribute('aria-invalid', 'true')
    await expect(occupied).toHaveAccessibleDescription('')
    // The * is still drawn beside the label.
    const star = await appeal.el('mobile-field').locator('.el-form-item__label').evaluate((label) => getComputedStyle(label, '::before').content)
    expect(star).toContain('*')
  })

  test('changing 证件类型 re-checks the number typed under the old one, and leaves the untouched name quiet', async ({ kiosk }) => {
    const appeal = new AppealPage(kiosk)
    await appeal.open()
    await appeal.fill('id-number', 'E12345678')
    await appeal.el('mobile').focus()
    await expect(appeal.fieldError('id-number')).toHaveText('居民身份证号码须为18位，前17位为数字，最后一位为数字或X')
    await appeal.choose('id-type', 'passport')
    await expect(appeal.fieldError('id-number')).toBeHidden()
    await appeal.choose('id-type', 'hkMacauPermit')
    await expect(appeal.fieldError('id-number')).toContainText('港澳居民来往内地通行证号码须为H或M')
    await expect(appeal.fieldError('name')).toBeHidden()
  })

  test("a short statement's message waits for the finger to lift: shown at the touch, it moved the button the finger was on", async ({ kiosk }) => {
    const appeal = new AppealPage(kiosk)
    await appeal.open()
    await appeal.el('occupied-mobile').click()
    await appeal.fill('statement', '太短了')
    // A touch on 提交 leaves the statement (its check runs) before the finger lifts.
    await appeal.el('submit').dispatchEvent('pointerdown')
    await appeal.el('statement').blur()
    // Element Plus shows a form item's message 100 ms after it is set: a finger held three times as
    // long would have seen it. (Under load this can only miss the old fault, never fail a right screen:
    // nothing may show while the pointer is down, however long it stays.)
    await kiosk.page.waitForTimeout(300)
    await expect(appeal.fieldError('statement')).toHaveCount(0)
    await appeal.el('submit').dispatchEvent('pointerup')
    await expect(appeal.fieldError('statement')).toHaveText('申诉说明须为10-1000个字符，请写明被占用的情况')
  })

  test('a visit that has queued as many ops as one may is told so above the form, and whom to ask, in both languages', async ({ kiosk }) => {
    const appeal = new AppealPage(kiosk)
    await appeal.open()
    // A screen gone wrong queued them (main counts them, not the screen).
    const payloads = Array.from({ length: 30 }, (_, i) => {
      const { idType, idNumber, name, mobile, email } = candidate(200 + i)
      return { occupied: 'mobile', idType, idNumber, name, mobile, email, statement: '我的手机号被他人注册的通行证占用，请核实处理。' }
    })
    const queued = await kiosk.page.evaluate(async (all) => {
      let ok = 0
      for (const payload of all) if ((await window.kiosk.ops.submit({ kind: 'appeal', payload, waitMs: 0 })).ok) ok++
      return ok
    }, payloads)
    expect(queued).toBe(30)
    await appeal.file(candidate(4), 'mobile', '我的手机号被他人注册的通行证占用，请核实处理。')
    await expect(appeal.formError()).toHaveText('本次办理提交的业务数量已达上限，请联系考点工作人员')
    await kiosk.page.getByTestId('header-language').click()
    await expect(appeal.formError()).toHaveText('This visit has submitted as many requests as one visit may. Please ask the exam-centre staff.')
  })

  test('a kiosk whose candidates queued as many ops as it may in an hour sends the next one to staff, whatever visit; 运行概况 tells staff', async ({ kiosk }) => {
    const appeal = new AppealPage(kiosk)
    await appeal.open()
    // A screen gone wrong queued them, starting a new visit before each visit's limit.
    await queueAppeals(kiosk, Array.from({ length: opsPerKioskWindow }, (_, i) => candidate(300 + i)))
    await kiosk.open('/')
    await appeal.open()
    await appeal.file(candidate(5), 'mobile', '我的手机号被他人注册的通行证占用，请核实处理。')
    await expect(appeal.formError()).toHaveText('本机一小时内提交的业务过多，暂时不能提交，请联系考点工作人员')
    await kiosk.page.getByTestId('header-language').click()
    await expect(appeal.formError()).toHaveText(
      'Too many requests were submitted on this kiosk in the last hour, and it cannot take more for now. Please ask the exam-centre staff.',
    )

    await kiosk.open('/')
    const supervisor = new SupervisorPage(kiosk)
    await supervisor.enter()
    await expect(supervisor.el('candidate-ops-limited')).toHaveText(
      /^考生在本机 60 分钟内提交的业务已达上限（200 项），考生暂时不能在本机提交业务，约 \d+ 分钟后恢复。若本机并未如此繁忙，请检查本机是否异常；信息占用申诉和核验证件后重置密码仍可在“现场服务”中为考生办理。$/,
    )
    await kiosk.page.getByTestId('header-language').click()
    await expect(supervisor.el('candidate-ops-limited')).toHaveText(
      /^Candidates have submitted 200 requests on this kiosk in 60 minutes, as many as they may: they cannot submit here for about \d+ min\. .*for candidates in On-site services\.$/,
    )
  })

  test.describe('on a kiosk that is not enrolled', () => {
    test.use({ config: { centralUrl: 'http://127.0.0.1:1' } })

    test('an appeal refused for the whole form puts the focus on the message above the form, in view', async ({ kiosk }) => {
      const appeal = new AppealPage(kiosk)
      await appeal.open()
      await appeal.file(candidate(3), 'email', '我的电子邮箱被他人注册的通行证占用，请核实处理。')
      await expect(appeal.formError()).toBeVisible()
      await expect(appeal.formError()).toBeFocused()
      await expect(appeal.formError()).toBeInViewport()
    })
  })

  test('查询办理进度: the result takes the focus from 查询, its heading read out and labelling the result', async ({ kiosk }) => {
    const appeal = new AppealPage(kiosk)
    await appeal.open()
    await appeal.file(candidate(4), 'idNumber', '我从未注册过通行证，但我的证件号码已被其他账号占用。')
    await expect(kiosk.page.getByTestId('receipt-code')).toHaveText(/^[0-9A-Z]{8}$/)
    const code = (await kiosk.page.getByTestId('receipt-code').textContent()) ?? ''
    const progress = new KioskPage(kiosk, 'progress')
    await kiosk.open('/progress')
    await progress.fill('receipt', code)
    await progress.el('submit').click()
    // Without this the focus stays on 查询 and a screen-reader user hears nothing of the answer.
    const result = kiosk.page.getByRole('region', { name: '业务回执' })
    await expect(result.getByRole('heading', { name: '业务回执' })).toBeFocused()
    await expect(result.getByTestId('receipt-code')).toHaveText(code)
  })

  test('查询办理进度 with an unknown or empty receipt code says what to fix', async ({ kiosk }) => {
    const progress = new KioskPage(kiosk, 'progress')
    await kiosk.open('/progress')
    await progress.el('submit').click()
    await expect(progress.fieldError('receipt')).toHaveText('请输入回执编号')
    await progress.fill('receipt', 'ZZZZ9999')
    await progress.el('submit').click()
    await expect(progress.fieldError('receipt')).toHaveText('未找到该业务，请核对回执编号')
  })
})

/**
 * `holder` registers; `claimant` files an appeal for what `holder` holds; the centre decides it; the
 * claimant looks the receipt up under 查询办理进度, whose page this answers.
 */
async function appealDecided(
  kiosk: KioskHarness,
  holder: Candidate,
  claimant: Candidate,
  occupied: 'mobile' | 'email',
  decision: 'accept' | 'reject',
): Promise<ProgressPage> {
  await kiosk.open('/')
  await registerThroughKiosk(kiosk.page, holder)
  const appeal = new AppealPage(kiosk)
  await appeal.open()
  await appeal.file(claimant, occupied, '这是我本人实名使用的，被他人注册占用，请核实处理。')
  await expect(appeal.el('received')).toHaveText('申诉已提交')
  const code = (await kiosk.page.getByTestId('receipt-code').innerText()).trim()
  await expect(kiosk.page.getByTestId('receipt-appeal-upheld')).toBeHidden()
  await kiosk.central.decideAppeal(code, decision)

  await appeal.el('home').click()
  await kiosk.page.getByTestId('home-progress').click()
  const progress = new ProgressPage(kiosk)
  await progress.lookUp(code)
  return progress
}

test.describe('the centre decides an appeal', () => {
  test('upheld: 查询办理进度 says 办理成功 and what the candidate can do now, and the freed mobile registers their account', async ({ kiosk }) => {
    const holder = candidate(20)
    const claimant = { ...candidate(21), mobile: holder.mobile }
    const progress = await appealDecided(kiosk, holder, claimant, 'mobile', 'accept')
    await expect(progress.receipt()).toHaveAttribute('data-status', 'applied')
    await expect(kiosk.page.getByTestId('receipt-status')).toHaveText('办理成功')
    await expect(kiosk.page.getByTestId('receipt-appeal-upheld')).toHaveText(
      '申诉已通过：被占用的信息已从其他账号解除。您现在可以用它注册ETEST通行证，或登录后在“我的ETEST通行证”中修改资料。',
    )
    await kiosk.page.getByTestId('header-language').click()
    await expect(kiosk.page.getByTestId('receipt-appeal-upheld')).toContainText('Appeal upheld')
    // What the note promises: the mobile is free, and the claimant's registration with it goes through.
    await registerThroughKiosk(kiosk.page, claimant)
  })

  test('not upheld: 查询办理进度 says 未通过 and why, sends the candidate to the desk, and offers no 重新办理', async ({ kiosk }) => {
    const holder = candidate(22)
    const progress = await appealDecided(kiosk, holder, { ...candidate(23), email: holder.email }, 'email', 'reject')
    await expect(progress.receipt()).toHaveAttribute('data-status', 'rejected')
    await expect(kiosk.page.getByTestId('receipt-status')).toHaveText('未通过')
    await expect(kiosk.page.getByTestId('receipt-error')).toHaveText(
      '申诉未通过：经核实，该电子邮箱仍由其他账号使用。如有疑问，请携带有效证件到考点服务台咨询',
    )
    await expect(kiosk.page.getByTestId('receipt-appeal-upheld')).toBeHidden()
    await expect(progress.el('again')).toBeHidden()
  })
})
