import { createApp } from 'vue'
import { createPinia } from 'pinia'
// Element Plus's styles for the idle warning's dialog and the demo inbox's drawer, whose scripts load
// after home (IdleGuard, App), and for the buttons in them: still in the first load's stylesheet, before
// styles.css, whose overrides of Element Plus (`body .el-button`, `.pager .el-button`) must keep
// coming after them in the cascade.
import 'element-plus/es/components/button/style/css'
import 'element-plus/es/components/drawer/style/css'
import 'element-plus/es/components/dialog/style/css'
import App from './App.vue'
import { i18n } from './i18n'
import { router } from './router'
import './styles.css'

createApp(App).use(createPinia()).use(i18n).use(router).mount('#app')
