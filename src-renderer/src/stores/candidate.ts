import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { MaskedAccount, OpOutcome } from '../../../src-common/kioskApi'
import type { IdType } from '../../../src-common/rules'

export interface ProfileDraft {
  email: string
  idType: IdType
  idNumber: string
  name: string
}

/**
 * Everything about the candidate at the kiosk that must survive a route change: the masked account
 * after log-in and the outcomes of the operations they submitted or looked up by receipt (kept live
 * by opChanged events). Reset on log-out and on idle wipe.
 */
export const useCandidateStore = defineStore('candidate', () => {
  const account = ref<MaskedAccount | null>(null)
  const outcomes = ref<Record<string, OpOutcome>>({})
  /** The log-in ended on its own (30 min, or the password changed elsewhere): 登录 says so once. */
  const sessionExpired = ref(false)
  /** What 修改资料 held while the candidate went to 修改手机号 from it: given back on return. */
  const profileDraft = ref<ProfileDraft | null>(null)
  /**
   * When a code may next be sent to each number or address a code went to (performance.now(), ms):
   * the server sends one a minute per number, whichever screen asks. 发送验证码 shows the wait left
   * when its step is come back to (重置密码's 返回修改手机号/邮箱, 修改资料 ↔ 修改手机号). Forgotten with
   * the candidate, when they leave the flow (router) or start it over (the header's link), and with
   * the form when success or a receipt replaces it (useOpSubmit).
   */
  const codeWaits = ref<Record<string, number>>({})

  /** An op of this kiosk's outbox the candidate holds the receipt of: submitted now, or looked up in 查询办理进度. */
  function track(outcome: OpOutcome): void {
    outcomes.value[outcome.id] = outcome
  }

  /** An event from main: only the operations this candidate follows are kept. */
  function update(outcome: OpOutcome): void {
    if (outcomes.value[outcome.id] !== undefined) outcomes.value[outcome.id] = outcome
  }

  /** Counts the times the waits were forgotten: an answer that comes back after one is about someone gone. */
  let codeWaitsForgotten = 0

  /**
   * A code is being asked for: the returned function records the wait the answer gives (a code went
   * to `target`, or the server refused one: none may follow for `seconds`), unless the waits were
   * forgotten while the request was out. An answer that comes back after an idle wipe, a log-out or
   * the candidate leaving the flow would otherwise put their number back for whoever comes next.
   */
  function askingForCode(): (target: string, seconds: number) => void {
    const asked = codeWaitsForgotten
    return (target, seconds) => {
      if (asked === codeWaitsForgotten) codeWaits.value[target] = performance.now() + seconds * 1000
    }
  }

  /** Whole seconds before another code may be sent to `target`; 0 if none went to it. */
  function codeWaitLeft(target: string): number {
    const until = codeWaits.value[target]
    return until === undefined ? 0 : Math.max(0, Math.ceil((until - performance.now()) / 1000))
  }

  function forgetCodeWaits(): void {
    codeWaits.value = {}
    codeWaitsForgotten += 1
  }

  /**
   * For a form about to be replaced (by its success or receipt): forgets the waits when called, unless
   * they were forgotten since this was taken. The candidate may have started the flow over from the
   * header meanwhile, and the waits recorded since are that new attempt's.
   */
  function forgettingCodeWaits(): () => void {
    const at = codeWaitsForgotten
    return () => {
      if (at === codeWaitsForgotten) forgetCodeWaits()
    }
  }

  /** A submitted operation as main's events keep it now (its status, the centre's answer). */
  function live(outcome: OpOutcome): OpOutcome {
    return outcomes.value[outcome.id] ?? outcome
  }

  /** Fresh masked details from main (after a change, or to find out the session has expired). */
  async function refreshAccount(): Promise<boolean> {
    const asked = account.value
    const result = await window.kiosk.auth.account({})
    // Logged out or wiped meanwhile: the answer was about a visit that is over.
    if (asked === null || account.value !== asked) return false
    if (result.ok) account.value = result.value.account
    else if (result.error.code === 'SESSION_EXPIRED') expire()
    return result.ok
  }

  /**
   * The session is gone: the account screens close (App sends them to 登录) and nothing typed for
   * that account is kept for whoever logs in next.
   */
  function expire(): void {
    reset()
    sessionExpired.value = true
  }

  /** Counts the wipes: an answer that comes back after one is about a visitor gone. */
  let wipes = 0
  /** True while the visit this was called in lasts. */
  function visit(): () => boolean {
    const at = wipes
    return () => at === wipes
  }

  function reset(): void {
    wipes += 1
    account.value = null
    outcomes.value = {}
    sessionExpired.value = false
    profileDraft.value = null
    forgetCodeWaits()
  }

  return { account, outcomes, sessionExpired, profileDraft, codeWaits, askingForCode, codeWaitLeft, forgetCodeWaits, forgettingCodeWaits, track, update, live, refreshAccount, expire, reset, visit }
})
