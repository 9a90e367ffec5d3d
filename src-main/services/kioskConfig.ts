import { z } from 'zod'
import { centralUrlSchema } from './supervisor/kioskSettingsSchema'

/**
 * What testers and operators configure through the environment. Everything else (kiosk name,
 * PIN, timeouts) is set in supervisor mode and kept in the kiosk database.
 */
const envSchema = z.object({
  KIOSK_DATA_DIR: z.string().min(1).optional(),
  KIOSK_CENTRAL_URL: centralUrlSchema.optional(),
  /** "fullscreen" (default), "kiosk" (no way out without supervisor mode) or "window" (development). */
  KIOSK_WINDOW: z.enum(['kiosk', 'fullscreen', 'window']).default('fullscreen'),
  /** Opens devtools and the menu: never set on a kiosk in a hall. */
  KIOSK_DEV: z.enum(['0', '1']).default('0'),
})

export interface KioskConfig {
  dataDir: string
  /** Absent: demo mode, the kiosk starts the reference server itself on loopback. */
  centralUrl: string | null
  windowMode: 'kiosk' | 'fullscreen' | 'window'
  dev: boolean
}

export type ConfigResult = { ok: true; config: KioskConfig } | { ok: false; message: string }

export function readKioskConfig(env: Record<string, string | undefined>, defaultDataDir: string): ConfigResult {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return { ok: false, message: `Invalid ${String(issue?.path[0] ?? 'environment')}: ${issue?.message ?? ''}` }
  }
  const values = parsed.data
  return {
    ok: true,
    config: {
      dataDir: values.KIOSK_DATA_DIR ?? defaultDataDir,
      // centralUrlSchema has already dropped any trailing slash.
      centralUrl: values.KIOSK_CENTRAL_URL ?? null,
      windowMode: values.KIOSK_WINDOW,
      dev: values.KIOSK_DEV === '1',
    },
  }
}
