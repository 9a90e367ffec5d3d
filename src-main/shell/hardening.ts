import type { Session, WebContents } from 'electron'

/**
 * No download is ever saved through the browser: Electron would open the OS's Save dialog, a file
 * browser over the kiosk that outlives supervisor mode. Main writes staff's exports itself.
 */
export function refuseDownloads(session: Pick<Session, 'on'>, onIncident: (what: string) => void = () => undefined): void {
  session.on('will-download', (event) => {
    event.preventDefault()
    onIncident('download refused')
  })
}

/** Every permission (camera, notifications, geolocation, ...) is refused: the kiosk needs none. */
export function denyAllPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
}

export interface HardeningOptions {
  isAppUrl: (url: string) => boolean
  devTools: boolean
  /** How long a hung renderer may stay unresponsive before it is reloaded. */
  hangReloadMs?: number
  onIncident?: (what: string) => void
}

type HardenableContents = Pick<WebContents, 'on' | 'setWindowOpenHandler' | 'reload' | 'closeDevTools' | 'isDestroyed'>

/**
 * Applied to every web contents the app creates: no navigation away from the app, no new windows,
 * no webviews, no devtools unless the dev flag is set, and a renderer that crashes or hangs is
 * reloaded so the hall's kiosk comes back to its home screen by itself.
 */
export function hardenWebContents(contents: HardenableContents, options: HardeningOptions): void {
  const incident = options.onIncident ?? (() => undefined)
  contents.on('will-navigate', (event, url) => {
    if (!options.isAppUrl(url)) {
      event.preventDefault()
      incident('navigation blocked')
    }
  })
  contents.on('will-redirect', (event, url) => {
    if (!options.isAppUrl(url)) {
      event.preventDefault()
      incident('redirect blocked')
    }
  })
  contents.setWindowOpenHandler(() => {
    incident('window.open blocked')
    return { action: 'deny' }
  })
  contents.on('will-attach-webview', (event) => {
    event.preventDefault()
    incident('webview blocked')
  })
  if (!options.devTools) {
    contents.on('devtools-opened', () => contents.closeDevTools())
  }
  contents.on('render-process-gone', (_event, details) => {
    incident(`renderer gone: ${details.reason}`)
    if (!contents.isDestroyed()) contents.reload()
  })
  let hang: ReturnType<typeof setTimeout> | undefined
  contents.on('unresponsive', () => {
    hang ??= setTimeout(() => {
      hang = undefined
      incident('renderer hung: reloading')
      if (!contents.isDestroyed()) contents.reload()
    }, options.hangReloadMs ?? 10_000)
  })
  contents.on('responsive', () => {
    clearTimeout(hang)
    hang = undefined
  })
}
