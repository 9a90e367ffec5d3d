import { onBeforeUnmount, onMounted } from 'vue'
import { useRouter } from 'vue-router'
import { allowPinPadOnce } from './routes'

/** Five taps within this window open the PIN pad. */
export const entryTaps = 5
export const entryWindowMs = 3_000

/**
 * The hidden way into supervisor mode: five taps on the logo within 3 s, or the key chord
 * Ctrl+Alt+S (a keyboard plugged in by staff). Candidates are not told; the PIN pad guards the rest.
 * Use it once, in the header: `const { onLogoTap } = useSupervisorEntry()`.
 */
export function useSupervisorEntry() {
  const router = useRouter()
  let taps: number[] = []

  function openPinPad(): void {
    // Right after a start the first navigation may still be deciding between home and the wizard:
    // act on where the kiosk really is once it has settled, not on the start location.
    void router.isReady().then(() => {
      const current = router.currentRoute.value
      if (current.name === 'setup' || current.path.startsWith('/supervisor')) return
      allowPinPadOnce()
      return router.push({ name: 'supervisorPin' })
    })
  }

  /** On the logo's click: the fifth tap within the window opens the pad instead of the logo's own link. */
  function onLogoTap(event?: Event): void {
    const now = Date.now()
    taps = taps.filter((at) => now - at < entryWindowMs)
    taps.push(now)
    if (taps.length < entryTaps) return
    taps = []
    event?.preventDefault()
    openPinPad()
  }

  function onKey(event: KeyboardEvent): void {
    if (event.ctrlKey && event.altKey && !event.shiftKey && !event.metaKey && event.code === 'KeyS') {
      event.preventDefault()
      openPinPad()
    }
  }

  onMounted(() => window.addEventListener('keydown', onKey))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey))

  return { onLogoTap, openPinPad }
}
