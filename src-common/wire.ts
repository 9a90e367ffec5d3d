import { z } from 'zod'
import { kioskErrorSchema } from './errors'
import { maskedAccountSchema } from './kioskApi'
import { operationKindSchema, occupiedIdentifiers, receiptCodeSchema } from './operations'
import { fields } from './fields'
import { seal, type SealedBox } from './sealing'

/**
 * The wire protocol between a kiosk and the central passport API (server/). Both sides parse with
 * these schemas; the OpenAPI document served at /openapi.json is generated from them.
 * Every /v1 route except health, keys and enrolment is signed (see requestSigning.ts).
 */

export const apiPaths = {
  health: '/v1/health',
  keys: '/v1/keys',
  enroll: '/v1/kiosks/enroll',
  ops: '/v1/ops',
  /** GET /v1/ops/:id — the current result of one op (used to poll deferred ops such as appeals). */
  opStatus: '/v1/ops/:id',
  /**
   * GET /v1/receipts/:code — an op looked up by its receipt code. With ?op=<op id>, only that op: a
   * kiosk following its own op after re-enrolment is not answered with another kiosk's that drew the
   * same code.
   */
  receipt: '/v1/receipts/:code',
  /** Interactive calls (online only, signed, body sealed: see sealedRequest below). */
  smsSend: '/v1/sms/send',
  smsVerify: '/v1/sms/verify',
  emailSend: '/v1/email/send',
  emailCheck: '/v1/email/check',
  login: '/v1/session/login',
  logout: '/v1/session/logout',
  account: '/v1/session/account',
  /** Public, unsigned. */
  openapi: '/openapi.json',
  /** Only with --dev: every SMS and email the server "sent". GET, optional ?to=<mobile or email>. */
  devOutbox: '/dev/outbox',
  /** Only with --dev: POST {} -> { code } a fresh enrolment code (the kiosk's demo mode enrols itself). */
  devEnrollCode: '/dev/enroll-code',
} as const

export const healthResponse = z.object({ ok: z.literal(true), time: z.string() })

export const keysResponse = z.object({
  suite: z.string(),
  keyId: z.string(),
  publicKey: z.string(),
})

export const enrollRequest = z.strictObject({
  code: z.string().trim().min(8).max(64),
  name: z.string().trim().min(1).max(100),
})
export const enrollResponse = z.object({
  kioskId: z.string(),
  /** base64url HMAC key: the kiosk keeps it sealed at rest and never shows it. */
  secret: z.string(),
  keyId: z.string(),
  publicKey: z.string(),
})

export const sealedBoxSchema = z.strictObject({
  enc: z.string().max(256),
  ct: z.string().max(64_000),
  /** Present on epoch boxes (queued ops), see src-common/sealing.ts openSealingEpoch. */
  n: z.string().max(32).optional(),
})

export const wireOpSchema = z.strictObject({
  /** UUIDv7: the idempotency key. */
  id: z.string().uuid(),
  kind: operationKindSchema,
  receipt: receiptCodeSchema,
  /** When the candidate submitted it on the kiosk (ISO). */
  createdAt: z.string().datetime(),
  /** Keyed hash of the account's ID number (per-kiosk key): orders ops of one account. */
  accountKey: z.string().max(128).optional(),
  keyId: z.string(),
  clear: z.record(z.string(), z.unknown()),
  sealed: sealedBoxSchema,
})
export type WireOp = z.infer<typeof wireOpSchema>

export const maxOpsPerBatch = 500
export const maxBatchBytes = 1_000_000

export const opsRequest = z.strictObject({ ops: z.array(wireOpSchema).min(1).max(maxOpsPerBatch) })

/**
 * What an applied op's result may carry: ids and flags, nothing personal. The kiosk stores it, so
 * anything else a server sends is dropped, not kept at rest.
 */
export const appliedResultSchema = z.object({
  accountId: z.string().max(64).optional(),
  appealId: z.string().max(64).optional(),
  emailPending: z.boolean().optional(),
  decision: z.literal('accepted').optional(),
})

export const opResultSchema = z.discriminatedUnion('status', [
  z.object({ id: z.string(), status: z.literal('applied'), result: appliedResultSchema.default({}) }),
  z.object({ id: z.string(), status: z.literal('rejected'), error: kioskErrorSchema }),
  /** Accepted and stored, outcome decided later (appeals): poll GET /v1/ops/:id. */
  z.object({ id: z.string(), status: z.literal('pending') }),
])
export type OpResult = z.infer<typeof opResultSchema>

/**
 * One result per op, in batch order. Every answer is final and stored, except a rejection with
 * code INTERNAL (a server fault: nothing was stored or applied; resend the op later).
 * An appeal is 'pending' until decided: then 'applied' with { appealId, decision: 'accepted' }, or
 * 'rejected' with the occupied code (ID_OCCUPIED / MOBILE_OCCUPIED / EMAIL_OCCUPIED).
 */
export const opsResponse = z.object({ results: z.array(opResultSchema) })

/** The receipt lookup's query: `op`, the id of the one op asked about (see apiPaths.receipt). */
export const receiptQuery = z.strictObject({ op: z.string().uuid().optional() })

export const receiptResponse = z.object({
  // A code and nothing else: the kiosk shows it as a QR code under 扫码查询进度.
  receipt: receiptCodeSchema,
  kind: operationKindSchema,
  status: z.enum(['applied', 'rejected', 'pending']),
  error: kioskErrorSchema.optional(),
  updatedAt: z.string(),
})

/** Any non-2xx answer carries one error value. */
export const errorResponse = z.object({ error: kioskErrorSchema })

/*
 * ---------------------------------------------------------------------------------------------
 * HTTP conventions
 * - Every non-2xx answer is errorResponse. Read error.code, not the status; the statuses are:
 *   400 BAD_REQUEST / INVALID_FIELD (field names the offending field) / WEAK_PASSWORD,
 *   401 UNAUTHORIZED (signature, unknown kiosk, skew, replayed nonce) / NOT_ENROLLED (bad enrolment code),
 *   403 SESSION_EXPIRED / BAD_CREDENTIALS / BAD_SMS_CODE / SMS_CODE_EXPIRED / BAD_EMAIL_CODE,
 *   404 OP_NOT_FOUND, 413 BAD_REQUEST (body over maxBatchBytes),
 *   423 ACCOUNT_LOCKED (retryAfter), 429 SMS_RATE_LIMITED / RATE_LIMITED (retryAfter), 500 INTERNAL.
 * - Unknown fields are rejected (400 BAD_REQUEST) everywhere.
 * - A rejected signed request changes nothing on the server.
 * ---------------------------------------------------------------------------------------------
 */

export const httpStatusOf: Record<string, number> = {
  BAD_REQUEST: 400,
  INVALID_FIELD: 400,
  WEAK_PASSWORD: 400,
  UNAUTHORIZED: 401,
  NOT_ENROLLED: 401,
  SESSION_EXPIRED: 403,
  BAD_CREDENTIALS: 403,
  BAD_SMS_CODE: 403,
  SMS_CODE_EXPIRED: 403,
  BAD_EMAIL_CODE: 403,
  VERIFICATION_REQUIRED: 403,
  ACCOUNT_NOT_FOUND: 404,
  OP_NOT_FOUND: 404,
  ACCOUNT_LOCKED: 423,
  SMS_RATE_LIMITED: 429,
  RATE_LIMITED: 429,
}

/** GET /v1/ops/:id answers the op's stored result (200) or 404 OP_NOT_FOUND (only ops of the asking kiosk). */
export const opStatusResponse = opResultSchema

/*
 * Interactive calls. Their bodies carry secrets and personal data (passwords, ID numbers, codes,
 * mobiles), so the body is one sealed box with the same HPKE suite as ops:
 *   body = sealedRequest { requestId: UUID, keyId, sealed }
 *   plaintext = the route's payload schema below, as JSON
 *   AAD = requestAad(requestId, route, kioskId, timestamp): the route is the apiPaths key ('smsSend',
 *   'login', ...); kioskId and timestamp are those of the request's signature headers.
 * The request is also signed like every /v1 call. Answers are plain JSON (only masked data).
 * Binding the box to the signing kiosk and the signature's time means a body seen on the way (at a
 * TLS-terminating proxy, say) cannot be sent again by another kiosk, nor later by any: the signature
 * keeps its timestamp within the allowed skew, and its nonce is single use.
 * Use sealRequestBody() to build one.
 */
export const sealedRequest = z.strictObject({
  requestId: z.string().uuid(),
  keyId: z.string().max(64),
  sealed: sealedBoxSchema,
})
export type SealedRequest = z.infer<typeof sealedRequest>

export type InteractiveRoute = 'smsSend' | 'smsVerify' | 'emailSend' | 'emailCheck' | 'login' | 'logout' | 'account'

/** Who signs the request that carries the box, and when (its signature's kiosk id and timestamp). */
export interface RequestSigner {
  kioskId: string
  timestamp: number
}

export function requestAad(requestId: string, route: InteractiveRoute, signer: RequestSigner): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${requestId}\n${route}\n${signer.kioskId}\n${signer.timestamp}`)
}

export async function sealRequestBody(
  publicKey: string,
  keyId: string,
  route: InteractiveRoute,
  payload: unknown,
  signer: RequestSigner,
): Promise<SealedRequest> {
  const requestId = crypto.randomUUID()
  const sealed: SealedBox = await seal(publicKey, payload, requestAad(requestId, route, signer))
  return { requestId, keyId, sealed }
}

/** What an SMS code is for: a code or token of one purpose is not accepted for another. */
export const smsPurposes = ['register', 'resetPassword', 'changeMobile', 'verifyMobile', 'updateProfile'] as const
export const smsPurposeSchema = z.enum(smsPurposes)
export type SmsPurpose = (typeof smsPurposes)[number]

/**
 * POST /v1/sms/send. 6 random digits, valid smsCodeTtlSeconds, single use, void after 5 wrong tries
 * or when a new one is sent. At most one send per mobile per 60 s and 10 per day, and a per-kiosk
 * cap per hour: 429 SMS_RATE_LIMITED with retryAfter. For 'resetPassword' the answer is the same
 * whether or not an account holds the mobile (a code is only really sent when one does).
 */
export const smsSendPayload = z.strictObject({ mobile: fields.mobile, purpose: smsPurposeSchema, sessionToken: fields.token.optional() })
/**
 * Codes that prove the logged-in account's own mobile (or email): the request carries the
 * candidate's sessionToken, and the server sends only to the account's own address. Otherwise a
 * digit mistyped under the masked 138****8000 would send the code to a stranger, and no code could
 * ever work. No session: SESSION_EXPIRED; another address: INVALID_FIELD mobile.notAccount /
 * email.notAccount. Nothing is sent either way.
 */
export const ownAddressPurposes: ReadonlySet<string> = new Set(['updateProfile', 'verifyMobile', 'verifyEmail'])
/**
 * Codes whose request carries the logged-in candidate's sessionToken: those of ownAddressPurposes
 * (required there), and a new mobile's (changeMobile), so that the server refuses the account's own
 * number before it sends a code (INVALID_FIELD mobile.sameAsCurrent) instead of "changing" it to itself.
 */
export const sessionPurposes: ReadonlySet<string> = new Set([...ownAddressPurposes, 'changeMobile'])
export const smsSendResponse = z.object({
  sent: z.literal(true),
  /** Seconds the code stays valid. */
  expiresIn: z.number().int(),
  /** Seconds before another code may be requested for this mobile. */
  resendAfter: z.number().int(),
})
export const smsCodeTtlSeconds = 600

/**
 * POST /v1/sms/verify: checks (and consumes) the code; returns a verification token bound to the
 * mobile and purpose, usable once in an op (verificationToken) or in login-free flows.
 * 403 BAD_SMS_CODE (wrong; counts a try) / SMS_CODE_EXPIRED (expired, used, voided or 5 wrong tries).
 */
export const smsVerifyPayload = z.strictObject({ mobile: fields.mobile, purpose: smsPurposeSchema, code: fields.smsCode })
export const smsVerifyResponse = z.object({
  verificationToken: z.string(),
  /** ISO time after which an op created later no longer accepts the token. */
  expiresAt: z.string(),
})
export const verificationTokenTtlSeconds = 30 * 60

export const emailPurposes = ['resetPassword', 'verifyEmail'] as const
export const emailPurposeSchema = z.enum(emailPurposes)
export type EmailPurpose = (typeof emailPurposes)[number]

/**
 * POST /v1/email/send: a mail with a link and a typeable code (valid 10 min, single use, 5 tries).
 * 'resetPassword': sent only when an account holds the email, answered the same either way.
 * 'verifyEmail': sent to the logged-in account's email or its pending new one (ownAddressPurposes).
 * Same rate limits as SMS (429 SMS_RATE_LIMITED).
 */
export const emailSendPayload = z.strictObject({ email: fields.email, purpose: emailPurposeSchema, sessionToken: fields.token.optional() })
export const emailSendResponse = z.object({ sent: z.literal(true), expiresIn: z.number().int(), resendAfter: z.number().int() })
export const emailCodeTtlSeconds = 600

/**
 * POST /v1/email/check: is this code right for this email now? Does NOT consume it (the op
 * resetPassword{method:'email'} / verifyEmail does). A wrong code counts a try. 403 BAD_EMAIL_CODE.
 */
export const emailCheckPayload = z.strictObject({ email: fields.email, purpose: emailPurposeSchema, code: fields.emailCode })
export const emailCheckResponse = z.object({ valid: z.literal(true) })

/** The central API's masked account: the kiosk's masked account, with its id and creation time. */
export const accountSummary = maskedAccountSchema.extend({
  accountId: z.string(),
  createdAt: z.string(),
})
export type AccountSummary = z.infer<typeof accountSummary>

/**
 * POST /v1/session/login. A failed login answers 403 BAD_CREDENTIALS the same way and in about the
 * same time whether or not the account exists. The 5th failure locks the account (1 min, doubling
 * with each further one) and is itself answered 423 ACCOUNT_LOCKED with retryAfter, as every try
 * while locked is; a lock never blocks the reset path, and a reset lifts it.
 */
export const loginPayload = z.strictObject({
  idType: fields.idType.optional(),
  idNumber: fields.idNumber,
  password: z.string().min(1).max(64),
})
export const loginResponse = z.object({
  sessionToken: z.string(),
  expiresAt: z.string().datetime({ offset: true }),
  account: accountSummary,
})
export const sessionTtlSeconds = 30 * 60

/** POST /v1/session/logout: always { ok: true } (an unknown or ended session is already logged out). */
export const logoutPayload = z.strictObject({ sessionToken: fields.token })
export const logoutResponse = z.object({ ok: z.literal(true) })

/** POST /v1/session/account: the masked summary of the session's account, or 403 SESSION_EXPIRED. */
export const accountPayload = z.strictObject({ sessionToken: fields.token })
export const accountResponse = z.object({ account: accountSummary })

/** Op results (the `result` of an applied op) per kind. */
export const registerResult = z.object({ accountId: z.string() })
export const appealResult = z.object({ appealId: z.string() })
/** updateProfile: emailPending is true when a new email waits for verifyEmail. */
export const updateProfileResult = z.object({ accountId: z.string(), emailPending: z.boolean() })

/** An appeal's decision, as reported by GET /v1/ops/:id (rejected -> error ID/MOBILE/EMAIL_OCCUPIED stays the reason). */
export const appealStatuses = ['pending', 'accepted', 'rejected'] as const
export const occupiedIdentifierSchema = z.enum(occupiedIdentifiers)

/** --dev only: GET /dev/outbox[?to=] */
export const devOutboxMessage = z.object({
  id: z.number().int(),
  channel: z.enum(['sms', 'email']),
  to: z.string(),
  subject: z.string().nullable(),
  text: z.string(),
  /** The code in the message, when it carries one (so demo mode and tests need not parse text). */
  code: z.string().nullable(),
  link: z.string().nullable(),
  createdAt: z.string(),
})
export const devOutboxResponse = z.object({ messages: z.array(devOutboxMessage) })
/** --dev only: POST /dev/enroll-code {name?} */
export const devEnrollCodeRequest = z.strictObject({ name: z.string().trim().min(1).max(100).optional() })
export const devEnrollCodeResponse = z.object({ code: z.string() })
