// Runs inside the page before the app: builds window.kiosk from the same contract and
// buildKioskApi the preload uses, over a Playwright binding to the real main-process dispatcher.
import { buildKioskApi } from '../../../src-common/kioskApi'

type Listener = (payload: unknown) => void
const listeners = new Map<string, Set<Listener>>()
const harnessWindow = window as unknown as {
  __kioskInvoke(channel: string, input: unknown): Promise<unknown>
  __kioskEmit(channel: string, payload: unknown): void
  kiosk: unknown
}

harnessWindow.__kioskEmit = (channel, payload) => {
  for (const listener of listeners.get(channel) ?? []) listener(payload)
}

harnessWindow.kiosk = Object.freeze(
  buildKioskApi({
    // Copied as Electron's contextBridge and IPC copy it (the structured clone algorithm): a Vue
    // reactive object, a function or a DOM node passed to window.kiosk fails here as it would there.
    invoke: (channel, input) => harnessWindow.__kioskInvoke(channel, structuredClone(input)),
    subscribe: (channel, listener) => {
      const set = listeners.get(channel) ?? new Set<Listener>()
      set.add(listener)
      listeners.set(channel, set)
      return () => set.delete(listener)
    },
  }),
)
