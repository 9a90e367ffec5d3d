import { nextTick, type Ref } from 'vue'

/**
 * After ‹ or › turned a page (业务列表, 操作日志): pressed onto the first or last page, that arrow is now
 * disabled, and the keyboard would fall to <body>, from where Tab started again at the top of the
 * screen. It goes to the other arrow.
 */
export async function keepFocusInPager(pager: Ref<HTMLElement | null>, step: -1 | 1): Promise<void> {
  await nextTick()
  const pressed = pager.value?.querySelectorAll('button')[step < 0 ? 0 : 1]
  if (pressed?.disabled) pager.value?.querySelector<HTMLButtonElement>('button:not(:disabled)')?.focus()
}
