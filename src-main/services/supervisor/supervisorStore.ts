import type { AuditLog } from './auditLog'
import { createAuditLog } from './auditLog'
import { createFirstStartSetup, type FirstStartSetup } from './firstStartSetup'
import { createKioskSettings, type KioskSettingsStore } from './kioskSettings'
import type { SecretProtector } from './secretProtector'
import { openSupervisorDatabase } from './supervisorDatabase'
import { createSupervisorPin, type SupervisorPin } from './supervisorPin'
import { createSupervisorSession, type SupervisorSession } from './supervisorSession'

/**
 * Everything supervisor mode keeps in kiosk.db, behind one connection: settings and credentials,
 * first-start set-up, the PIN with its lockout, the supervisor session (memory only) and the audit
 * log. See README.md beside this file.
 */
export interface SupervisorStore {
  settings: KioskSettingsStore
  setup: FirstStartSetup
  pin: SupervisorPin
  session: SupervisorSession
  audit: AuditLog
  /** Leaves supervisor mode (audited) and closes the connection. Closing twice is harmless. */
  close(): void
}

export interface SupervisorStoreOptions {
  /** Path of kiosk.db (shared with the outbox, which has its own tables and migrations). */
  file: string
  /** safeStorage in the Electron shell; createKeyFileProtector elsewhere. */
  protector: SecretProtector
  /** The Electron build of better-sqlite3 (src-main/services/nativeBinding.ts). */
  nativeBinding?: string
  /** Clock in ms, for tests. */
  now?: () => number
}

export function openSupervisorStore({
  file,
  protector,
  nativeBinding,
  now = Date.now,
}: SupervisorStoreOptions): SupervisorStore {
  const db = openSupervisorDatabase(file, nativeBinding)
  const audit = createAuditLog(db, now)
  const settings = createKioskSettings(db, audit, protector, now)
  const pin = createSupervisorPin(db, audit, now)
  const setup = createFirstStartSetup({ db, audit, settings, pin, now })
  const session = createSupervisorSession({
    pin,
    audit,
    idleTimeoutSec: () => settings.get().supervisorIdleTimeoutSec,
    now,
  })
  // Hand out the public faces only: apply, initialise and record skip the checks their callers make.
  const { apply: _apply, ...publicSettings } = settings
  const { initialise: _initialise, ...publicPin } = pin
  const { record: _record, ...publicAudit } = audit
  const { close: closeSession, ...publicSession } = session
  return {
    settings: publicSettings,
    setup,
    pin: publicPin,
    session: publicSession,
    audit: publicAudit,
    close() {
      if (!db.open) return
      closeSession()
      db.close()
    },
  }
}

export { createKeyFileProtector, type SecretProtector } from './secretProtector'
export type { AuditActor, AuditAction, AuditEntry, AuditInput, AuditPage, ChainCheck } from './auditLog'
export type { KioskSettings, KioskSettingsPatch } from './kioskSettingsSchema'
export type { Enrolment, EnrolmentInput } from './kioskSettings'
export type { SetupInput } from './firstStartSetup'
export type { PinState } from './supervisorPin'
export type { SessionChange, SessionInfo } from './supervisorSession'
