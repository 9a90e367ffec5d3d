import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { MaskedAccount, OpOutcome } from '../../../src-common/kioskApi'

/**
 * Everything about the candidate at the kiosk that must survive a route change: the masked account
 * after log-in and the outcomes of the operations they submitted (kept live by opChanged events).
 * Reset on log-out and on idle wipe.
 */
export const useCandidateStore = defineStore('candidate', () => {
  const account = ref<MaskedAccount | null>(null)
  const outcomes = ref<Record<string, OpOutcome>>({})

  function track(outcome: OpOutcome): void {
    outcomes.value[outcome.id] = outcome
  }

  /** An event from main: only operations this candidate submitted are kept. */
  function update(outcome: OpOutcome): void {
    if (outcomes.value[outcome.id] !== undefined) outcomes.value[outcome.id] = outcome
  }

  /** Fresh masked details from main (after a change, or to find out the session has expired). */
  async function refreshAccount(): Promise<boolean> {
    const result = await window.kiosk.auth.account({})
    if (result.ok) account.value = result.value.account
    return result.ok
  }

  function reset(): void {
    account.value = null
    outcomes.value = {}
  }

  return { account, outcomes, track, update, refreshAccount, reset }
})
