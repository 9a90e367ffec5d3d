import { ref } from 'vue'
import { useRouter } from 'vue-router'
import type { KioskError } from '../../../../src-common/errors'
import type { OpOutcome } from '../../../../src-common/kioskApi'
import type { Submitted } from '../../composables/useOpSubmit'
import { useCandidateStore } from '../../stores/candidate'

/** What every account form does with its outcome: a success dialog, a receipt, the error at its field, or 登录 again. */
export function useAccountOutcome(onError: (submitted: Extract<Submitted, { kind: 'failed' }>) => void) {
  const router = useRouter()
  const candidate = useCandidateStore()
  const succeeded = ref(false)
  const receipt = ref<OpOutcome | null>(null)

  /** The log-in has ended: nothing on this screen can fix it, so 登录 again, where the reason is shown. */
  async function loggedOut(error: KioskError): Promise<boolean> {
    if (error.code !== 'SESSION_EXPIRED') return false
    candidate.expire()
    await router.push('/login')
    return true
  }

  async function settle(submitted: Submitted): Promise<void> {
    if (submitted.kind === 'done') {
      await candidate.refreshAccount()
      succeeded.value = true
    } else if (submitted.kind === 'receipt') receipt.value = submitted.outcome
    else if (!(await loggedOut(submitted.error))) onError(submitted)
  }

  const backToAccount = () => router.push('/account')
  return { succeeded, receipt, settle, loggedOut, backToAccount }
}
