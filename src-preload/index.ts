// The bridge: window.kiosk is exactly the contract of src-common/kioskApi.ts, nothing more.
// ipcRenderer itself is never exposed, and there is no generic "send anything" channel.
import { contextBridge, ipcRenderer } from 'electron'
import { buildKioskApi } from '../src-common/kioskApi'

contextBridge.exposeInMainWorld(
  'kiosk',
  buildKioskApi({
    invoke: (channel, input) => ipcRenderer.invoke(channel, input),
    subscribe: (channel, listener) => {
      const forward = (_event: unknown, payload: unknown): void => listener(payload)
      ipcRenderer.on(channel, forward)
      return () => ipcRenderer.removeListener(channel, forward)
    },
  }),
)
