import { reactive, ref } from 'vue'
import type { Result } from '../../../../src-common/errors'
import type { OpOutcome } from '../../../../src-common/kioskApi'
import { useFieldErrors } from '../../composables/useFieldErrors'
import { localised } from '../supervisorErrors'

/**
 * What the on-site services share: staff tick that they checked the candidate's original document,
 * the form is checked field by field, sent once, and shows main's error next to its field or the
 * outcome. After an outcome the form is blank for the next candidate, except after a refusal: staff
 * may go back and correct what was typed (a mistyped ID number) instead of typing it all again.
 */
const refused = (outcome: OpOutcome) => outcome.status === 'rejected' || outcome.status === 'cancelled'

export function useStaffService<Form extends { checked: boolean }, Field extends string>(
  blank: () => Form,
  fields: readonly ('checked' | Field)[],
  aliases: Partial<Record<string, Field>> = {},
) {
  const form = reactive(blank()) as Form
  const fieldErrors = useFieldErrors<'checked' | Field>(fields, aliases)
  const { errors, clear, fromError } = fieldErrors
  const busy = ref(false)
  const outcome = ref<OpOutcome | null>(null)

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
    if (!fields.map(check).every(Boolean)) return
    busy.value = true
    try {
      const result = await send()
      if (!result.ok) fromError(result.error)
      else {
        outcome.value = result.value
        if (!refused(result.value)) Object.assign(form, blank())
      }
    } finally {
      busy.value = false
    }
  }

  function next(): void {
    outcome.value = null
    Object.assign(form, blank())
    clear()
  }

  /** After a refusal: back to the form as it was sent, to correct it. */
  function back(): void {
    outcome.value = null
    clear()
  }

  return { form, ...fieldErrors, busy, outcome, require, checkAttested, submit, next, back }
}
