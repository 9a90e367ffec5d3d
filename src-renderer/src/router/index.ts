import { createRouter, createWebHashHistory } from 'vue-router'
import HomeView from '../views/home/index.vue'

export const router = createRouter({
  // Hash history works the same from app://kiosk/ in Electron and from the test harness's http server.
  history: createWebHashHistory(),
  routes: [{ path: '/', name: 'home', component: HomeView }],
})
