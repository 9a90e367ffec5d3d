import { ok } from '../../src-common/errors'
import type { KioskHandlers } from './kioskDispatcher'
import type { KioskServices } from './kioskServices'

/** One handler per contract entry; inputs arrive already validated by the dispatcher. */
export function createKioskHandlers(services: KioskServices): KioskHandlers {
  return {
    app: {
      info: async () => ok(services.info()),
      wipe: async () => {
        services.session.wipe()
        return ok({ wiped: true as const })
      },
    },
  }
}
