import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import HomeView from '../views/home/index.vue'
import { useCandidateStore } from '../stores/candidate'
import { leavesWipedHistory } from '../stores/wipe'
import { setupRedirect, supervisorRoutes } from '../supervisor/routes'

declare module 'vue-router' {
  interface RouteMeta {
    /** Only for a logged-in candidate: others are sent to CET报名登录. */
    requiresAccount?: boolean
  }
}

// Home is in the first load; every other screen is its own chunk, loaded when first opened.
const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: HomeView },
  { path: '/register', name: 'register', component: () => import('../views/register/index.vue') },
  { path: '/login', name: 'login', component: () => import('../views/login/index.vue') },
  { path: '/help', name: 'help', component: () => import('../views/help/index.vue') },
  { path: '/reset', name: 'reset', component: () => import('../views/reset/index.vue') },
  { path: '/appeal', name: 'appeal', component: () => import('../views/appeal/index.vue') },
  { path: '/progress', name: 'progress', component: () => import('../views/progress/index.vue') },
  {
    path: '/exam/:exam(cet|ncre|pets)',
    name: 'exam',
    component: () => import('../views/exam/index.vue'),
    props: true,
  },
  {
    path: '/account',
    name: 'account',
    component: () => import('../views/account/index.vue'),
    meta: { requiresAccount: true },
  },
  {
    path: '/account/profile',
    name: 'profile',
    component: () => import('../views/account/ProfileView.vue'),
    meta: { requiresAccount: true },
  },
  {
    path: '/account/mobile',
    name: 'changeMobile',
    component: () => import('../views/account/ChangeMobileView.vue'),
    meta: { requiresAccount: true },
  },
  {
    path: '/account/password',
    name: 'password',
    component: () => import('../views/account/PasswordView.vue'),
    meta: { requiresAccount: true },
  },
  {
    path: '/account/verify-mobile',
    name: 'verifyMobile',
    component: () => import('../views/account/VerifyMobileView.vue'),
    meta: { requiresAccount: true },
  },
  {
    path: '/account/verify-email',
    name: 'verifyEmail',
    component: () => import('../views/account/VerifyEmailView.vue'),
    meta: { requiresAccount: true },
  },
  ...supervisorRoutes,
  { path: '/:rest(.*)*', redirect: '/' },
]

export const router = createRouter({
  // Hash history works the same from app://kiosk/ in Electron and from the test harness's http server.
  history: createWebHashHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach(async (to) => {
  // A kiosk that is not set up yet shows the set-up wizard, whatever was asked.
  const setup = await setupRedirect(to)
  if (setup) return setup
  // Back navigation never reaches a screen from before the last wipe (a previous candidate's).
  if (leavesWipedHistory() && to.path !== '/') return { path: '/', replace: true }
  if (to.meta.requiresAccount && useCandidateStore().account === null) return { path: '/login', replace: true }
  return true
})
