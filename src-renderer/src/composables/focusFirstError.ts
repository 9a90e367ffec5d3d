import { nextTick } from 'vue'

/**
 * After a check failed: the first field marked in error takes the focus, so a keyboard or
 * screen-reader user lands on what to fix instead of staying on the submit button. Waits for the
 * messages, which appear once the pointer has lifted (useFieldErrors).
 */
export async function focusFirstError(root: ParentNode = document): Promise<void> {
  await nextTick()
  await new Promise((resolve) => setTimeout(resolve, 0))
  await nextTick()
  root
    .querySelector<HTMLElement>('.el-form-item.is-error :is(input:not([type="hidden"]), textarea, [role="radio"], [role="combobox"])')
    ?.focus()
}

/** A screen changed within one route (a step of a flow): its heading takes the focus and is read out. */
export async function focusHeading(root: ParentNode = document): Promise<void> {
  await nextTick()
  root.querySelector<HTMLElement>('h1[tabindex="-1"]')?.focus()
}
