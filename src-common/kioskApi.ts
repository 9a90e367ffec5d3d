import { z } from 'zod'
import { kioskErrorSchema, type KioskError, type Result } from './errors'
import { fields } from './fields'
import { operationKindSchema, receiptCodeSchema } from './operations'
import { opStatuses, type OpStatusShown } from './opStatuses'

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
  /** The last failed push or probe, and when (the dashboard shows it beside the last successful sync). */
  lastError: z.object({ error: kioskErrorSchema, at: z.string() }).nullable(),
  /**
   * How far the central server's clock is ahead of this kiosk's, in seconds (negative: behind); 0
   * within 2 s or before the server has answered. Sync goes by the server's time whatever it is; the
   * dashboard asks staff to set the kiosk's clock, which every time the kiosk shows comes from.
   */
  clockOffsetSec: z.number().int(),
})
export type SyncSummary = z.infer<typeof syncSummarySchema>

/** The masked account a logged-in candidate sees: all a kiosk ever shows or keeps of it. */
export const maskedAccountSchema = z.object({
  idType: fields.idType,
  /** 110105********002X */
  idNumber: z.string(),
  /** 王* */
  name: z.string(),
  /** 138****8000 */
  mobile: z.string().nullable(),
  /** a***@example.com */
  email: z.string().nullable(),
  mobileVerified: z.boolean(),
  emailVerified: z.boolean(),
  /** A new email waiting for verifyEmail (masked), if any. */
  pendingEmail: z.string().nullable(),
})
export type MaskedAccount = z.infer<typeof maskedAccountSchema>

export const opStatusSchema = z.enum(opStatuses)
export type { OpStatusShown }

/** One operation as the candidate's screens see it: receipt, status, and the server's answer if any. */
export const opOutcomeSchema = z.object({
  id: z.string(),
  kind: operationKindSchema,
  receipt: receiptCodeSchema,
  status: opStatusSchema,
  error: kioskErrorSchema.nullable(),
  updatedAt: z.string(),
})
export type OpOutcome = z.infer<typeof opOutcomeSchema>

/**
 * The most keys and the longest string an operation's payload may carry: far above what any screen
 * sends (a registration has 9 fields, an appeal's statement at most 1000 characters), far below what
 * stalls main.
 */
export const formPayloadLimits = { keys: 32, stringLength: 10_000 } as const

/**
 * A form as a screen sends it: strings, numbers, booleans and nulls, with one nested level (what an
 * attestation would look like, so that main can say who may send one). Checked before anything walks
 * it: a 20-million-character name kept main busy for 16 s (masked for the summary, then normalised by
 * the name rule), with every call, the sync engine and the idle timers waiting behind it.
 */
function isFormPayload(value: unknown, nested = false): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const keys = Object.keys(value)
  if (keys.length > formPayloadLimits.keys) return false
  return keys.every((key) => {
    if (key.length > 64) return false
    const field: unknown = (value as Record<string, unknown>)[key]
    if (typeof field === 'string') return field.length <= formPayloadLimits.stringLength
    if (typeof field === 'object' && field !== null) return !nested && isFormPayload(field, true)
    return field === undefined || field === null || typeof field === 'number' || typeof field === 'boolean'
  })
}
const formPayload = z.custom<Record<string, unknown>>((value) => isFormPayload(value), { error: 'payload.size' })

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

/** The settings staff change in supervisor mode (bounds are checked by main's settings store). */
export const kioskSettingsSchema = z.object({
  kioskName: z.string(),
  examCentre: z.string(),
  centralUrl: z.string().nullable(),
  idleTimeoutSec: z.number().int(),
  idleWarningSec: z.number().int(),
  supervisorIdleTimeoutSec: z.number().int(),
  defaultLocale: localeSchema,
  retentionDays: z.number().int(),
})
export type KioskSettingsView = z.infer<typeof kioskSettingsSchema>

/**
 * A change in 设置. The settings store holds each value to its own bounds and says which one is off;
 * these only keep a value no screen could send (megabytes of kiosk name) from reaching it.
 */
const settingsPatchSchema = kioskSettingsSchema
  .extend({ kioskName: z.string().max(1000), examCentre: z.string().max(1000), centralUrl: z.string().max(4096).nullable() })
  .partial()

/**
 * 设置's settings, and whether the central URL is the deployment's (KIOSK_CENTRAL_URL): then it is
 * the only server this kiosk enrols with, and 设置 shows it read-only.
 */
export const settingsPageSchema = kioskSettingsSchema.extend({ centralUrlFixed: z.boolean() })

/** One op in the supervisor's list: masked values only. */
export const supervisorOpSchema = z.object({
  id: z.string(),
  kind: operationKindSchema,
  receipt: receiptCodeSchema,
  status: opStatusSchema,
  summary: z.record(z.string(), z.string()),
  attempts: z.number().int(),
  /** Staff may cancel it: waiting, and never pushed in a way the server may have taken (sync/outbox.ts). */
  cancellable: z.boolean(),
  nextAttemptAt: z.string().nullable(),
  lastError: kioskErrorSchema.nullable(),
  stuck: z.boolean(),
  blockedBy: z.string().nullable(),
  /** The receipt of the op it waits behind, which may be on another page of the list. */
  blockedByReceipt: z.string().nullable(),
  cancelReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type SupervisorOp = z.infer<typeof supervisorOpSchema>

export const cancelReasonSchema = z.enum(['candidateRequest', 'duplicate', 'wrongData', 'expired', 'other'])

/** Who on the staff attests an on-site service (recorded on the op and in the audit log). */
// Bounded here; the PIN pad and main check them with staffRule.ts and say which one is wrong.
const staff = { staffId: z.string().trim().min(1).max(64), staffName: z.string().trim().min(1).max(64) }

export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.object({ staffId: z.string().optional(), name: z.string().optional() }).nullable(),
  /** A row without staff: written by the first set-up, or by the kiosk itself. */
  by: z.enum(['setup', 'kiosk']).optional(),
  action: z.string(),
  detail: z.record(z.string(), z.unknown()),
})

export const supervisorStateSchema = z.object({
  active: z.boolean(),
  expiresAt: z.string().nullable(),
  /** The PIN pad's lock: seconds left, 0 when not locked. */
  lockedForSec: z.number().int().nonnegative(),
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
      z.object({ account: maskedAccountSchema, loginId: z.string().max(64) }),
    ),
    /**
     * 退出: the visit ends in main (session, verified codes, captchas). With `loginId`, only the session
     * that log-in made ends, if it is still the one held: a log-in answered after the candidate left
     * 登录, whose next screen keeps what it has.
     */
    logout: call(z.strictObject({ loginId: z.string().max(64).optional() }), z.object({ loggedOut: z.literal(true) })),
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
        payload: formPayload,
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
  setup: {
    /**
     * First start: has the wizard been completed? Demo mode pre-fills the wizard's values;
     * centralUrlFixed: the deployment set KIOSK_CENTRAL_URL, the only address setup.complete takes.
     */
    status: call(
      none,
      z.object({
        setUp: z.boolean(),
        demo: z.boolean(),
        centralUrlFixed: z.boolean(),
        prefill: z.object({ kioskName: z.string(), examCentre: z.string(), centralUrl: z.string().nullable() }),
      }),
    ),
    /** The wizard: stores settings and the PIN (argon2id), and enrols with the central API unless demo. */
    complete: call(
      z.strictObject({
        kioskName: z.string().trim().min(1).max(64),
        examCentre: z.string().trim().min(1).max(128),
        centralUrl: z.string().trim().max(300).nullable(),
        enrolmentCode: z.string().trim().max(64).optional(),
        pin: z.string().max(32),
      }),
      z.object({ done: z.literal(true) }),
    ),
  },
  supervisor: {
    state: call(none, supervisorStateSchema),
    /** The PIN pad. Wrong PINs lock out with growing delay, kept across restarts. */
    enter: call(z.strictObject({ pin: z.string().max(64), ...staff }), supervisorStateSchema),
    leave: call(none, supervisorStateSchema),
    /**
     * Staff touched or typed: restarts supervisor mode's idle countdown. Only this and the calls that
     * change something do; the reads a screen repeats by itself (dashboard, lists) do not.
     */
    activity: call(none, z.object({ active: z.literal(true) })),
    dashboard: call(
      none,
      z.object({
        sync: syncSummarySchema,
        stuck: z.number().int(),
        settings: kioskSettingsSchema,
        /** No OS keychain: the kiosk's secrets are sealed with a key file beside kiosk.db (staff are told). */
        secretsInKeyFile: z.boolean(),
        /**
         * Null while candidates may submit; else the kiosk's limit on candidates' ops in a window
         * was reached (ops.perKiosk, sent to staff), and a place frees in `freeInSec`.
         */
        candidateOpsLimited: z.object({ limit: z.number().int(), windowMinutes: z.number().int(), freeInSec: z.number().int() }).nullable(),
      }),
    ),
    listOps: call(
      z.strictObject({
        status: opStatusSchema.optional(),
        /** Only the ops the dashboard counts as 多次失败的业务. */
        stuck: z.boolean().optional(),
        receipt: z.string().trim().max(16).optional(),
        limit: z.number().int().min(1).max(200).default(50),
        offset: z.number().int().min(0).default(0),
      }),
      /** total: how many ops match the filter, for the pager. */
      z.object({ ops: z.array(supervisorOpSchema), total: z.number().int().nonnegative() }),
    ),
    syncNow: call(none, syncSummarySchema),
    pause: call(none, syncSummarySchema),
    resume: call(none, syncSummarySchema),
    cancelOp: call(z.strictObject({ id: z.string().max(64), reason: cancelReasonSchema }), supervisorOpSchema),
    retryOp: call(z.strictObject({ id: z.string().max(64) }), supervisorOpSchema),
    /** On-site reset: staff checked the physical ID document instead of an SMS code. */
    attestedReset: call(
      z.strictObject({
        idType: fields.idType,
        idNumber: z.string().max(32),
        name: z.string().max(64),
        newPassword: z.string().max(64),
        confirmPassword: z.string().max(64),
      }),
      opOutcomeSchema,
    ),
    /** 信息占用申诉 filed by staff on the candidate's behalf. */
    fileAppeal: call(z.strictObject({ payload: formPayload }), opOutcomeSchema),
    getSettings: call(none, settingsPageSchema),
    updateSettings: call(z.strictObject({ patch: settingsPatchSchema }), kioskSettingsSchema),
    /** A new central URL or a fresh enrolment code: the kiosk enrols again. */
    reenrol: call(z.strictObject({ centralUrl: z.string().trim().max(300), enrolmentCode: z.string().trim().max(64) }), z.object({ enrolled: z.literal(true) })),
    changePin: call(z.strictObject({ oldPin: z.string().max(64), newPin: z.string().max(64) }), z.object({ changed: z.literal(true) })),
    audit: call(
      z.strictObject({ limit: z.number().int().min(1).max(500).default(50), offset: z.number().int().min(0).default(0) }),
      z.object({ total: z.number().int(), entries: z.array(auditEntrySchema) }),
    ),
    verifyAudit: call(none, z.object({ intact: z.boolean(), firstBrokenId: z.number().int().nullable(), rows: z.number().int().nullable() })),
    /**
     * Writes the audit log as CSV (UTF-8 with a BOM, for Excel) to the kiosk's export folder (the
     * OS's Downloads folder) and says where: no Save dialog, which would be a file browser on a kiosk.
     */
    exportAudit: call(none, z.object({ fileName: z.string(), savedTo: z.string() })),
    /** Exit to desktop or quit: only from supervisor mode. */
    quit: call(z.strictObject({ to: z.enum(['quit', 'desktop']) }), z.object({ quitting: z.literal(true) })),
  },
  dev: {
    /** Demo mode only: what the development message sink received (the simulated phone and mailbox). */
    messages: call(z.strictObject({ to: z.string().max(254).optional() }), z.object({ messages: z.array(devMessageSchema) })),
    /**
     * Demo mode only: the answer of a live captcha, for Playwright for Electron, which cannot read it
     * off the image (BAD_CAPTCHA once it is used or expired).
     */
    captcha: call(z.strictObject({ captchaId: captchaAnswer.captchaId }), z.object({ answer: z.string() })),
    /**
     * Demo mode only: the demo centre decides the appeal with this receipt (what `npm run server --
     * appeals accept|reject` does to a real one), and this kiosk records the decision at once
     * (OP_NOT_FOUND when no appeal of this kiosk with that receipt is under review there).
     */
    decideAppeal: call(
      z.strictObject({ receipt: z.string().trim().min(1).max(16), decision: z.enum(['accept', 'reject']) }),
      z.object({ decided: z.literal(true) }),
    ),
  },
} as const

export const kioskEvents = {
  syncSummary: syncSummarySchema,
  opChanged: opOutcomeSchema,
  /** Supervisor mode entered or left (including by itself after idle). */
  supervisorChanged: supervisorStateSchema,
  /**
   * Main ended the candidate's visit itself (what app.wipe does): nobody called or touched anything
   * for well past the screen's own idle timeout, which never wiped. The screen wipes and goes home.
   */
  visitEnded: z.object({ reason: z.literal('idle') }),
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
    if (!Object.hasOwn(kioskEvents, event)) throw new Error(`unknown kiosk event ${event}`)
    return transport.subscribe(eventChannel(event), listener)
  }
  return api as KioskApi
}
