import { ref } from 'vue'
import { useRouter } from 'vue-router'
import type { OpOutcome } from '../../../../src-common/kioskApi'
import type { Submitted } from '../../composables/useOpSubmit'
import { useCandidateStore } from '../../stores/candidate'

/** What every account form does with its outcome: a success dialog, a receipt, the error at its field, or 登录 again. */
export function useAccountOutcome(onError: (submitted: Extract<Submitted, { kind: 'failed' }>) => void) {
  const router = useRouter()
  const candidate = useCandidateStore()
  const succeeded = ref(false)
  const receipt = ref<OpOutcome | null>(null)

  async function settle(submitted: Submitted): Promise<void> {
    if (submitted.kind === 'done') {
      await candidate.refreshAccount()
      succeeded.value = true
    } else if (submitted.kind === 'receipt') receipt.value = submitted.outcome
    else if (submitted.error.code === 'SESSION_EXPIRED') {
      // Nothing on this screen can fix it: 登录 again, where the reason is shown.
      candidate.expire()
      await router.push('/login')
    } else onError(submitted)
  }

  const backToAccount = () => router.push('/account')
  return { succeeded, receipt, settle, backToAccount }
}
