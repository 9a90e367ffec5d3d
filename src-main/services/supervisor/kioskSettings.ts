import { randomBytes } from 'node:crypto'
import type Database from 'better-sqlite3'
import { z } from 'zod'
import { fail, ok, type Result } from '../../../src-common/errors'
import { checkActor, type AuditActor, type AuditRecorder } from './auditLog'
import {
  crossFieldProblem,
  defaultKioskSettings,
  kioskSettingFields,
  kioskSettingKeys,
  kioskSettingsPatchSchema,
  type KioskSettingKey,
  type KioskSettings,
  type KioskSettingsPatch,
} from './kioskSettingsSchema'
import type { SecretProtector } from './secretProtector'

/**
 * The kiosk's own settings and credentials in kiosk.db: plain settings as JSON values in
 * supervisor_settings, secrets only as SecretProtector blobs in supervisor_secrets.
 */

/** What enrolment with the central API gave this kiosk (the fields of the wire's enrollResponse). */
export const enrolmentSchema = z.strictObject({
  kioskId: z.string().min(1).max(128),
  /** base64url HMAC key for signing requests. */
  secret: z.string().min(16).max(512),
  keyId: z.string().min(1).max(128),
  /** The central API's HPKE public key (base64url). */
  publicKey: z.string().min(16).max(1024),
  /**
   * The server that issued it (null: demo mode's own server): the credential is only ever sent there,
   * so it is the address enrolled at, not whatever the settings say.
   */
  centralUrl: z.string().max(2048).nullable(),
})
export type EnrolmentInput = z.infer<typeof enrolmentSchema>

export interface Enrolment extends EnrolmentInput {
  enrolledAt: string
}

export interface KioskSettingsStore {
  get(): KioskSettings
  /** Validates the whole change first (INVALID_FIELD, field = the setting), then writes it and audits each changed key. */
  update(patch: KioskSettingsPatch, actor?: AuditActor | null): Result<KioskSettings>
  /** null when not enrolled; NOT_ENROLLED when the stored secret cannot be read (another machine's keychain): enrol again. */
  enrolment(): Result<Enrolment | null>
  saveEnrolment(enrolment: EnrolmentInput, actor?: AuditActor | null): Result<Enrolment>
  clearEnrolment(actor?: AuditActor | null): Result<void>
  /**
   * The per-kiosk key of the outbox's account hash: 32 random bytes made on first use and never
   * changed (a new one would reorder queued ops), except by a new enrolment when this machine cannot
   * read it. INTERNAL when the stored one cannot be read.
   */
  accountKeySecret(): Result<Buffer>
}

const enrolmentKeys = {
  kioskId: 'enrolment.kioskId',
  keyId: 'enrolment.keyId',
  publicKey: 'enrolment.publicKey',
  centralUrl: 'enrolment.centralUrl',
  at: 'enrolment.at',
} as const
const secretNames = { hmac: 'enrolment.secret', accountKey: 'accountKey' } as const

export function createKioskSettings(
  db: Database.Database,
  audit: AuditRecorder,
  protector: SecretProtector,
  now: () => number,
): KioskSettingsStore & { apply(patch: Partial<KioskSettings>): void } {
  const sql = {
    get: db.prepare<[string], { value: string }>(`SELECT value FROM supervisor_settings WHERE key = ?`),
    put: db.prepare<{ key: string; value: string }>(
      `INSERT INTO supervisor_settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    ),
    del: db.prepare<[string]>(`DELETE FROM supervisor_settings WHERE key = ?`),
    getSecret: db.prepare<[string], { blob: Buffer }>(`SELECT blob FROM supervisor_secrets WHERE name = ?`),
    // DO NOTHING: the account key is made once; whoever comes second reads the first one.
    addSecret: db.prepare<{ name: string; blob: Buffer }>(
      `INSERT INTO supervisor_secrets (name, blob) VALUES (@name, @blob) ON CONFLICT (name) DO NOTHING`,
    ),
    putSecret: db.prepare<{ name: string; blob: Buffer }>(
      `INSERT INTO supervisor_secrets (name, blob) VALUES (@name, @blob) ON CONFLICT (name) DO UPDATE SET blob = excluded.blob`,
    ),
    delSecret: db.prepare<[string]>(`DELETE FROM supervisor_secrets WHERE name = ?`),
  }

  const readJson = (key: string): unknown => {
    const row = sql.get.get(key)
    if (!row) return undefined
    try {
      return JSON.parse(row.value) as unknown
    } catch {
      return undefined
    }
  }
  const readString = (key: string): string | null => {
    const value = readJson(key)
    return typeof value === 'string' ? value : null
  }

  function get(): KioskSettings {
    const settings: Record<string, unknown> = { ...defaultKioskSettings }
    for (const key of kioskSettingKeys) {
      const stored = readJson(key)
      if (stored === undefined) continue
      // A value that no longer passes its rule (edited file, older bounds) falls back to the default.
      const parsed = kioskSettingFields[key].safeParse(stored)
      if (parsed.success) settings[key] = parsed.data
    }
    return settings as unknown as KioskSettings
  }

  /** Writes already-validated values, auditing each one that changed. Runs inside the caller's transaction. */
  function apply(patch: Partial<KioskSettings>, actor: AuditActor | null = null): void {
    const current = get()
    for (const key of Object.keys(patch) as KioskSettingKey[]) {
      const value = patch[key]
      if (value === undefined || value === current[key]) continue
      sql.put.run({ key, value: JSON.stringify(value) })
      audit.record({ action: 'settingChanged', detail: { key, value }, actor })
    }
  }

  const readEnrolment = (): Result<Enrolment | null> => {
    const kioskId = readString(enrolmentKeys.kioskId)
    const keyId = readString(enrolmentKeys.keyId)
    const publicKey = readString(enrolmentKeys.publicKey)
    const at = readJson(enrolmentKeys.at)
    const blob = sql.getSecret.get(secretNames.hmac)?.blob
    if (kioskId === null || keyId === null || publicKey === null || typeof at !== 'number' || !blob)
      return ok(null)
    let secret: string
    try {
      secret = protector.unprotect(blob).toString('utf8')
    } catch {
      return fail('NOT_ENROLLED')
    }
    return ok({
      kioskId,
      secret,
      keyId,
      publicKey,
      centralUrl: readString(enrolmentKeys.centralUrl),
      enrolledAt: new Date(at).toISOString(),
    })
  }

  /** The stored account key; INTERNAL when there is none or this machine cannot read it. */
  const readAccountKey = (): Result<Buffer> => {
    const blob = sql.getSecret.get(secretNames.accountKey)?.blob
    if (!blob) return fail('INTERNAL')
    try {
      const key = protector.unprotect(blob)
      return key.length === 32 ? ok(key) : fail('INTERNAL')
    } catch {
      return fail('INTERNAL')
    }
  }

  return {
    get,

    update(patch, actor = null) {
      const who = checkActor(actor)
      if (!who.ok) return who
      const parsed = kioskSettingsPatchSchema.safeParse(patch)
      if (!parsed.success) {
        const field = parsed.error.issues[0]?.path[0]
        return fail('INVALID_FIELD', { field: typeof field === 'string' ? field : 'settings' })
      }
      const next = { ...get(), ...parsed.data }
      const problem = crossFieldProblem(next)
      if (problem) return fail('INVALID_FIELD', { field: problem })
      db.transaction(() => apply(parsed.data, who.value)).immediate()
      return ok(get())
    },

    enrolment: readEnrolment,

    saveEnrolment(input, actor = null) {
      const who = checkActor(actor)
      if (!who.ok) return who
      const parsed = enrolmentSchema.safeParse(input)
      if (!parsed.success) {
        const field = parsed.error.issues[0]?.path[0]
        return fail('INVALID_FIELD', { field: typeof field === 'string' ? field : 'enrolment' })
      }
      const { kioskId, secret, keyId, publicKey, centralUrl } = parsed.data
      const blob = protector.protect(Buffer.from(secret, 'utf8'))
      db.transaction(() => {
        sql.put.run({ key: enrolmentKeys.kioskId, value: JSON.stringify(kioskId) })
        sql.put.run({ key: enrolmentKeys.keyId, value: JSON.stringify(keyId) })
        sql.put.run({ key: enrolmentKeys.publicKey, value: JSON.stringify(publicKey) })
        sql.put.run({ key: enrolmentKeys.centralUrl, value: JSON.stringify(centralUrl) })
        sql.put.run({ key: enrolmentKeys.at, value: JSON.stringify(now()) })
        sql.putSecret.run({ name: secretNames.hmac, blob })
        audit.record({
          action: 'settingChanged',
          detail: { key: 'enrolment', value: kioskId },
          actor: who.value,
        })
        // Its key file lost (or kiosk.db moved to another machine), the kiosk could not read its
        // account key either, and could never open its outbox again. A new enrolment makes a new
        // one: ops queued under the old key keep their order among themselves, not with new ones.
        if (sql.getSecret.get(secretNames.accountKey) && !readAccountKey().ok) {
          sql.putSecret.run({ name: secretNames.accountKey, blob: protector.protect(randomBytes(32)) })
          audit.record({ action: 'settingChanged', detail: { key: 'accountKey', value: 'renewed' }, actor: who.value })
        }
      }).immediate()
      const saved = readEnrolment()
      if (!saved.ok || saved.value === null) throw new Error('Enrolment just saved cannot be read back')
      return ok(saved.value)
    },

    clearEnrolment(actor = null) {
      const who = checkActor(actor)
      if (!who.ok) return who
      db.transaction(() => {
        for (const key of Object.values(enrolmentKeys)) sql.del.run(key)
        sql.delSecret.run(secretNames.hmac)
        audit.record({
          action: 'settingChanged',
          detail: { key: 'enrolment', value: null },
          actor: who.value,
        })
      }).immediate()
      return ok(undefined)
    },

    accountKeySecret() {
      if (!sql.getSecret.get(secretNames.accountKey)) {
        sql.addSecret.run({ name: secretNames.accountKey, blob: protector.protect(randomBytes(32)) })
      }
      return readAccountKey()
    },

    apply,
  }
}
