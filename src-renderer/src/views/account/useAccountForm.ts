import { computed, ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import type { KioskError } from '../../../../src-common/errors'
import type { OpOutcome } from '../../../../src-common/kioskApi'
import { focusHeading, returningTo } from '../../composables/focusFirstError'
import { useFormAnnouncer } from '../../composables/formAnnouncer'
import type { Submitted } from '../../composables/useOpSubmit'
import { useCandidateStore } from '../../stores/candidate'
import { accountActions } from './accountActions'

/**
 * What every account form does with its outcome: a success dialog, a receipt, the error at its field, or 登录 again.
 * `wipe` empties the form (and its messages): when a receipt replaces it, and for 重新办理. `refuse` is
 * the form's refusal (formAnnouncer.ts), for the form's own checks too.
 */
export function useAccountOutcome(onError: (submitted: Extract<Submitted, { kind: 'failed' }>) => void, wipe: () => void) {
  const router = useRouter()
  const route = useRoute()
  const candidate = useCandidateStore()
  const succeeded = ref(false)
  const receipt = ref<OpOutcome | null>(null)
  /** The receipt's live status (main's events): once refused, 重新办理 leads back to an empty form. */
  const refused = computed(() => {
    const status = receipt.value ? candidate.live(receipt.value).status : null
    return status === 'rejected' || status === 'cancelled'
  })

  const stillHere = candidate.visit()
  // Within the form's own panel, and not once it is gone: the focus is then the screen shown now's,
  // whether the candidate left while the answer was out or while its message was being shown.
  const { refuse } = useFormAnnouncer()
  /**
   * The log-in has ended: nothing on this screen can fix it, so 登录 again (App goes there), where
   * the reason is shown. An answer that outlived its visit (logged out, wiped) changes nothing.
   */
  function loggedOut(error: KioskError): boolean {
    if (error.code !== 'SESSION_EXPIRED') return false
    if (stillHere() && candidate.account !== null) candidate.expire()
    return true
  }

  async function settle(submitted: Submitted): Promise<void> {
    if (submitted.kind === 'done') {
      // A changed password ended the session (its screen says to log in again): nothing to refresh.
      if (submitted.outcome.kind !== 'changePassword') await candidate.refreshAccount()
      succeeded.value = true
    } else if (submitted.kind === 'receipt') {
      // The receipt replaces the form, and the candidate may leave with it: nothing they typed stays behind it.
      wipe()
      receipt.value = submitted.outcome
    } else if (!loggedOut(submitted.error)) {
      onError(submitted)
      void refuse()
    }
  }

  /** 重新办理 after a refused receipt: back to the form, empty (it was wiped when the receipt came). */
  function startAgain(): void {
    wipe()
    receipt.value = null
    // The button is gone with the receipt: the form's heading takes the focus, not <body>.
    void focusHeading()
  }

  /**
   * 返回 (or the success's 确定): 我的ETEST通行证, with the focus on the button that opens this form, where
   * the candidate left it, not back at the heading; the heading for a form it has no button for (修改手机号).
   */
  const opener = accountActions.find((action) => action.to === route.path)
  const backToAccount = () => router.push(opener ? { path: '/account', state: returningTo(opener.testid) } : '/account')
  return { succeeded, receipt, refused, settle, startAgain, loggedOut, backToAccount, refuse }
}
