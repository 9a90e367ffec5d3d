import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import { fail } from '../../src-common/errors'
import type { KioskDispatcher } from '../services/kioskDispatcher'

/** Only the app's own top frame may call main (Electron checklist 17: validate every IPC sender). */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>, isAppUrl: (url: string) => boolean): boolean {
  const frame = event.senderFrame
  return frame !== null && frame.parent === null && isAppUrl(frame.url)
}

/** One ipcMain handler per contract entry, all behind the same sender check and the dispatcher's validation. */
export function registerKioskIpc(
  ipcMain: Pick<IpcMain, 'handle'>,
  dispatcher: KioskDispatcher,
  isAppUrl: (url: string) => boolean,
  onRefused: (channel: string) => void = () => undefined,
): void {
  for (const channel of dispatcher.channels) {
    ipcMain.handle(channel, (event, input: unknown) => {
      if (!isTrustedSender(event, isAppUrl)) {
        onRefused(channel)
        return fail('UNAUTHORIZED')
      }
      return dispatcher.invoke(channel, input)
    })
  }
}
