/**
 * 我的ETEST通行证's buttons to its forms. A button's id is its testid: a form's 返回 (and its success)
 * gives the focus back to the button that opened it (useAccountOutcome's backToAccount).
 */
export const accountActions = [
  { key: 'profile', to: '/account/profile', testid: 'account-profile' },
  { key: 'password', to: '/account/password', testid: 'account-password' },
  { key: 'verifyMobile', to: '/account/verify-mobile', testid: 'account-verify-mobile' },
  { key: 'verifyEmail', to: '/account/verify-email', testid: 'account-verify-email' },
] as const
