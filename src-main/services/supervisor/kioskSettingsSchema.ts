import { z } from 'zod'
import { isTrustedCentralUrl } from '../../../src-common/centralUrl'

/** No control characters (they would break the CSV export and the screens) and no leading spaces. */
const label = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((value) => !/\p{Cc}/u.test(value), 'control characters')

/**
 * https (http to this machine only: see isTrustedCentralUrl), no user:password@ (a secret in a setting
 * would end up in the audit log). Not a URL at all stops at the first check: zod runs the later ones
 * anyway otherwise, and `new URL` throws.
 */
export const centralUrlSchema = z
  .url({ protocol: /^https?$/, abort: true })
  .max(2048)
  .refine((value) => {
    const url = new URL(value)
    return url.username === '' && url.password === ''
  }, 'credentials in URL')
  .refine(isTrustedCentralUrl, 'https required')
  .transform((value) => value.replace(/\/+$/, ''))

/** What a supervisor can change, with the bounds the settings screen must respect. */
export const kioskSettingFields = {
  kioskName: label(64),
  examCentre: label(128),
  /** null: demo mode, the kiosk runs the reference server itself on loopback. */
  centralUrl: centralUrlSchema.nullable(),
  /** A candidate's screen is wiped after this many idle seconds... */
  idleTimeoutSec: z.number().int().min(30).max(3600),
  /** ...after a warning shown this many seconds before. */
  idleWarningSec: z.number().int().min(5).max(300),
  /** Supervisor mode leaves by itself after this many idle seconds. */
  supervisorIdleTimeoutSec: z.number().int().min(15).max(3600),
  defaultLocale: z.enum(['zh-CN', 'en']),
  /** How long tombstones of final ops are kept. */
  retentionDays: z.number().int().min(1).max(3650),
}

export type KioskSettingKey = keyof typeof kioskSettingFields
export const kioskSettingKeys = Object.keys(kioskSettingFields) as KioskSettingKey[]

export interface KioskSettings {
  /** Empty until set-up. */
  kioskName: string
  /** Empty until set-up. */
  examCentre: string
  centralUrl: string | null
  idleTimeoutSec: number
  idleWarningSec: number
  supervisorIdleTimeoutSec: number
  defaultLocale: 'zh-CN' | 'en'
  retentionDays: number
}

export const defaultKioskSettings: Readonly<KioskSettings> = {
  kioskName: '',
  examCentre: '',
  centralUrl: null,
  idleTimeoutSec: 120,
  idleWarningSec: 20,
  supervisorIdleTimeoutSec: 60,
  defaultLocale: 'zh-CN',
  retentionDays: 30,
}

export const kioskSettingsPatchSchema = z.strictObject(kioskSettingFields).partial()
export type KioskSettingsPatch = z.input<typeof kioskSettingsPatchSchema>

/** Rules across fields, checked on the settings as they would be after a change. */
export function crossFieldProblem(settings: KioskSettings): KioskSettingKey | null {
  if (settings.idleWarningSec >= settings.idleTimeoutSec) return 'idleWarningSec'
  return null
}
