import { computed, onBeforeUnmount, ref } from 'vue'

/** A whole-second countdown (the 60 s before a code may be sent again). */
export function useCountdown() {
  const remaining = ref(0)
  let timer: ReturnType<typeof setInterval> | undefined

  function stop(): void {
    if (timer !== undefined) clearInterval(timer)
    timer = undefined
  }

  function start(seconds: number): void {
    stop()
    remaining.value = Math.max(0, Math.ceil(seconds))
    if (remaining.value === 0) return
    timer = setInterval(() => {
      remaining.value -= 1
      if (remaining.value <= 0) stop()
    }, 1000)
  }

  /** Over now: stopped, and nothing left to wait. */
  function clear(): void {
    stop()
    remaining.value = 0
  }

  onBeforeUnmount(stop)
  return { remaining, running: computed(() => remaining.value > 0), start, stop, clear }
}
