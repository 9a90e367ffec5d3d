import { test, expect } from './harness/kioskFixture'

test.describe('home screen', () => {
  test('greets the candidate in Chinese with the ETEST portal and its services', async ({ kiosk }) => {
    const { page } = kiosk
    await kiosk.open('/')
    await expect(page.getByRole('link', { name: 'ETEST 通行证' })).toBeVisible()
    await expect(page.getByText('一次注册 畅行ETEST').first()).toBeVisible()
    for (const label of ['注册', '重置密码', '信息占用申诉', 'CET报名', 'NCRE报名', 'PETS报名']) {
      await expect(page.getByRole('navigation').getByRole('link', { name: label, exact: true })).toBeVisible()
    }
    await expect(page.getByTestId('home-what-is')).toContainText('什么是ETEST通行证')
    // The way to 修改资料 and 修改密码 is the log-in: the card says so.
    await expect(page.getByTestId('home-login')).toHaveText('登录（修改资料、修改密码）')
    await expect(page.getByTestId('footer-help')).toHaveText('如需帮助，请联系考点工作人员')
  })

  test('shows the version that main reports through window.kiosk', async ({ kiosk }) => {
    await kiosk.open('/')
    await expect(kiosk.page.getByTestId('footer-version')).toHaveText('版本 test')
    expect(kiosk.calls).toContain('kiosk:app.info')
  })

  test('switches to English in one tap and back', async ({ kiosk }) => {
    const { page } = kiosk
    await kiosk.open('/')
    await page.getByTestId('header-language').click()
    await expect(page.getByTestId('home-register')).toHaveText('Register an ETEST passport')
    await expect(page.locator('html')).toHaveAttribute('lang', 'en')
    await page.getByTestId('header-language').click()
    await expect(page.getByTestId('home-register')).toHaveText('注册ETEST通行证')
  })

  test('the language button is named by the language it shows, in that language, for voice control and screen readers', async ({ kiosk }) => {
    const { page } = kiosk
    await kiosk.open('/')
    const button = page.getByTestId('header-language')
    // "Click English" in voice control finds it: its name begins with what it shows.
    await expect(button).toHaveAccessibleName(/^English\b/)
    await expect(button.getByText('English', { exact: true })).toHaveAttribute('lang', 'en')
    await button.click()
    await expect(button).toHaveAccessibleName(/^中文/)
    await expect(button.getByText('中文', { exact: true })).toHaveAttribute('lang', 'zh-CN')
  })

  test('runs under the strict Content-Security-Policy without a violation', async ({ kiosk }) => {
    const { page } = kiosk
    const violations: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') violations.push(message.text())
    })
    await kiosk.open('/')
    await expect(page.getByTestId('footer-version')).toBeVisible()
    expect(violations.filter((text) => text.includes('Content Security Policy'))).toEqual([])
  })

  test('a bad input to main gets a typed error, not a crash', async ({ kiosk }) => {
    await kiosk.open('/')
    const answer = await kiosk.page.evaluate(() =>
      (window.kiosk.app.info as unknown as (input: unknown) => Promise<unknown>)({ unexpected: 1 }),
    )
    expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_FIELD' } })
  })
})
