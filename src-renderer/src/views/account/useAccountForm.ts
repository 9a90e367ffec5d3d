import { ref } from 'vue'
import { useRouter } from 'vue-router'
import type { KioskError } from '../../../../src-common/errors'
import type { OpOutcome } from '../../../../src-common/kioskApi'
import { focusFirstError } from '../../composables/focusFirstError'
import type { Submitted } from '../../composables/useOpSubmit'
import { useCandidateStore } from '../../stores/candidate'
import { candidateGeneration } from '../../stores/wipe'

/** What every account form does with its outcome: a success dialog, a receipt, the error at its field, or 登录 again. */
export function useAccountOutcome(onError: (submitted: Extract<Submitted, { kind: 'failed' }>) => void) {
  const router = useRouter()
  const candidate = useCandidateStore()
  const succeeded = ref(false)
  const receipt = ref<OpOutcome | null>(null)

  const generation = candidateGeneration.value
  /**
   * The log-in has ended: nothing on this screen can fix it, so 登录 again (App goes there), where
   * the reason is shown. An answer that outlived its visit (logged out, wiped) changes nothing.
   */
  function loggedOut(error: KioskError): boolean {
    if (error.code !== 'SESSION_EXPIRED') return false
    if (candidateGeneration.value === generation && candidate.account !== null) candidate.expire()
    return true
  }

  async function settle(submitted: Submitted): Promise<void> {
    if (submitted.kind === 'done') {
      // A changed password ended the session (its screen says to log in again): nothing to refresh.
      if (submitted.outcome.kind !== 'changePassword') await candidate.refreshAccount()
      succeeded.value = true
    } else if (submitted.kind === 'receipt') receipt.value = submitted.outcome
    else if (!loggedOut(submitted.error)) {
      onError(submitted)
      void focusFirstError()
    }
  }

  const backToAccount = () => router.push('/account')
  return { succeeded, receipt, settle, loggedOut, backToAccount }
}
