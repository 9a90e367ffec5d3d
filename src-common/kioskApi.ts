import { z } from 'zod'
import { kioskErrorSchema, type KioskError, type Result } from './errors'
import { fields } from './fields'
import { operationKindSchema } from './operations'

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

/** The masked account a logged-in candidate sees (same shape as the central API's summary). */
export const maskedAccountSchema = z.object({
  idType: fields.idType,
  idNumber: z.string(),
  name: z.string(),
  mobile: z.string().nullable(),
  email: z.string().nullable(),
  mobileVerified: z.boolean(),
  emailVerified: z.boolean(),
  pendingEmail: z.string().nullable(),
})
export type MaskedAccount = z.infer<typeof maskedAccountSchema>

export const opStatusSchema = z.enum(['queued', 'sending', 'pending', 'applied', 'rejected', 'blocked', 'cancelled'])

/** One operation as the candidate's screens see it: receipt, status, and the server's answer if any. */
export const opOutcomeSchema = z.object({
  id: z.string(),
  kind: operationKindSchema,
  receipt: z.string(),
  status: opStatusSchema,
  error: kioskErrorSchema.nullable(),
  updatedAt: z.string(),
})
export type OpOutcome = z.infer<typeof opOutcomeSchema>

const captchaAnswer = { captchaId: z.string().min(1).max(64), captcha: z.string().trim().min(1).max(8) }
const smsPurpose = z.enum(['register', 'resetPassword', 'changeMobile', 'verifyMobile', 'updateProfile'])
const emailPurpose = z.enum(['resetPassword', 'verifyEmail'])

export const devMessageSchema = z.object({
  channel: z.enum(['sms', 'email']),
  to: z.string(),
  text: z.string(),
  code: z.string().nullable(),
  createdAt: z.string(),
})

export const kioskCalls = {
  app: {
    info: call(none, appInfoSchema),
    /** Idle timeout or log-out: main forgets the candidate's session and every in-memory form value. */
    wipe: call(none, z.object({ wiped: z.literal(true) })),
  },
  captcha: {
    /** An image captcha made locally; single use: any answer (right or wrong) consumes it. */
    create: call(none, z.object({ captchaId: z.string(), image: z.string().startsWith('data:image/svg+xml') })),
  },
  sms: {
    /** 发送验证码: online only. */
    send: call(z.strictObject({ mobile: z.string().max(20), purpose: smsPurpose }), z.object({ resendAfter: z.number().int() })),
    /** Checks the code online; main keeps the verification token for this candidate's next op. */
    verify: call(
      z.strictObject({ mobile: z.string().max(20), purpose: smsPurpose, code: z.string().max(10) }),
      z.object({ verified: z.literal(true) }),
    ),
  },
  email: {
    send: call(z.strictObject({ email: z.string().max(254), purpose: emailPurpose }), z.object({ resendAfter: z.number().int() })),
  },
  reset: {
    /** 重置密码 step one: mobile or email + captcha. By email, the link and code are sent now. */
    start: call(
      z.strictObject({ identifier: z.string().trim().min(1).max(254), ...captchaAnswer }),
      z.object({ method: z.enum(['sms', 'email']), identifier: z.string() }),
    ),
  },
  auth: {
    /** CET报名登录: province, ID number, password, captcha. */
    login: call(
      z.strictObject({ province: z.string().min(1).max(16), idNumber: z.string().max(32), password: z.string().max(64), ...captchaAnswer }),
      z.object({ account: maskedAccountSchema }),
    ),
    logout: call(none, z.object({ loggedOut: z.literal(true) })),
    account: call(none, z.object({ account: maskedAccountSchema })),
  },
  ops: {
    /**
     * Validates, seals and commits the op to the outbox, then waits up to waitMs for the server's
     * answer. Session ops get the session token from main; SMS-verified ops get the token from
     * sms.verify. Resets and password changes carry a captcha.
     */
    submit: call(
      z.strictObject({
        kind: operationKindSchema,
        payload: z.record(z.string(), z.unknown()),
        captchaId: captchaAnswer.captchaId.optional(),
        captcha: captchaAnswer.captcha.optional(),
        waitMs: z.number().int().min(0).max(15_000).default(6_000),
      }),
      opOutcomeSchema,
    ),
    /** 查询办理进度: by receipt code, on this kiosk first, then at the central API. */
    lookup: call(z.strictObject({ receipt: z.string().trim().min(1).max(16) }), opOutcomeSchema),
  },
  sync: {
    status: call(none, syncSummarySchema),
  },
  dev: {
    /** Demo mode only: what the development message sink received (the simulated phone and mailbox). */
    messages: call(z.strictObject({ to: z.string().max(254).optional() }), z.object({ messages: z.array(devMessageSchema) })),
  },
} as const

export const kioskEvents = {
  syncSummary: syncSummarySchema,
  opChanged: opOutcomeSchema,
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
