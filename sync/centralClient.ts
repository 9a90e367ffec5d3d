import http from 'node:http'
import https from 'node:https'
import axios, { type AxiosInstance } from 'axios'
import { z } from 'zod'
import { errorCodeSchema, type KioskError } from '../src-common/errors'
import { clockGrainMs, newNonce, signatureHeaders, signRequest } from '../src-common/requestSigning'
import {
  accountPayload,
  accountResponse,
  apiPaths,
  emailCheckPayload,
  emailCheckResponse,
  emailSendPayload,
  emailSendResponse,
  enrollRequest,
  enrollResponse,
  errorResponse,
  healthResponse,
  keysResponse,
  loginPayload,
  loginResponse,
  logoutPayload,
  logoutResponse,
  opResultSchema,
  receiptResponse,
  sealRequestBody,
  smsSendPayload,
  smsSendResponse,
  smsVerifyPayload,
  smsVerifyResponse,
  type InteractiveRoute,
  type OpResult,
  type RequestSigner,
  type WireOp,
} from '../src-common/wire'

/**
 * The kiosk's HTTP client for the central passport API. Every /v1 call except health, keys and
 * enrolment is signed with the kiosk credential; interactive calls seal their body to the central
 * key. Nothing throws for a network or server problem: each method answers a Result whose error is
 * a src-common value (NETWORK_UNAVAILABLE when no answer came back at all, CENTRAL_UNTRUSTED when
 * the server's TLS certificate failed verification).
 */

export interface KioskCredential {
  kioskId: string
  /** base64url HMAC key issued at enrolment. */
  secret: string
}

export interface CentralClientOptions {
  /** e.g. https://passport.example.cn (a path prefix is allowed). */
  baseUrl: string
  /** Absent until the kiosk is enrolled: signed calls then answer NOT_ENROLLED without a request. */
  credential?: KioskCredential
  /** Needed for the interactive calls, whose bodies are sealed. */
  centralPublicKey?: string
  keyId?: string
  /** Per request. Default 10 s. */
  timeoutMs?: number
  /** The kiosk's clock (epoch ms). Default Date.now; tests set it wrong, as a hall's kiosk may be. */
  now?: () => number
  /** A clock nobody sets (default performance.now), to notice the kiosk's clock being set; for tests. */
  steadyNow?: () => number
}

/** A request body made as the request is sent; `signer` is null for an unsigned call. */
type BodyMaker = (signer: RequestSigner | null) => unknown

/**
 * A failure carries the HTTP status when something answered (null when nothing came back), and
 * `fromServer` when the answer was the central API's own error: a proxy's or a load balancer's page
 * (a 404 while it is redeployed, a WAF's 400) says nothing about an op, so nothing is decided on it.
 * `unsent` when the request certainly never left this machine (no credential, the connection
 * refused, the name not resolved, the certificate refused before a byte of it went): without it, a
 * failure with no answer may have reached the server.
 */
export type CentralResult<T> =
  | { ok: true; value: T }
  | { ok: false; error: KioskError; httpStatus: number | null; fromServer?: boolean; unsent?: boolean }

export type Health = z.infer<typeof healthResponse>
export type Keys = z.infer<typeof keysResponse>
export type Enrollment = z.infer<typeof enrollResponse>
export type Receipt = z.infer<typeof receiptResponse>

export interface CentralClient {
  readonly baseUrl: string
  setCredential(credential: KioskCredential | undefined): void
  setCentralKey(publicKey: string, keyId: string): void
  health(): Promise<CentralResult<Health>>
  keys(): Promise<CentralResult<Keys>>
  enroll(request: z.input<typeof enrollRequest>): Promise<CentralResult<Enrollment>>
  /** `serverTimed`: ops whose createdAt is already in the server's time (the others are in the kiosk's). */
  pushOps(ops: readonly WireOp[], serverTimed?: ReadonlySet<string>): Promise<CentralResult<OpResult[]>>
  opStatus(id: string): Promise<CentralResult<OpResult>>
  /** `opId`: only that op with this code (one's own op followed after re-enrolment), not another kiosk's. */
  receipt(code: string, opId?: string): Promise<CentralResult<Receipt>>
  smsSend(payload: z.input<typeof smsSendPayload>): Promise<CentralResult<z.infer<typeof smsSendResponse>>>
  smsVerify(payload: z.input<typeof smsVerifyPayload>): Promise<CentralResult<z.infer<typeof smsVerifyResponse>>>
  emailSend(payload: z.input<typeof emailSendPayload>): Promise<CentralResult<z.infer<typeof emailSendResponse>>>
  emailCheck(payload: z.input<typeof emailCheckPayload>): Promise<CentralResult<z.infer<typeof emailCheckResponse>>>
  login(payload: z.input<typeof loginPayload>): Promise<CentralResult<z.infer<typeof loginResponse>>>
  logout(payload: z.input<typeof logoutPayload>): Promise<CentralResult<z.infer<typeof logoutResponse>>>
  account(payload: z.input<typeof accountPayload>): Promise<CentralResult<z.infer<typeof accountResponse>>>
  /**
   * How far the central server's clock is ahead of this kiosk's (ms), from the Date header of its
   * answers; 0 until one came, and within the header's one-second grain. Signatures and op times
   * are sent in the server's time, so a kiosk whose clock is wrong still syncs.
   */
  clockOffsetMs(): number
  /** The server's time now, as far as this client knows it (the kiosk's clock plus the offset). */
  serverNow(): number
  /** The server's time now if an answer told it and the kiosk's clock has not been set since; else null. */
  serverTimeIfKnown(): number | null
  /**
   * `listener` is told when an interactive call or a receipt lookup got no answer at all. The sync
   * engine learns of the link only from its own requests: with nothing queued it makes none, and
   * would go on taking the kiosk for online. One listener; a new one replaces it.
   */
  onCallUnanswered(listener: (() => void) | undefined): void
  /** Closes idle keep-alive connections. */
  close(): void
}

/**
 * One op's answer, read on its own: a newer server may answer with what this kiosk does not know (an
 * error code, a field of a result). That must not make the whole batch unreadable, nor the op
 * unanswerable forever. A refusal keeps its code when this kiosk knows it (extras it cannot read are
 * dropped), else it is BAD_REQUEST (which says to start again); an "applied" is applied. An answer
 * that is not an op's answer at all is left out (the op is sent again).
 */
const lenientOpResult = z.unknown().transform((raw, ctx): OpResult => {
  const parsed = opResultSchema.safeParse(raw)
  if (parsed.success) return parsed.data
  const refused = z.object({ id: z.string(), status: z.literal('rejected'), error: z.object({ code: z.string() }) }).safeParse(raw)
  if (refused.success) {
    const known = errorCodeSchema.safeParse(refused.data.error.code)
    return { id: refused.data.id, status: 'rejected', error: { code: known.success ? known.data : 'BAD_REQUEST' } }
  }
  const applied = z.object({ id: z.string(), status: z.literal('applied') }).safeParse(raw)
  if (applied.success) return { id: applied.data.id, status: 'applied', result: {} }
  ctx.addIssue({ code: 'custom', message: 'not an op result' })
  return z.NEVER
})
const lenientOpsResponse = z.object({ results: z.array(z.unknown()) }).transform(({ results }) =>
  results.flatMap((raw) => {
    const one = lenientOpResult.safeParse(raw)
    return one.success ? [one.data] : []
  }),
)

const failure = (error: KioskError, httpStatus: number | null, fromServer = false) =>
  fromServer ? { ok: false as const, error, httpStatus, fromServer } : { ok: false as const, error, httpStatus }
const unsentFailure = (error: KioskError) => ({ ok: false as const, error, httpStatus: null, unsent: true })

/**
 * The longest wait a Retry-After is taken for, in seconds: a day (the SMS daily cap's wait is the
 * longest the server asks for). A longer one (a broken proxy's 99999999999999) is taken as a day,
 * so that no time derived from it leaves the range of a Date.
 */
export const maxRetryAfterSeconds = 24 * 60 * 60

/**
 * Seconds from a Retry-After header (delta-seconds or HTTP date). A date is read against `nowMs`:
 * the answer's own Date header when it has one (the same clock wrote both), not the kiosk's clock,
 * which may be days off.
 */
export function parseRetryAfter(header: unknown, nowMs: number): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return retryAfterWithin(seconds)
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : retryAfterWithin((date - nowMs) / 1000)
}

const retryAfterWithin = (seconds: number) => Math.min(Math.max(0, Math.ceil(seconds)), maxRetryAfterSeconds)

/** The error value for an HTTP answer that is not a success, and whether the server itself gave it. */
function errorOf(status: number, body: string, retryAfterHeader: unknown, nowMs: number): { error: KioskError; fromServer: boolean } {
  let error: KioskError | undefined
  try {
    const parsed = errorResponse.safeParse(JSON.parse(body))
    if (parsed.success) error = parsed.data.error
  } catch {
    // not JSON: a proxy's or a load balancer's page
  }
  const fromServer = error !== undefined
  if (!error) {
    if (status === 429) error = { code: 'RATE_LIMITED' }
    else if (status === 401) error = { code: 'UNAUTHORIZED' }
    else if (status === 404) error = { code: 'OP_NOT_FOUND' }
    else if (status >= 400 && status < 500) error = { code: 'BAD_REQUEST' }
    else error = { code: 'INTERNAL' }
  }
  const retryAfter = parseRetryAfter(retryAfterHeader, nowMs)
  if (error.retryAfter === undefined && retryAfter !== undefined) error = { ...error, retryAfter }
  else if (error.retryAfter !== undefined && error.retryAfter > maxRetryAfterSeconds) error = { ...error, retryAfter: maxRetryAfterSeconds }
  return { error, fromServer }
}

export function createCentralClient(options: CentralClientOptions): CentralClient {
  const base = new URL(options.baseUrl)
  const prefix = base.pathname.replace(/\/+$/, '')
  let credential = options.credential
  let centralKey = options.centralPublicKey && options.keyId ? { publicKey: options.centralPublicKey, keyId: options.keyId } : undefined
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 8 })
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 8 })
  const axiosInstance: AxiosInstance = axios.create({
    timeout: options.timeoutMs ?? 10_000,
    httpAgent,
    httpsAgent,
    proxy: false,
    maxRedirects: 0,
    responseType: 'text',
    // Bodies are serialised once by us, so the signature covers exactly the bytes sent.
    transformRequest: [(data: unknown) => data],
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    maxContentLength: 16 * 1024 * 1024,
  })

  // The kiosk's clock may be wrong (no NTP in the hall, a flat CMOS battery). The server refuses a
  // signature more than 5 minutes off its own time and judges an op's age by its createdAt, so both
  // are sent in the server's time: the kiosk's clock plus the offset read from the server's answers.
  const localNow = options.now ?? Date.now
  const steadyNow = options.steadyNow ?? (() => performance.now())
  let offsetMs = 0
  let clockRead = false
  // The kiosk's clock against the steady one when the offset was read: when it has moved since (set
  // by NTP or by hand, or the machine slept), the offset no longer holds and is read again.
  let wallAheadAtRead = 0
  const clockSetSinceRead = () => Math.abs(localNow() - steadyNow() - wallAheadAtRead) > clockGrainMs
  /** Reads the server's clock from an answer's Date header; true when the offset moved. */
  function readClock(dateHeader: unknown, receivedAt: number): boolean {
    if (typeof dateHeader !== 'string') return false
    const serverSecond = Date.parse(dateHeader)
    if (Number.isNaN(serverSecond)) return false
    clockRead = true
    wallAheadAtRead = receivedAt - steadyNow()
    // The header has whole seconds: the server's time was somewhere in that second. Its end is
    // taken, so that an op is never dated before something the server did just before it (the SMS
    // code its candidate typed); a second late is nothing to the minutes the server allows.
    const estimate = serverSecond + 1000 - receivedAt
    // Within the header's grain (and the answer's trip) the kiosk's clock is as good as the estimate.
    const next = Math.abs(estimate) <= clockGrainMs ? 0 : Math.round(estimate)
    if (Math.abs(next - offsetMs) <= clockGrainMs) return false
    offsetMs = next
    return true
  }

  /**
   * body: a value, or a function that makes it as the request is sent, from who signs it and when
   * (pushOps: the server's time; an interactive call seals its body to the signature).
   */
  async function call<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown | BodyMaker,
    schema: S,
    signed: boolean,
    retried = false,
  ): Promise<CentralResult<z.infer<S>>> {
    const fullPath = prefix + path
    // Before the first signed call, and the first after the kiosk's clock was set, one unsigned answer
    // tells the server's time (no answer at all: the server is out of reach, and so is this call).
    if (signed && !retried && (!clockRead || clockSetSinceRead())) {
      const first = await call('GET', apiPaths.health, undefined, healthResponse, false)
      if (!first.ok && first.httpStatus === null) return { ...first, unsent: true }
    }
    if (signed && !credential) return unsentFailure({ code: 'NOT_ENROLLED' })
    const signer = signed && credential ? { kioskId: credential.kioskId, timestamp: localNow() + offsetMs } : null
    const text = body === undefined ? '' : JSON.stringify(typeof body === 'function' ? await (body as BodyMaker)(signer) : body)
    const headers: Record<string, string> = { accept: 'application/json' }
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (signer && credential) {
      const { timestamp } = signer
      const nonce = newNonce()
      headers[signatureHeaders.kioskId] = signer.kioskId
      headers[signatureHeaders.timestamp] = String(timestamp)
      headers[signatureHeaders.nonce] = nonce
      headers[signatureHeaders.signature] = await signRequest(credential.secret, { method, path: fullPath, timestamp, nonce, body: text })
    }
    let response
    try {
      response = await axiosInstance.request<string>({
        method,
        url: new URL(fullPath, base).toString(),
        headers,
        data: body === undefined ? undefined : text,
      })
    } catch (error) {
      // No answer at all: refused, reset, timed out, DNS, a response cut short; or a certificate
      // that failed verification, which staff must hear about as such (it does not pass by itself).
      if (axios.isAxiosError(error)) {
        if (isCertificateFailure(error)) return unsentFailure({ code: 'CENTRAL_UNTRUSTED' })
        return neverConnected.has(error.code ?? '') ? unsentFailure({ code: 'NETWORK_UNAVAILABLE' }) : failure({ code: 'NETWORK_UNAVAILABLE' }, null)
      }
      throw error
    }
    const clockMoved = readClock(response.headers['date'], localNow())
    // Refused for a timestamp this answer shows was off: once more, in the server's time.
    if (response.status === 401 && signed && clockMoved && !retried) return call(method, path, body, schema, signed, true)
    const raw = typeof response.data === 'string' ? response.data : ''
    if (response.status < 200 || response.status >= 300) {
      const answeredAt = Date.parse(String(response.headers['date'] ?? ''))
      const nowMs = Number.isNaN(answeredAt) ? localNow() + offsetMs : answeredAt
      const { error, fromServer } = errorOf(response.status, raw, response.headers['retry-after'], nowMs)
      return failure(error, response.status, fromServer)
    }
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch {
      return failure({ code: 'INTERNAL' }, response.status)
    }
    const parsed = schema.safeParse(json)
    if (!parsed.success) return failure({ code: 'INTERNAL' }, response.status)
    return { ok: true, value: parsed.data }
  }

  async function interactive<P extends z.ZodType, S extends z.ZodType>(
    route: InteractiveRoute,
    payloadSchema: P,
    payload: unknown,
    schema: S,
  ): Promise<CentralResult<z.infer<S>>> {
    const parsed = payloadSchema.safeParse(payload)
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path[0]
      return failure({ code: 'INVALID_FIELD', ...(typeof field === 'string' ? { field } : {}) }, null)
    }
    const key = centralKey
    if (!key) return failure({ code: 'NOT_ENROLLED' }, null)
    // Sealed anew for each sending: the box is bound to the signature's kiosk and time (wire.ts).
    const sealed: BodyMaker = (signer) => sealRequestBody(key.publicKey, key.keyId, route, parsed.data, signer!)
    return told(await call('POST', apiPaths[route], sealed, schema, true))
  }

  let unanswered: (() => void) | undefined
  function told<T>(result: CentralResult<T>): CentralResult<T> {
    if (!result.ok && result.httpStatus === null && result.error.code === 'NETWORK_UNAVAILABLE') unanswered?.()
    return result
  }

  const segment = (value: string) => encodeURIComponent(value)

  return {
    baseUrl: options.baseUrl,
    setCredential(next) {
      credential = next
    },
    setCentralKey(publicKey, keyId) {
      centralKey = { publicKey, keyId }
    },
    health: () => call('GET', apiPaths.health, undefined, healthResponse, false),
    keys: () => call('GET', apiPaths.keys, undefined, keysResponse, false),
    async enroll(request) {
      const parsed = enrollRequest.safeParse(request)
      if (!parsed.success) return failure({ code: 'INVALID_FIELD', field: 'code' }, null)
      return call('POST', apiPaths.enroll, parsed.data, enrollResponse, false)
    },
    async pushOps(ops, serverTimed) {
      // createdAt was stamped by the kiosk's clock: sent in the server's time, read when the request
      // is made (after the first answer has told the server's time, and again for a retry).
      const shift = (op: WireOp): WireOp => {
        // Already in the server's time, by the offset known when it was made: never later than now
        // by the offset known now (one read from a fast clock's answer would be refused as "future").
        if (serverTimed?.has(op.id)) {
          const now = localNow() + offsetMs
          return Date.parse(op.createdAt) > now ? { ...op, createdAt: new Date(now).toISOString() } : op
        }
        return offsetMs === 0 ? op : { ...op, createdAt: new Date(Date.parse(op.createdAt) + offsetMs).toISOString() }
      }
      const inServerTime = () => ({ ops: ops.map(shift) })
      return call('POST', apiPaths.ops, inServerTime, lenientOpsResponse, true)
    },
    opStatus: (id) => call('GET', apiPaths.opStatus.replace(':id', segment(id)), undefined, lenientOpResult, true),
    receipt: async (code, opId) => {
      const path = apiPaths.receipt.replace(':code', segment(code))
      return told(await call('GET', opId === undefined ? path : `${path}?op=${segment(opId)}`, undefined, receiptResponse, true))
    },
    smsSend: (p) => interactive('smsSend', smsSendPayload, p, smsSendResponse),
    smsVerify: (p) => interactive('smsVerify', smsVerifyPayload, p, smsVerifyResponse),
    emailSend: (p) => interactive('emailSend', emailSendPayload, p, emailSendResponse),
    emailCheck: (p) => interactive('emailCheck', emailCheckPayload, p, emailCheckResponse),
    login: (p) => interactive('login', loginPayload, p, loginResponse),
    logout: (p) => interactive('logout', logoutPayload, p, logoutResponse),
    account: (p) => interactive('account', accountPayload, p, accountResponse),
    clockOffsetMs: () => offsetMs,
    serverNow: () => localNow() + offsetMs,
    serverTimeIfKnown: () => (clockRead && !clockSetSinceRead() ? localNow() + offsetMs : null),
    onCallUnanswered(listener) {
      unanswered = listener
    },
    close() {
      httpAgent.destroy()
      httpsAgent.destroy()
    },
  }
}

// Node's codes for a TLS certificate that failed verification (OpenSSL's X509_V_ERR_* names, and the
// host-name check). axios keeps the underlying error's code.
const certificateFailures = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

// No connection was ever made: nothing of the request can have been written.
const neverConnected = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'])

function isCertificateFailure(error: { code?: string | undefined }): boolean {
  return error.code !== undefined && certificateFailures.has(error.code)
}

/**
 * A push the server refused because of what was in it (400 malformed, 413 too large): the engine
 * splits the batch to find the op at fault. Any other failure (no answer, 5xx, 429, 401 for the
 * kiosk's credential, a 404 from a wrong URL) says nothing against the ops: they wait and retry.
 */
export function isContentFault(error: KioskError, httpStatus: number | null): boolean {
  return (httpStatus === 400 || httpStatus === 413) && ['BAD_REQUEST', 'INVALID_FIELD', 'WEAK_PASSWORD'].includes(error.code)
}
