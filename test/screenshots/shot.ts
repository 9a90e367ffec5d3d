import type { Page } from '@playwright/test'

/**
 * A PNG of the screen in docs/screenshots/, as a candidate or staff member sees it: the whole page, or,
 * with a dialog or drawer up, the window (the overlay covers the window, not the page: in a full-page
 * shot it dimmed a 900 px band of a longer page and left the rest bright). The mouse is first taken off
 * the page's controls, so that no button looks hovered because the last tap was on it.
 */
export async function shot(page: Page, name: string): Promise<void> {
  await page.mouse.move(0, 0)
  const overlay = await page.locator('.el-overlay').filter({ visible: true }).count()
  await page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: overlay === 0, animations: 'disabled' })
}
