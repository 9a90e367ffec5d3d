import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Router } from 'vue-router'
import type { KioskError, Result } from '../../../src-common/errors'
import type { CallOutput, SupervisorOp } from '../../../src-common/kioskApi'
import { useAppInfoStore } from '../stores/appInfo'

type Dashboard = CallOutput<'supervisor', 'dashboard'>
/** A status, every op, or the ops flagged stuck (多次失败). */
export type OpStatusFilter = SupervisorOp['status'] | 'all' | 'stuck'
export const opsPageSize = 50

/**
 * What supervisor mode shows across its screens: who entered, the dashboard and the ops list with
 * its filter. Main holds the real session; this store only mirrors it and is wiped on leaving, so
 * nothing of it is left for the next person at the kiosk.
 */
export const useSupervisorStore = defineStore('supervisor', () => {
  const active = ref(false)
  const staff = ref<{ staffId: string; staffName: string } | null>(null)
  const dashboard = ref<Dashboard | null>(null)
  const ops = ref<SupervisorOp[]>([])
  const filter = ref<{ status: OpStatusFilter; receipt: string }>({ status: 'all', receipt: '' })
  /** The page of the ops list: newest first, `opsPageSize` at a time; total as main counted it. */
  const page = ref({ offset: 0, total: 0 })
  /** The receipt (or part of it) the list shown was searched for, as main matched it ('' for none). */
  const searched = ref('')

  /** Main answered with the PIN pad's state: locked for how long, if at all. */
  async function enter(pin: string, staffId: string, staffName: string): Promise<Result<{ lockedForSec: number }>> {
    const result = await window.kiosk.supervisor.enter({ pin, staffId, staffName })
    if (!result.ok) return result
    active.value = result.value.active
    staff.value = result.value.active ? { staffId: staffId.trim(), staffName: staffName.trim() } : null
    return { ok: true, value: { lockedForSec: result.value.lockedForSec } }
  }

  // Which stay in supervisor mode this is: an answer that comes back after staff left (a reload
  // started by an op change just before) is dropped, not written into the wiped store.
  let stay = 0

  async function loadDashboard(): Promise<KioskError | null> {
    const asked = stay
    const result = await window.kiosk.supervisor.dashboard({})
    if (asked !== stay) return null
    if (!result.ok) return result.error
    dashboard.value = result.value
    return null
  }

  async function loadOps(): Promise<KioskError | null> {
    const asked = stay
    const receipt = filter.value.receipt.trim()
    const result = await window.kiosk.supervisor.listOps({
      ...(filter.value.status === 'all' ? {} : filter.value.status === 'stuck' ? { stuck: true } : { status: filter.value.status }),
      ...(receipt ? { receipt } : {}),
      limit: opsPageSize,
      offset: page.value.offset,
    })
    if (asked !== stay) return null
    if (!result.ok) return result.error
    const { total } = result.value
    // The list shrank under the page staff were on (ops cancelled, or gone from the filter): show its last page.
    if (result.value.ops.length === 0 && total > 0 && page.value.offset >= total) {
      page.value.offset = Math.floor((total - 1) / opsPageSize) * opsPageSize
      return loadOps()
    }
    ops.value = result.value.ops
    page.value = { offset: page.value.offset, total }
    searched.value = receipt.toUpperCase()
    return null
  }

  /** The list filtered to one status (or to the stuck ops), from the newest. */
  function filterBy(status: OpStatusFilter): Promise<KioskError | null> {
    filter.value.status = status
    return turnPage(0)
  }

  /** A new filter or search starts at the newest ops; step -1 / +1 turns the page. */
  function turnPage(step: -1 | 0 | 1): Promise<KioskError | null> {
    page.value.offset = step === 0 ? 0 : Math.max(0, page.value.offset + step * opsPageSize)
    return loadOps()
  }

  /** One op changed (cancel, retry): replace it in the list without waiting for a reload. */
  function replaceOp(op: SupervisorOp): void {
    ops.value = ops.value.map((old) => (old.id === op.id ? op : old))
  }

  function setSync(sync: Dashboard['sync']): void {
    if (dashboard.value) dashboard.value = { ...dashboard.value, sync }
  }

  function reset(): void {
    stay += 1
    active.value = false
    staff.value = null
    dashboard.value = null
    ops.value = []
    filter.value = { status: 'all', receipt: '' }
    page.value = { offset: 0, total: 0 }
    searched.value = ''
  }

  return { active, staff, dashboard, ops, filter, page, searched, enter, loadDashboard, loadOps, turnPage, filterBy, replaceOp, setSync, reset }
})

/**
 * The end of supervisor mode, however it comes: the mirror is wiped (so the route guard already
 * refuses every supervisor screen, including by "back"), and what staff changed in 设置 (timeouts,
 * default language, the kiosk's name) applies from the next candidate on. Answers whether the mode
 * was active.
 */
export function endSupervisorMode(): boolean {
  const store = useSupervisorStore()
  const wasActive = store.active
  store.reset()
  void useAppInfoStore().readyForNextCandidate()
  return wasActive
}

/** Leaves supervisor mode and goes home, then tells main unless main is the one who left (idle). */
export async function leaveSupervisor(router: Router, options: { tellMain: boolean } = { tellMain: true }): Promise<void> {
  const wasActive = endSupervisorMode()
  await router.replace('/')
  if (wasActive && options.tellMain) await window.kiosk.supervisor.leave({})
}
