import type { RouteLocationNormalized, RouteLocationRaw, RouteRecordRaw, RouteRecordSingleView } from 'vue-router'
import { titled } from '../i18n'
import { useSupervisorStore } from './supervisorStore'

declare module 'vue-router' {
  interface RouteMeta {
    /** A supervisor-mode screen: only while supervisor mode is on (see requireSupervisor). */
    supervisor?: boolean
  }
}

/** The PIN pad opens only from the hidden gesture, once: not by typing its URL, not by "back". */
let pinPadAllowed = false
export function allowPinPadOnce(): void {
  pinPadAllowed = true
}

function pinPadRequested(): true | RouteLocationRaw {
  const allowed = pinPadAllowed
  pinPadAllowed = false
  return allowed ? true : { path: '/', replace: true }
}

/** Every supervisor screen needs the mode on; after leaving the store is wiped, so "back" lands home. */
function requireSupervisor(): true | RouteLocationRaw {
  return useSupervisorStore().active ? true : { path: '/', replace: true }
}

/** Once set up, the kiosk stays set up: remember it instead of asking main on every navigation. */
let knownSetUp = false
async function isSetUp(): Promise<boolean> {
  if (knownSetUp) return true
  const status = await window.kiosk.setup.status({})
  // If main cannot answer, do not trap the kiosk in the wizard: the wizard itself asks again.
  knownSetUp = status.ok ? status.value.setUp : false
  return status.ok ? status.value.setUp : true
}

/** The wizard runs only before the kiosk is set up (main refuses a second run anyway). */
async function notYetSetUp(): Promise<true | RouteLocationRaw> {
  return (await isSetUp()) ? { path: '/', replace: true } : true
}

/** For the app's global guard: a kiosk that is not set up goes to the wizard, whatever was asked. */
export async function setupRedirect(to: RouteLocationNormalized): Promise<RouteLocationRaw | null> {
  if (to.name === 'setup') return null
  return (await isSetUp()) ? null : { name: 'setup', replace: true }
}

/** The wizard finished: from now on nothing sends the kiosk back to it. */
export function markSetUp(): void {
  knownSetUp = true
}

/** A tab of supervisor mode: route supervisorDashboard etc., titled by supervisor.<tab>.title. */
function staffScreen(tab: 'dashboard' | 'services' | 'settings' | 'audit', component: RouteRecordSingleView['component']): RouteRecordSingleView {
  const name = `supervisor${tab[0]!.toUpperCase()}${tab.slice(1)}`
  return { path: tab, name, component, meta: { supervisor: true, ...titled(`supervisor.${tab}.title`) } }
}

export const supervisorRoutes: RouteRecordRaw[] = [
  {
    path: '/setup',
    name: 'setup',
    component: () => import('./setup/SetupWizardView.vue'),
    beforeEnter: notYetSetUp,
    meta: titled('setup.title'),
  },
  {
    path: '/supervisor/pin',
    name: 'supervisorPin',
    component: () => import('./pin/PinPadView.vue'),
    beforeEnter: pinPadRequested,
    meta: titled('supervisor.pinPad.title'),
  },
  {
    path: '/supervisor',
    component: () => import('./SupervisorLayout.vue'),
    beforeEnter: requireSupervisor,
    meta: { supervisor: true },
    children: [
      { path: '', redirect: { name: 'supervisorDashboard' } },
      staffScreen('dashboard', () => import('./dashboard/DashboardView.vue')),
      staffScreen('services', () => import('./services/ServicesView.vue')),
      staffScreen('settings', () => import('./settings/SettingsView.vue')),
      staffScreen('audit', () => import('./audit/AuditView.vue')),
    ],
  },
]
