import { z } from 'zod'
import type { KioskError, Result } from './errors'

/**
 * The kiosk API contract: every call the renderer may make to main and every event main sends
 * back, declared once with runtime schemas. The preload exposes exactly this as `window.kiosk`,
 * main registers one handler per call and validates every input against it, the browser test
 * harness builds the same object, and the renderer's types come from here.
 *
 * Adding a call = one entry below + one handler in src-main/services/kioskHandlers.ts.
 */

interface CallSpec<I extends z.ZodType, O extends z.ZodType> {
  input: I
  output: O
}
const call = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O): CallSpec<I, O> => ({ input, output })
const none = z.strictObject({})

export const localeSchema = z.enum(['zh-CN', 'en'])

export const appInfoSchema = z.object({
  version: z.string(),
  /** Demo mode: the kiosk runs the reference server itself and shows the simulated phone/mailbox. */
  demo: z.boolean(),
  kioskName: z.string(),
  examCentre: z.string(),
  defaultLocale: localeSchema,
  idleTimeoutSec: z.number().int().positive(),
  idleWarningSec: z.number().int().positive(),
})
export type AppInfo = z.infer<typeof appInfoSchema>

export const syncSummarySchema = z.object({
  online: z.boolean(),
  paused: z.boolean(),
  depth: z.record(z.string(), z.number().int().nonnegative()),
  oldestQueuedAgeSec: z.number().nonnegative().nullable(),
  lastSyncAt: z.string().nullable(),
  lastError: z.string().nullable(),
})
export type SyncSummary = z.infer<typeof syncSummarySchema>

export const kioskCalls = {
  app: {
    info: call(none, appInfoSchema),
    /** Idle timeout or log-out: main forgets the candidate's session and every in-memory form value. */
    wipe: call(none, z.object({ wiped: z.literal(true) })),
  },
} as const

export const kioskEvents = {
  syncSummary: syncSummarySchema,
} as const

type Calls = typeof kioskCalls
export type KioskNamespace = keyof Calls
export type KioskEventName = keyof typeof kioskEvents

/** Channel names are derived, never written by hand elsewhere. */
export const callChannel = (namespace: string, method: string): string => `kiosk:${namespace}.${method}`
export const eventChannel = (event: string): string => `kiosk-event:${event}`

export function listCallChannels(): { namespace: string; method: string; channel: string }[] {
  return Object.entries(kioskCalls).flatMap(([namespace, methods]) =>
    Object.keys(methods).map((method) => ({ namespace, method, channel: callChannel(namespace, method) })),
  )
}

export type CallInput<N extends KioskNamespace, M extends keyof Calls[N]> = Calls[N][M] extends CallSpec<infer I, z.ZodType>
  ? z.input<I>
  : never
export type CallOutput<N extends KioskNamespace, M extends keyof Calls[N]> = Calls[N][M] extends CallSpec<z.ZodType, infer O>
  ? z.output<O>
  : never
export type EventPayload<E extends KioskEventName> = z.output<(typeof kioskEvents)[E]>

/** What the renderer sees as `window.kiosk`. */
export type KioskApi = {
  [N in KioskNamespace]: {
    [M in keyof Calls[N]]: (input: CallInput<N, M>) => Promise<Result<CallOutput<N, M>>>
  }
} & {
  on<E extends KioskEventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

export interface KioskTransport {
  invoke(channel: string, input: unknown): Promise<unknown>
  subscribe(channel: string, listener: (payload: unknown) => void): () => void
}

const transportError: KioskError = { code: 'INTERNAL' }

/**
 * Builds `window.kiosk` from the contract over a transport (ipcRenderer in the preload, a Playwright
 * binding in the browser harness). The object holds only functions, so contextBridge can expose it.
 */
export function buildKioskApi(transport: KioskTransport): KioskApi {
  const api: Record<string, unknown> = {}
  for (const [namespace, methods] of Object.entries(kioskCalls)) {
    const bound: Record<string, (input: unknown) => Promise<unknown>> = {}
    for (const method of Object.keys(methods)) {
      const channel = callChannel(namespace, method)
      bound[method] = async (input: unknown) => {
        try {
          return await transport.invoke(channel, input ?? {})
        } catch {
          return { ok: false, error: transportError }
        }
      }
    }
    api[namespace] = bound
  }
  api.on = (event: string, listener: (payload: unknown) => void) => {
    if (!(event in kioskEvents)) throw new Error(`unknown kiosk event ${event}`)
    return transport.subscribe(eventChannel(event), listener)
  }
  return api as KioskApi
}
