import { expect, type Locator, type Page } from '@playwright/test'

/** A region of the window, in CSS px. */
type Clip = { x: number; y: number; width: number; height: number }

/**
 * How clearly the keyboard's place shows on a control, measured as WCAG 2.4.13 measures it (a stricter
 * form of 2.4.7 with 1.4.11's 3:1): the pixels on and round the control that change between focused
 * and not by a contrast of at least 3:1, against the area of a 2 px line round the control. `box` is
 * what a user sees as the control when the focus is on a hidden part of it (a radio's <input>).
 *
 * The control is focused from the keyboard's side (after a key, as Tab leaves it), so that it matches
 * :focus-visible, and then blurred: use it on controls whose blur changes nothing else on the screen.
 */
export async function focusIndicator(
  page: Page,
  target: Locator,
  box: Locator = target,
): Promise<{ changed: number; needed: number }> {
  // In the middle of the window: a ring drawn outside a control at the window's edge would be cut off.
  await box.evaluate((element) => element.scrollIntoView({ block: 'center' }))
  await page.keyboard.press('Shift')
  await target.focus()
  await expect(target).toBeFocused()
  expect(
    await target.evaluate((element) => element.matches(':focus-visible')),
    'focused as from the keyboard',
  ).toBe(true)
  const bounds = await box.boundingBox()
  if (!bounds) throw new Error('the control is not on the screen')
  // Room for a ring drawn outside the control (3 px, 2 px clear of it), and a little more.
  const clip: Clip = {
    x: bounds.x - 8,
    y: bounds.y - 8,
    width: bounds.width + 16,
    height: bounds.height + 16,
  }
  const shot = async () =>
    (await page.screenshot({ clip, animations: 'disabled', caret: 'hide' })).toString('base64')
  const focused = await shot()
  await target.evaluate((element) => (element as HTMLElement).blur())
  const unfocused = await shot()
  const changed = await page.evaluate(countContrastingPixels, { focused, unfocused })
  return { changed, needed: Math.round(4 * (bounds.width + bounds.height)) }
}

/** In the page: how many pixels differ between the two PNGs by a WCAG contrast ratio of 3:1 or more. */
async function countContrastingPixels({
  focused,
  unfocused,
}: {
  focused: string
  unfocused: string
}): Promise<number> {
  const pixels = async (base64: string) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
    const image = await createImageBitmap(new Blob([bytes], { type: 'image/png' }))
    const canvas = new OffscreenCanvas(image.width, image.height)
    const context = canvas.getContext('2d')
    if (!context) throw new Error('no 2d canvas')
    context.drawImage(image, 0, 0)
    return context.getImageData(0, 0, image.width, image.height).data
  }
  const channel = (value = 0) => {
    const c = value / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  const luminance = (data: Uint8ClampedArray, i: number) =>
    0.2126 * channel(data[i]) + 0.7152 * channel(data[i + 1]) + 0.0722 * channel(data[i + 2])
  const [a, b] = await Promise.all([pixels(focused), pixels(unfocused)])
  let count = 0
  for (let i = 0; i < a.length; i += 4) {
    const [x, y] = [luminance(a, i), luminance(b, i)]
    if ((Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05) >= 3) count++
  }
  return count
}
