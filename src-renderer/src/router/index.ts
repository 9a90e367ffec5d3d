import { createRouter, createWebHashHistory, START_LOCATION, type RouteLocationNormalizedLoaded, type RouteRecordRaw } from 'vue-router'
import HomeView from '../views/home/index.vue'
import { focusHeading, focusReturnPoint, returnPointOf } from '../composables/focusFirstError'
import { i18n, titled } from '../i18n'
import { useCandidateStore } from '../stores/candidate'
import { leavesWipedHistory } from '../stores/wipe'
import { setupRedirect, supervisorRoutes } from '../supervisor/routes'

declare module 'vue-router' {
  interface RouteMeta {
    /** Only for a logged-in candidate: others are sent to CET报名登录. */
    requiresAccount?: boolean
    /**
     * A screen's title in the language shown, candidates' and staff's (supervisor/routes.ts): the
     * window's title (App), and what a screen reader reads when the screen opens (its h1 takes the focus).
     */
    title?: (route: RouteLocationNormalizedLoaded) => string
  }
}

const { t } = i18n.global

// Home is in the first load; every other screen is its own chunk, loaded when first opened.
const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: HomeView, meta: titled('brand.title') },
  { path: '/register', name: 'register', component: () => import('../views/register/index.vue'), meta: titled('register.title') },
  { path: '/login', name: 'login', component: () => import('../views/login/index.vue'), meta: titled('login.title') },
  { path: '/help', name: 'help', component: () => import('../views/help/index.vue'), meta: titled('help.title') },
  { path: '/reset', name: 'reset', component: () => import('../views/reset/index.vue'), meta: titled('reset.title') },
  { path: '/appeal', name: 'appeal', component: () => import('../views/appeal/index.vue'), meta: titled('appeal.title') },
  { path: '/progress', name: 'progress', component: () => import('../views/progress/index.vue'), meta: titled('progress.title') },
  {
    path: '/exam/:exam(cet|ncre|pets)',
    name: 'exam',
    component: () => import('../views/exam/index.vue'),
    props: true,
    meta: { title: (route) => t('exam.title', { exam: String(route.params.exam).toUpperCase() }) },
  },
  {
    path: '/account',
    name: 'account',
    component: () => import('../views/account/index.vue'),
    meta: { requiresAccount: true, ...titled('account.title') },
  },
  {
    path: '/account/profile',
    name: 'profile',
    component: () => import('../views/account/ProfileView.vue'),
    meta: { requiresAccount: true, ...titled('profile.title') },
  },
  {
    path: '/account/mobile',
    name: 'changeMobile',
    component: () => import('../views/account/ChangeMobileView.vue'),
    meta: { requiresAccount: true, ...titled('changeMobile.title') },
  },
  {
    path: '/account/password',
    name: 'password',
    component: () => import('../views/account/PasswordView.vue'),
    meta: { requiresAccount: true, ...titled('password.title') },
  },
  {
    path: '/account/verify-mobile',
    name: 'verifyMobile',
    component: () => import('../views/account/VerifyMobileView.vue'),
    meta: { requiresAccount: true, ...titled('verifyMobile.title') },
  },
  {
    path: '/account/verify-email',
    name: 'verifyEmail',
    component: () => import('../views/account/VerifyEmailView.vue'),
    meta: { requiresAccount: true, ...titled('verifyEmail.title') },
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
  // Already logged in: 登录 (the home card, CET报名's link) leads to the account, where 退出 is, not to an
  // empty form that hides that someone still is.
  if (to.name === 'login' && useCandidateStore().account !== null) return { path: '/account', replace: true }
  return true
})

/**
 * The flow a screen belongs to, by its path's first part: 注册, 重置密码, the account's screens
 * (修改资料 and 修改手机号 lead to each other).
 */
const flowOf = (route: RouteLocationNormalizedLoaded) => route.path.split('/')[1]

// 发送验证码's waits last while the candidate goes back and forth within a flow; one who leaves it may
// be leaving the kiosk, and whoever comes next must not find a countdown running.
router.afterEach((to, from, failure) => {
  if (!failure && flowOf(to) !== flowOf(from)) useCandidateStore().forgetCodeWaits()
})

// A new screen replaced the last one and its button: its heading takes the focus, so a screen reader
// reads where the candidate (or staff member) now is and Tab starts from the top, instead of from
// <body>; a screen come back to (returningTo) gives it to the control the candidate left by. Not on
// the first screen (nothing was left to announce), nor on a screen whose h1 has no tabindex="-1" (the
// PIN pad: staff tap 工号 first).
router.afterEach((to, from, failure) => {
  if (failure || from === START_LOCATION || !to.meta.title) return
  // The entry's state: the push just made wrote it before these hooks run (or it is the entry gone back to).
  const back = returnPointOf(window.history.state)
  void (back === null ? focusHeading() : focusReturnPoint(back))
})
