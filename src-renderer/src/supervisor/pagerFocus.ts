import { nextTick, type Ref } from 'vue'

/**
 * ‹ or › of a pager (业务列表, 操作日志) turning the page with `load`. Pressed onto the first or last
 * page, that arrow turns disabled, and the keyboard would fall to <body>, from where Tab started again
 * at the top of the screen: once the page is there, it goes to the other arrow.
 *
 * Only if staff are still at the pager: it is still on the screen, and since the press nothing outside
 * it took the focus or a touch (a field, a tab, another screen). Moved regardless, the focus was taken
 * from where staff had gone while the page loaded.
 */
export async function turnPageKeepingFocus(
  pager: Ref<HTMLElement | null>,
  step: -1 | 1,
  load: () => Promise<void>,
): Promise<void> {
  const root = pager.value
  if (!root?.contains(document.activeElement)) {
    await load()
    return
  }
  let elsewhere = false
  const away = (event: Event) => {
    if (!(event.target instanceof Node && root.contains(event.target))) elsewhere = true
  }
  document.addEventListener('focusin', away, true)
  document.addEventListener('pointerdown', away, true)
  try {
    await load()
    await nextTick()
  } finally {
    document.removeEventListener('focusin', away, true)
    document.removeEventListener('pointerdown', away, true)
  }
  if (elsewhere || !root.isConnected || !root.checkVisibility()) return
  const active = document.activeElement
  if (active && active !== document.body && !root.contains(active)) return
  const pressed = root.querySelectorAll('button')[step < 0 ? 0 : 1]
  if (pressed?.disabled) root.querySelector<HTMLButtonElement>('button:not(:disabled)')?.focus()
}
