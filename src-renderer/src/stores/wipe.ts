import { ref } from 'vue'
import type { Router } from 'vue-router'
import { focusHeading } from '../composables/focusFirstError'
import { useAppInfoStore } from './appInfo'
import { useCandidateStore } from './candidate'

/**
 * Bumped on every wipe: App keys the routed view with it, so every form (all local to its view) is
 * thrown away with its component, not merely hidden.
 */
export const candidateGeneration = ref(0)

/** Bumped when the candidate taps the header link of the screen they are on: that flow starts over. */
export const screenGeneration = ref(0)
export function restartScreen(): void {
  // With nothing of the last attempt, as after a receipt: the numbers its codes went to (the keys of
  // 发送验证码's waits) go with its form. A code asked for again within the minute learns the wait
  // left from the server, and counts it down.
  useCandidateStore().forgetCodeWaits()
  screenGeneration.value += 1
}

/** The history position of the last wipe: nothing before it may be shown again (see router guard). */
let historyFloor = -1

/** Where vue-router keeps the current entry's index in the browser history. */
export function historyPosition(): number | null {
  const state: unknown = window.history.state
  if (state && typeof state === 'object' && 'position' in state && typeof state.position === 'number') return state.position
  return null
}

/**
 * True when the entry being shown predates the last wipe. That entry is then replaced by home, so
 * it becomes the new floor: what comes after it (home and onwards) is this candidate's.
 */
export function leavesWipedHistory(): boolean {
  const position = historyPosition()
  if (position === null || position >= historyFloor) return false
  historyFloor = position
  return true
}

/**
 * Staff entered supervisor mode: the candidate who was at the kiosk is forgotten in the stores (main
 * forgot them already), and so is the language they chose: supervisor mode opens in the kiosk's
 * default. Their forms went with their screens when the PIN pad opened.
 */
export function forgetCandidate(): void {
  useCandidateStore().reset()
  useAppInfoStore().applyDefaultLocale()
}

/**
 * Idle timeout or log-out: forget this candidate everywhere — main's session and in-memory values,
 * every store, every form, the language they chose — and return home. Back navigation stops at
 * this point.
 */
export async function wipeCandidate(router: Router): Promise<void> {
  useCandidateStore().reset()
  useAppInfoStore().applyDefaultLocale()
  candidateGeneration.value += 1
  const done = window.kiosk.app.wipe({})
  await router.replace('/')
  // A second entry after the wipe point, so that one "back" lands on the floor and is turned home.
  historyFloor = historyPosition() ?? historyFloor
  await done
}

/**
 * 退出: main ends the session, then the candidate is forgotten as after an idle wipe. Home's heading
 * takes the focus, also when 退出 was tapped on home itself (no navigation to announce it).
 */
export async function logOut(router: Router): Promise<void> {
  await window.kiosk.auth.logout({})
  await wipeCandidate(router)
  await focusHeading()
}
