import { createI18n } from 'vue-i18n'
import { computed } from 'vue'
import elementZhCn from 'element-plus/es/locale/lang/zh-cn'
import elementEn from 'element-plus/es/locale/lang/en'
import zhCN from './locales/zh-CN'
import en from './locales/en'
import supervisorZhCN from './supervisor/locales/zh-CN'
import supervisorEn from './supervisor/locales/en'
import type { Locale } from '../../src-common/errors'

export const i18n = createI18n({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  // Supervisor mode and the set-up wizard keep their texts beside their screens, under `supervisor` and `setup`.
  messages: { 'zh-CN': { ...zhCN, ...supervisorZhCN }, en: { ...en, ...supervisorEn } },
})

/** Element Plus's own texts (date pickers, dialogs) switch with ours. */
export const elementLocale = computed(() => (i18n.global.locale.value === 'en' ? elementEn : elementZhCn))

/**
 * A route's `meta.title` read from message `key` in the language shown: the window's name, and the
 * screen whose h1 takes the focus when it opens (router/index.ts).
 */
export const titled = (key: string) => ({ title: () => i18n.global.t(key) })

/** Reactive: a template that calls it re-renders when the language changes. */
export function currentLocale(): Locale {
  return i18n.global.locale.value === 'en' ? 'en' : 'zh-CN'
}

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
}

/**
 * Chinese labels sit beside their fields, as on the ETEST site. English ones are often twice as long
 * ("Mobile number / email", "ID document type") and would wrap into the next row: they go above.
 */
export const formLabelPosition = computed(() => (i18n.global.locale.value === 'en' ? 'top' : 'right'))
