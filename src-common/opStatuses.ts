/**
 * The statuses an operation shows on the kiosk's screens, apart from the contract's schemas (kioskApi.ts
 * builds its enum from this list) so that a screen needing only the list, such as the header's sync
 * indicator on home, does not load zod and the field rules with it.
 */
export const opStatuses = ['queued', 'sending', 'pending', 'applied', 'rejected', 'blocked', 'cancelled'] as const
export type OpStatusShown = (typeof opStatuses)[number]

/** Saved on this kiosk, not yet with the server (the candidate's screens say 已保存, not 已提交). */
export const notYetSentStatuses: readonly OpStatusShown[] = ['queued', 'sending', 'blocked']
