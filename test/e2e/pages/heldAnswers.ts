import { expect, type Page } from '@playwright/test'

/**
 * A slow central API, as the page sees it: calls on `channel` reach main at once, and their answers
 * reach the screen only once `release()` is called. `answered()` is the answer once it has.
 */
export async function holdAnswers(page: Page, channel: string): Promise<{ release(): Promise<void>; answered(): Promise<unknown> }> {
  await page.evaluate((held) => {
    const harness = window as unknown as { __kioskInvoke(c: string, i: unknown): Promise<unknown>; __release(): void; __answered?: { answer: unknown } }
    const invoke = harness.__kioskInvoke
    const released = new Promise<void>((resolve) => (harness.__release = resolve))
    harness.__kioskInvoke = (c, input) => {
      const answer = invoke(c, input)
      if (c !== held) return answer
      return released.then(() => answer).then((value) => ((harness.__answered = { answer: value }), value))
    }
  }, channel)
  type Held = { __release(): void; __answered?: { answer: unknown } }
  return {
    release: () => page.evaluate(() => (window as unknown as Held).__release()),
    answered: async () => {
      await expect.poll(() => page.evaluate(() => (window as unknown as Held).__answered !== undefined)).toBe(true)
      return page.evaluate(() => (window as unknown as Held).__answered?.answer)
    },
  }
}

/**
 * How many calls on `channel` have been answered to the page since this was set up (until the page
 * is reloaded): for a test that must not act while a call the screen made on its own is still out.
 */
export async function answersOf(page: Page, channel: string): Promise<{ count(): Promise<number> }> {
  await page.evaluate((counted) => {
    const harness = window as unknown as { __kioskInvoke(c: string, i: unknown): Promise<unknown>; __answers: number }
    const invoke = harness.__kioskInvoke
    harness.__answers = 0
    harness.__kioskInvoke = (c, input) => {
      const answer = invoke(c, input)
      return c === counted ? answer.finally(() => (harness.__answers += 1)) : answer
    }
  }, channel)
  return { count: () => page.evaluate(() => (window as unknown as { __answers: number }).__answers) }
}

/** Every Pinia store's state, as the next visitor's screens would find it. */
export const storesOf = (page: Page): Promise<string> =>
  page.evaluate(() => {
    const app = (document.querySelector('#app') as unknown as { __vue_app__: { config: { globalProperties: { $pinia: { state: { value: unknown } } } } } })
      .__vue_app__
    return JSON.stringify(app.config.globalProperties.$pinia.state.value)
  })
