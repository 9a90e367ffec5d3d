import { ref } from 'vue'
import type { KioskError } from '../../../src-common/errors'
import type { CallInput, OpOutcome } from '../../../src-common/kioskApi'
import { useCandidateStore } from '../stores/candidate'
import { useSyncStore } from '../stores/sync'

/** What the candidate sees after submitting: success, a receipt (still queued or under review), or an error. */
export type Submitted =
  | { kind: 'done'; outcome: OpOutcome }
  | { kind: 'receipt'; outcome: OpOutcome }
  | { kind: 'failed'; error: KioskError }

/**
 * ops.submit: main validates, seals and commits the op to the outbox, then waits for the server. An
 * answer within the wait is success or a rejection; otherwise the op is safe in the outbox and the
 * candidate gets its receipt, which opChanged events keep up to date.
 */
export function useOpSubmit() {
  const candidate = useCandidateStore()
  const sync = useSyncStore()
  const busy = ref(false)

  async function submit(input: CallInput<'ops', 'submit'>): Promise<Submitted> {
    busy.value = true
    try {
      const stillHere = candidate.visit()
      const forgetCodeWaits = candidate.forgettingCodeWaits()
      // Known offline: the receipt at once, rather than a wait for an answer that cannot come.
      const result = await window.kiosk.ops.submit(sync.online === false ? { ...input, waitMs: 0 } : input)
      if (!result.ok) return { kind: 'failed', error: result.error }
      const outcome = result.value
      const submitted: Submitted =
        outcome.status === 'rejected' || outcome.status === 'cancelled'
          ? { kind: 'failed', error: outcome.error ?? { code: 'INTERNAL' } }
          : { kind: outcome.status === 'applied' ? 'done' : 'receipt', outcome }
      // Answered after a wipe (a slow centre, a visitor who left): the op is theirs, the store is the
      // next visitor's, and their screen is gone. Nothing of it goes into the store.
      if (!stillHere()) return submitted
      candidate.track(outcome)
      // Success or a receipt replaces the form, wiped with what was typed: the numbers codes went to,
      // which key 发送验证码's waits, go with it (a 重新办理 learns the wait left from the server);
      // not those of an attempt started over from the header while this one was answered.
      if (submitted.kind !== 'failed') forgetCodeWaits()
      return submitted
    } finally {
      busy.value = false
    }
  }

  return { submit, busy }
}
