import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'

/** axe-core's serious and critical findings on what the page shows now, one line each. */
export async function seriousViolations(page: Page, label: string): Promise<string[]> {
  // Once what is fading in has arrived (a dialog, a status tag): mid-transition, axe reads its colours
  // at part opacity and reports a contrast the screen never keeps. (A spinner turns for ever: not waited for.)
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
  )
  const result = await new AxeBuilder({ page }).analyze()
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${label}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}
