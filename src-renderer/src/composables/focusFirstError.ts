import { nextTick } from 'vue'

/**
 * After a check or a submit failed: the first field marked in error takes the focus, so a keyboard or
 * screen-reader user lands on what to fix instead of on a busy button or <body>; an error about no
 * field shown (FormError, above the form) takes it instead, scrolled into view: on a tall form the
 * candidate tapped at its foot would not see it. Waits for the messages, which appear once the
 * pointer has lifted (useFieldErrors); a `root` gone meanwhile (its screen left) takes nothing.
 */
export async function focusFirstError(root: ParentNode & Node = document): Promise<void> {
  await nextTick()
  await new Promise((resolve) => setTimeout(resolve, 0))
  await nextTick()
  if (!root.isConnected) return
  // Not a read-only field (the set-up wizard's fixed central URL): nothing there to fix.
  const field = root.querySelector<HTMLElement>('.el-form-item.is-error :is(input:not([type="hidden"], [readonly]), textarea, [role="radio"], [role="combobox"])')
  if (field) return field.focus()
  // Staff screens' whole-form message is an .error-box, focusable where it is meant to take the focus.
  const formError = root.querySelector<HTMLElement>('.form-error, .error-box[tabindex="-1"]')
  formError?.focus({ preventScroll: true })
  formError?.scrollIntoView({ block: 'center' })
}

/** A screen changed within one route (a step of a flow): its heading takes the focus and is read out. */
export async function focusHeading(root: ParentNode = document): Promise<void> {
  await nextTick()
  root.querySelector<HTMLElement>('h1[tabindex="-1"]')?.focus()
}

/**
 * A screen come back to (返回 from the step it led to): the control the candidate left it by takes
 * the focus again, so that a keyboard or screen-reader user carries on where they were instead of
 * starting over from the heading; the heading when that control is not there.
 */
export async function focusReturnPoint(id: string): Promise<void> {
  await nextTick()
  const control = document.getElementById(id)
  if (control) control.focus()
  else await focusHeading()
}

/**
 * The history state of a way back to a screen, `router.push({ path, state: returningTo(id) })`: the
 * router gives the focus there to the control with that id (focusReturnPoint).
 */
export const returningTo = (id: string) => ({ returnFocus: id })

/** The control a history entry's state names to take the focus (returningTo), or null. */
export function returnPointOf(state: unknown): string | null {
  const id = (state as { returnFocus?: unknown } | null)?.returnFocus
  return typeof id === 'string' ? id : null
}
