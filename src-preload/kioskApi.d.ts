// window.kiosk's type comes from the contract itself: no hand-written duplicate.
import type { KioskApi } from '../src-common/kioskApi'

declare global {
  interface Window {
    kiosk: KioskApi
  }
}
export {}
