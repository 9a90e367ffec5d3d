import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AppInfo } from '../../../src-common/kioskApi'
import { setLocale } from '../i18n'

/**
 * The kiosk's own facts from main (version, demo mode, timeouts, default language): not candidate
 * data, survives wipes. Staff change some of them in 设置, so they are read again when staff leave
 * supervisor mode or finish the set-up wizard.
 */
export const useAppInfoStore = defineStore('appInfo', () => {
  const info = ref<AppInfo | null>(null)
  async function load(): Promise<void> {
    const result = await window.kiosk.app.info({})
    if (result.ok) info.value = result.value
  }
  /** The next candidate starts in the kiosk's default language (设置 → 默认语言), whatever the last one chose. */
  function applyDefaultLocale(): void {
    setLocale(info.value?.defaultLocale ?? 'zh-CN')
  }
  /** At start and after staff leave: today's settings, and the default language for whoever comes next. */
  async function readyForNextCandidate(): Promise<void> {
    await load()
    applyDefaultLocale()
  }
  return { info, load, applyDefaultLocale, readyForNextCandidate }
})
