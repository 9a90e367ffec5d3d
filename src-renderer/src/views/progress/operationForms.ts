import type { OpOutcome } from '../../../../src-common/kioskApi'
import type { OperationKind } from '../../../../src-common/operations'
import { isAppealNotUpheld } from '../../../../src-common/rules'

/** The candidate screen where each kind of operation is done; the account's need a log-in first. */
export const operationForms: Record<OperationKind, { path: string; needsLogIn: boolean }> = {
  register: { path: '/register', needsLogIn: false },
  resetPassword: { path: '/reset', needsLogIn: false },
  appeal: { path: '/appeal', needsLogIn: false },
  updateProfile: { path: '/account/profile', needsLogIn: true },
  changeMobile: { path: '/account/mobile', needsLogIn: true },
  changePassword: { path: '/account/password', needsLogIn: true },
  verifyMobile: { path: '/account/verify-mobile', needsLogIn: true },
  verifyEmail: { path: '/account/verify-email', needsLogIn: true },
}

/**
 * Where a receipt looked up in 查询办理进度 sends the candidate to do it again: only a refused or
 * cancelled op, whose message says 请重新办理. Not an appeal the centre reviewed and did not uphold:
 * doing it again would get the same answer, and its message sends the candidate to the desk instead.
 */
export function formToRedo(outcome: Pick<OpOutcome, 'kind' | 'status' | 'error'>): { path: string; needsLogIn: boolean } | null {
  if (outcome.status !== 'rejected' && outcome.status !== 'cancelled') return null
  if (outcome.error && isAppealNotUpheld(outcome.kind, outcome.error)) return null
  return operationForms[outcome.kind]
}
