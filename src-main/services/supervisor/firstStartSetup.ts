import type Database from 'better-sqlite3'
import { z } from 'zod'
import { fail, ok, type Result } from '../../../src-common/errors'
import { pinPattern } from '../../../src-common/rules/staffRule'
import { checkActor, type AuditActor, type AuditRecorder } from './auditLog'
import { kioskSettingFields, type KioskSettings } from './kioskSettingsSchema'
import { hashPin } from './supervisorPin'

/**
 * First start: until the wizard has stored the kiosk's name, exam centre, central URL and the
 * supervisor PIN, the kiosk shows only the wizard. Enrolment (the code exchanged for a credential)
 * is done by the caller with the central client and stored with settings.saveEnrolment.
 */

export const setupInputSchema = z.strictObject({
  kioskName: kioskSettingFields.kioskName,
  examCentre: kioskSettingFields.examCentre,
  centralUrl: kioskSettingFields.centralUrl,
  pin: z.string().regex(pinPattern),
})
export type SetupInput = z.input<typeof setupInputSchema>

export interface FirstStartSetup {
  isSetUp(): boolean
  /** What completeSetup would answer for this input, storing nothing (before a one-time code is spent). */
  check(input: SetupInput): Result<true>
  /**
   * INVALID_FIELD (field = the input's name) for bad input; UNAUTHORIZED once set up (from then on
   * every change goes through supervisor mode and its PIN).
   */
  completeSetup(input: SetupInput, actor?: AuditActor | null): Promise<Result<KioskSettings>>
}

const setupKey = 'setup.completedAt'

export function createFirstStartSetup(options: {
  db: Database.Database
  audit: AuditRecorder
  settings: { get(): KioskSettings; apply(patch: Partial<KioskSettings>, actor?: AuditActor | null): void }
  pin: { isSet(): boolean; initialise(hash: string): void }
  now: () => number
}): FirstStartSetup {
  const { db, audit, settings, pin, now } = options
  const completed = db.prepare<[], { value: string }>(
    `SELECT value FROM supervisor_settings WHERE key = '${setupKey}'`,
  )
  const markDone = db.prepare<[string]>(
    `INSERT INTO supervisor_settings (key, value) VALUES ('${setupKey}', ?)`,
  )

  const isSetUp = () => completed.get() !== undefined && pin.isSet()

  function parse(input: SetupInput): Result<z.output<typeof setupInputSchema>> {
    const parsed = setupInputSchema.safeParse(input)
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path[0]
      return fail('INVALID_FIELD', { field: typeof field === 'string' ? field : 'setup' })
    }
    return isSetUp() ? fail('UNAUTHORIZED') : ok(parsed.data)
  }

  return {
    isSetUp,

    check(input) {
      const parsed = parse(input)
      return parsed.ok ? ok(true) : parsed
    },

    async completeSetup(input, actor = null) {
      const who = checkActor(actor)
      if (!who.ok) return who
      const parsed = parse(input)
      if (!parsed.ok) return parsed
      const { pin: plainPin, ...values } = parsed.value
      const hash = await hashPin(plainPin)
      // Checked again inside the write lock: two wizards finishing at once must not both win.
      const done = db
        .transaction((): boolean => {
          if (completed.get() !== undefined || pin.isSet()) return false
          settings.apply(values, who.value)
          pin.initialise(hash)
          markDone.run(JSON.stringify(now()))
          audit.record({ action: 'setup', detail: { demo: values.centralUrl === null }, actor: who.value })
          return true
        })
        .immediate()
      return done ? ok(settings.get()) : fail('UNAUTHORIZED')
    },
  }
}
