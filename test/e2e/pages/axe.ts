import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'

/** axe-core's serious and critical findings on what the page shows now, one line each. */
export async function seriousViolations(page: Page, label: string): Promise<string[]> {
  // Once what is fading in has arrived (a dialog, a status tag): mid-transition, axe reads its colours
  // at part opacity and reports a contrast the screen never keeps. (A spinner turns for ever: not waited for.)
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
  )
  // Legacy mode: axe.run in the page itself. The default runs axe in each frame and then merges the
  // results in a new blank page, injecting axe's 560 KB three times a scan: a third of the time of
  // the scanning tests. The kiosk has no frames, so what is scanned is the same.
  const result = await new AxeBuilder({ page }).setLegacyMode().analyze()
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${label}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}
