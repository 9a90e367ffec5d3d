import type { Page } from '@playwright/test'

/**
 * What the live region with this data-testid says from now on, as a screen reader gets it: Chromium
 * hands a page's changes to assistive technology once per rendered frame, so a text that changed and
 * changed back before the next frame says nothing, and the same text twice in a row is said once. The
 * answer lists each text a frame showed that differed from the frame before, blanks left out, trimmed
 * (a no-break space is heard as nothing). The region may be replaced meanwhile (another step).
 */
export async function listenTo(page: Page, testid: string): Promise<() => Promise<string[]>> {
  const key = `liveRegion:${testid}`
  await page.evaluate(
    ({ testid, key }) => {
      const heard: string[] = []
      ;(window as unknown as Record<string, string[]>)[key] = heard
      const text = () => document.querySelector(`[data-testid="${testid}"]`)?.textContent ?? ''
      let last = text()
      const frame = () => {
        const now = text()
        if (now !== last && now.trim() !== '') heard.push(now.trim())
        last = now
        requestAnimationFrame(frame)
      }
      requestAnimationFrame(frame)
    },
    { testid, key },
  )
  return () => page.evaluate((key) => [...((window as unknown as Record<string, string[]>)[key] ?? [])], key)
}
