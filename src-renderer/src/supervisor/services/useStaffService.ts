import { nextTick, onBeforeUnmount, onMounted, reactive, ref } from 'vue'
import type { Result } from '../../../../src-common/errors'
import type { OpOutcome } from '../../../../src-common/kioskApi'
import type { FieldCheck, RuleId } from '../../../../src-common/rules'
import { focusFirstError } from '../../composables/focusFirstError'
import { useFieldErrors } from '../../composables/useFieldErrors'
import { localised } from '../supervisorErrors'

/**
 * What the on-site services share: staff tick that they checked the candidate's original document,
 * the form is checked field by field, sent once, and shows main's error next to its field or the
 * outcome, kept as it is now by main's opChanged events (a reset saved offline can be refused once
 * it reaches the centre, with staff and the candidate still there). Once the outcome is done
 * (办理成功, or an appeal with the centre) the form is blank for the next candidate; until then,
 * and after a refusal, it is kept: staff may go back and correct what was typed (a mistyped ID
 * number) instead of typing it all again.
 */
const done = (outcome: OpOutcome) => outcome.status === 'applied' || outcome.status === 'pending'

/**
 * Rules whose candidate wording speaks to the person typing (Please enter your name.): here staff
 * type the candidate's details from the ID document, so they read it about the candidate.
 */
const staffWording: Partial<Record<RuleId, string>> = { 'name.required': 'supervisor.services.nameRequired' }

export function useStaffService<Form extends { checked: boolean }, Field extends string>(
  blank: () => Form,
  fields: readonly ('checked' | Field)[],
  aliases: Partial<Record<string, Field>> = {},
) {
  const form = reactive(blank()) as Form
  const fieldErrors = useFieldErrors<'checked' | Field>(fields, aliases)
  const { errors, clear, fromError } = fieldErrors

  /** useFieldErrors' fromCheck, in staff wording where it differs. */
  function fromCheck(field: 'checked' | Field, check: FieldCheck): boolean {
    const key = check.ok ? undefined : staffWording[check.rule]
    return fieldErrors.fromCheck(field, key && !check.ok ? { ...check, message: localised(key) } : check)
  }
  const busy = ref(false)
  const outcome = ref<OpOutcome | null>(null)
  /**
   * The form (its template's root, `ref="formRoot"`): what takes the focus is looked for in it only,
   * since both services stay mounted, one of them hidden.
   */
  const formRoot = ref<HTMLElement | null>(null)

  /** The form is back in place of the result (and its buttons): its first control takes the focus, not <body>. */
  async function focusForm(): Promise<void> {
    await nextTick()
    formRoot.value?.querySelector<HTMLElement>('input:not([type="hidden"]), textarea, button')?.focus()
  }

  function show(now: OpOutcome): void {
    outcome.value = now
    if (done(now)) Object.assign(form, blank())
  }

  let stopEvents: (() => void) | undefined
  onMounted(() => {
    stopEvents = window.kiosk.on('opChanged', (changed) => {
      const shown = outcome.value
      // Only the op on the screen, and never back to an older state than the one shown.
      if (shown && changed.id === shown.id && changed.updatedAt >= shown.updatedAt) show(changed)
    })
  })
  onBeforeUnmount(() => stopEvents?.())

  /** A condition no src-common rule covers (the attestation tick, a choice made), with its message. */
  function require(field: 'checked' | Field, okay: boolean, messageKey: string): boolean {
    if (okay) clear(field)
    else errors[field] = { message: localised(messageKey) }
    return okay
  }

  const checkAttested = () => require('checked', form.checked, 'supervisor.services.checkedRequired')

  /** Checks every field with `check`, then sends once with `send`. */
  async function submit(check: (field: 'checked' | Field) => boolean, send: () => Promise<Result<OpOutcome>>): Promise<void> {
    clear('form')
    // As on the candidates' forms: the keyboard goes to what to fix, not left on 提交.
    if (!fields.map(check).every(Boolean)) return void focusFirstError(formRoot.value ?? undefined)
    busy.value = true
    try {
      const result = await send()
      if (!result.ok) {
        fromError(result.error)
        void focusFirstError(formRoot.value ?? undefined)
      } else show(result.value)
    } finally {
      busy.value = false
    }
  }

  function next(): void {
    outcome.value = null
    Object.assign(form, blank())
    clear()
    void focusForm()
  }

  /** After a refusal: back to the form as it was sent, to correct it. */
  function back(): void {
    outcome.value = null
    clear()
    void focusForm()
  }

  return { form, ...fieldErrors, fromCheck, busy, outcome, formRoot, require, checkAttested, submit, next, back }
}
