import { test, expect } from './harness/kioskFixture'
import { KioskPage } from './pages/kioskPage'

test.describe('查询办理进度', () => {
  test('查询 with no receipt code, or an unknown one, puts the focus in the field that says what to fix', async ({ kiosk }) => {
    const progress = new KioskPage(kiosk, 'progress')
    await kiosk.open('/progress')
    await progress.el('submit').click()
    await expect(progress.fieldError('receipt')).toHaveText('请输入回执编号')
    await expect(progress.el('receipt')).toBeFocused()
    await progress.fill('receipt', 'ZZZZ9999')
    await progress.el('submit').click()
    await expect(progress.fieldError('receipt')).toHaveText('未找到该业务，请核对回执编号')
    await expect(progress.el('receipt')).toBeFocused()
  })
})
