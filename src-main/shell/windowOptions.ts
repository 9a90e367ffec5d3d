import type { BrowserWindowConstructorOptions } from 'electron'
import type { KioskConfig } from '../services/kioskConfig'

/**
 * The kiosk window's session. No `persist:` prefix: Electron keeps it in memory, so nothing the
 * renderer stores (HTTP cache, web storage, blobs) is written to disk, and it is gone at quit.
 */
export const kioskPartition = 'kiosk'

/** The one place the renderer's powers are decided (Electron security checklist items 2-4, 6, 10). */
export function kioskWindowOptions(config: KioskConfig, preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 900,
    show: false,
    backgroundColor: '#ffffff',
    kiosk: config.windowMode === 'kiosk',
    fullscreen: config.windowMode !== 'window',
    autoHideMenuBar: !config.dev,
    webPreferences: {
      preload: preloadPath,
      partition: kioskPartition,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: config.dev,
    },
  }
}
