import { expect, type Locator, type Page } from '@playwright/test'

/**
 * The 显示密码 button PasswordInput puts beside a field, checked from the field, which has the focus:
 * Tab reaches it, and the one ring on the screen is its own (the field round it no longer shows one,
 * as if typing still went there); it is a button named 显示密码, not pressed, 44 px; Space shows what
 * was typed.
 */
export async function expectShowPasswordButton(page: Page, input: Locator, toggle: Locator): Promise<void> {
  await page.keyboard.press('Tab')
  await expect(toggle).toBeFocused()
  await expect(page.locator('.el-input__wrapper').filter({ has: toggle })).toHaveCSS('outline-style', 'none')
  await expect(toggle).toHaveRole('button')
  await expect(toggle).toHaveAccessibleName('显示密码')
  await expect(toggle).toHaveAttribute('aria-pressed', 'false')
  const box = await toggle.boundingBox()
  expect(box?.width).toBeGreaterThanOrEqual(44)
  expect(box?.height).toBeGreaterThanOrEqual(44)
  await page.keyboard.press('Space')
  await expect(input).toHaveAttribute('type', 'text')
  await expect(toggle).toHaveAttribute('aria-pressed', 'true')
}
