import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { SyncSummary } from '../../../src-common/kioskApi'
import { notYetSentStatuses } from '../../../src-common/opStatuses'

/** The kiosk's link to the central API (the online/offline indicator): not candidate data, survives wipes. */
export const useSyncStore = defineStore('sync', () => {
  const summary = ref<SyncSummary | null>(null)
  let unsubscribe: (() => void) | undefined

  async function start(): Promise<void> {
    unsubscribe ??= window.kiosk.on('syncSummary', (next) => {
      summary.value = next
    })
    const result = await window.kiosk.sync.status({})
    if (result.ok) summary.value = result.value
  }

  const online = computed(() => summary.value?.online ?? null)
  /** Staff paused sending (supervisor mode): nothing goes, online or not. */
  const paused = computed(() => summary.value?.paused ?? false)
  /** Operations still to be sent (queued, sending, blocked). */
  const waiting = computed(() => {
    const depth = summary.value?.depth ?? {}
    return notYetSentStatuses.reduce((sum, status) => sum + (depth[status] ?? 0), 0)
  })
  return { summary, online, paused, waiting, start }
})
