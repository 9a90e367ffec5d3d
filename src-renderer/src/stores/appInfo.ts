import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AppInfo } from '../../../src-common/kioskApi'

/** The kiosk's own facts from main (version, demo mode, timeouts): not candidate data, survives wipes. */
export const useAppInfoStore = defineStore('appInfo', () => {
  const info = ref<AppInfo | null>(null)
  async function load(): Promise<void> {
    const result = await window.kiosk.app.info({})
    if (result.ok) info.value = result.value
  }
  return { info, load }
})
