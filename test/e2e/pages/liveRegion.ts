import type { Page } from '@playwright/test'

/**
 * What the live region with this data-testid says from now on, as a screen reader gets it: Chromium
 * hands a page's changes to assistive technology once per rendered frame, so a text that changed and
 * changed back before the next frame says nothing, and the same text twice in a row is said once. The
 * answer lists each text a frame showed that differed from the frame before, blanks left out, trimmed
 * (a no-break space is heard as nothing). The region may be replaced meanwhile (another step): what a
 * region holds in the first frame it is in the page is not heard (screen readers say a live region's
 * changes, not the text it was inserted with), only what changes after.
 */
export async function listenTo(page: Page, testid: string): Promise<() => Promise<string[]>> {
  const key = `liveRegion:${testid}`
  await page.evaluate(
    ({ testid, key }) => {
      const heard: string[] = []
      ;(window as unknown as Record<string, string[]>)[key] = heard
      const region = () => document.querySelector(`[data-testid="${testid}"]`)
      let shown = region()
      let last = shown?.textContent ?? ''
      const frame = () => {
        const now = region()
        const text = now?.textContent ?? ''
        if (now === shown && text !== last && text.trim() !== '') heard.push(text.trim())
        shown = now
        last = text
        requestAnimationFrame(frame)
      }
      requestAnimationFrame(frame)
    },
    { testid, key },
  )
  return recorded(page, key)
}

/**
 * Every text the live region with this data-testid holds from now on, as the page sets it, between
 * frames too (blanks kept as ''). Where `listenTo` depends on when frames fall, this shows what a frame
 * may have caught: for a refusal to be heard whatever the timing, each non-blank text must differ
 * from the non-blank one before it (an emptied region refilled with the same text before the next
 * frame is no change to a screen reader).
 */
export async function textsOf(page: Page, testid: string): Promise<() => Promise<string[]>> {
  const key = `liveRegionTexts:${testid}`
  await page.evaluate(
    ({ testid, key }) => {
      const texts: string[] = []
      ;(window as unknown as Record<string, string[]>)[key] = texts
      let last = document.querySelector(`[data-testid="${testid}"]`)?.textContent ?? ''
      new MutationObserver(() => {
        const text = document.querySelector(`[data-testid="${testid}"]`)?.textContent ?? ''
        if (text !== last) texts.push(text)
        last = text
      }).observe(document.body, { childList: true, subtree: true, characterData: true })
    },
    { testid, key },
  )
  return recorded(page, key)
}

/** The non-blank texts of `textsOf`, each beside the one before it that was the same: none when every one is heard. */
export const unheardRepeats = (texts: string[]): string[] =>
  texts.filter((text) => text.trim() !== '').filter((text, i, shown) => i > 0 && text === shown[i - 1])

/** What the page has recorded under `key` so far (listenTo, textsOf). */
const recorded = (page: Page, key: string) => () =>
  page.evaluate((key) => [...((window as unknown as Record<string, string[]>)[key] ?? [])], key)
