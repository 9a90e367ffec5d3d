import { randomUUID } from 'node:crypto'
import { fail, ok, type KioskError, type Result } from '../../src-common/errors'
import { fields } from '../../src-common/fields'
import type { MaskedAccount, OpOutcome } from '../../src-common/kioskApi'
import { sessionKinds, type OperationKind } from '../../src-common/operations'
import { clockGrainMs } from '../../src-common/requestSigning'
import { sessionPurposes, type AccountSummary } from '../../src-common/wire'
import type { CentralResult } from '../../sync/centralClient'
import type { OpView } from '../../sync/outbox'
import { normaliseReceipt, receiptPattern } from '../../sync/receipt'
import type { KioskHandlers } from './kioskDispatcher'
import type { CandidateIdleBackstop } from './candidateIdleBackstop'
import { createKioskOpLimit } from './kioskOpLimit'
import type { KioskServices } from './kioskServices'
import { createReceiptLookupLimit, type ReceiptLookupLimit } from './receiptLookupLimit'
import { submitOperation } from './submitOperation'
import { createSupervisorHandlers } from './supervisorHandlers'

/** Ops that act for a logged-in candidate: main adds the session token, the renderer never holds it. */
const isSessionKind: ReadonlySet<OperationKind> = new Set(sessionKinds)
/** Ops whose screen shows an image captcha (the web site's 验证码). */
const captchaKinds: ReadonlySet<OperationKind> = new Set(['resetPassword', 'changePassword'])

const fromCentral = <T>(answer: CentralResult<T>): Result<T> => (answer.ok ? ok(answer.value) : { ok: false, error: answer.error })

function masked(account: AccountSummary): MaskedAccount {
  const { idType, idNumber, name, mobile, email, mobileVerified, emailVerified, pendingEmail } = account
  return { idType, idNumber, name, mobile, email, mobileVerified, emailVerified, pendingEmail }
}

function field<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, value: unknown, name: string, rule: string): Result<T> {
  const parsed = schema.safeParse(value)
  return parsed.success ? ok(parsed.data) : fail('INVALID_FIELD', { field: name, rule })
}

/** How long 查询办理进度 waits for the server's word on an op under review before it answers with what the kiosk knows. */
const lookupRefreshMs = 3_000
/** While 查询办理进度 is locked, this kiosk's ops younger than this are still answered. */
const recentReceiptMs = 15 * 60_000

/**
 * The most ops one visit may queue through ops.submit. A thorough visit queues under a dozen: 注册, then
 * 验证手机, 验证邮箱, 修改资料, 修改手机号 and 修改密码, 重置密码, an appeal for each of ID number, mobile
 * and email, and a few sent again after the centre refused a code. A renderer looping on ops.submit
 * stops here instead of filling the outbox. Staff's on-site services (supervisor.attestedReset,
 * fileAppeal) do not count: they serve one candidate after another, behind the PIN.
 */
export const opsPerVisit = 30

/**
 * Calls a screen repeats by itself (the header's sync state and the settings read after each wipe, the
 * simulated phone's poll, the set-up check on navigation): not someone at the kiosk, so they neither
 * keep a visit open nor hold main's idle end back.
 */
const backgroundCalls: ReadonlySet<string> = new Set(['app.info', 'sync.status', 'dev.messages', 'setup.status'])

/** One handler per contract entry; inputs arrive already validated by the dispatcher. */
export function createKioskHandlers(
  services: KioskServices,
  options: {
    receiptLookups?: ReceiptLookupLimit
    recentReceiptMs?: number
    opsPerVisit?: number
    /** Candidates' ops the kiosk queues in a window, across visits (kioskOpLimit.ts). */
    opsPerKiosk?: { ops?: number; windowMs?: number }
  } = {},
): KioskHandlers {
  const { session, captcha } = services
  const receiptLookups = options.receiptLookups ?? createReceiptLookupLimit()
  const recentMs = options.recentReceiptMs ?? recentReceiptMs
  const visitOpLimit = options.opsPerVisit ?? opsPerVisit
  /** This visit's ops so far: a new visit gets a new counter, so a late release never counts against it. */
  let visitOps = { visit: session.visit, count: 0 }
  /** A place for one op in this visit's count, or null when it is full; release it if nothing was queued. */
  const takeOpPlace = (): (() => void) | null => {
    if (visitOps.visit !== session.visit) visitOps = { visit: session.visit, count: 0 }
    const counted = visitOps
    if (counted.count >= visitOpLimit) return null
    counted.count += 1
    return () => void (counted.count -= 1)
  }
  const kioskOps = createKioskOpLimit(() => services.outbox, options.opsPerKiosk)
  const staff = createSupervisorHandlers(services, kioskOps)
  const client = () => services.central?.client ?? null
  const notEnrolled = (): { ok: false; error: KioskError } => fail('NOT_ENROLLED')
  /** A code to the logged-in account's own mobile or email, or to its new mobile, goes with its session (wire.ts, sessionPurposes). */
  const ownAddress = (purpose: string): { sessionToken?: string } => {
    const current = session.current
    return sessionPurposes.has(purpose) && current ? { sessionToken: current.sessionToken } : {}
  }

  const handlers: KioskHandlers = {
    app: {
      info: async () => ok(services.info()),
      wipe: async () => {
        services.endVisit()
        return ok({ wiped: true as const })
      },
    },
    captcha: {
      create: async () => ok(captcha.create()),
    },
    sms: {
      send: async ({ mobile, purpose }) => {
        const central = client()
        if (!central) return notEnrolled()
        const checked = field(fields.mobile, mobile, 'mobile', 'mobile.format')
        if (!checked.ok) return checked
        const answer = await central.smsSend({ mobile: checked.value, purpose, ...ownAddress(purpose) })
        return answer.ok ? ok({ resendAfter: answer.value.resendAfter }) : { ok: false, error: answer.error }
      },
      verify: async ({ mobile, purpose, code }) => {
        const central = client()
        if (!central) return notEnrolled()
        const checkedMobile = field(fields.mobile, mobile, 'mobile', 'mobile.format')
        if (!checkedMobile.ok) return checkedMobile
        const checkedCode = field(fields.smsCode, code, 'smsCode', 'smsCode.format')
        if (!checkedCode.ok) return checkedCode
        const visit = session.visit
        const answer = await central.smsVerify({ mobile: checkedMobile.value, purpose, code: checkedCode.value })
        if (!answer.ok) return { ok: false, error: answer.error }
        // Wiped while the server answered: the token was the last visitor's, and goes with them.
        if (session.visit !== visit) return fail('SESSION_EXPIRED')
        session.keepVerification(purpose, checkedMobile.value, answer.value.verificationToken)
        return ok({ verified: true as const })
      },
    },
    email: {
      send: async ({ email, purpose }) => {
        const central = client()
        if (!central) return notEnrolled()
        const checked = field(fields.email, email, 'email', 'email.format')
        if (!checked.ok) return checked
        const answer = await central.emailSend({ email: checked.value, purpose, ...ownAddress(purpose) })
        return answer.ok ? ok({ resendAfter: answer.value.resendAfter }) : { ok: false, error: answer.error }
      },
    },
    reset: {
      start: async ({ identifier, captchaId, captcha: answer }) => {
        const human = captcha.check(captchaId, answer)
        if (!human.ok) return human
        const mobile = fields.mobile.safeParse(identifier)
        if (mobile.success) return ok({ method: 'sms' as const, identifier: mobile.data })
        const email = fields.email.safeParse(identifier)
        if (!email.success) return fail('INVALID_FIELD', { field: 'identifier', rule: 'identifier.format' })
        const central = client()
        if (!central) return notEnrolled()
        const sent = await central.emailSend({ email: email.data, purpose: 'resetPassword' })
        return sent.ok ? ok({ method: 'email' as const, identifier: email.data }) : { ok: false, error: sent.error }
      },
    },
    auth: {
      login: async ({ idNumber, password, captchaId, captcha: answer }) => {
        const human = captcha.check(captchaId, answer)
        if (!human.ok) return human
        const central = client()
        if (!central) return notEnrolled()
        const checked = field(fields.loginIdNumber, idNumber, 'idNumber', 'idNumber.anyType')
        if (!checked.ok) return checked
        const visit = session.visit
        const attempt = session.startLogin()
        const answerLogin = await central.login({ idNumber: checked.value, password })
        if (!answerLogin.ok) return { ok: false, error: answerLogin.error }
        // Wiped while the server answered (the visitor left): their session is not the next person's.
        // Or overtaken: a log-in started after this one is held already (the candidate left 登录,
        // came back and tried again, and this answer was the slower): that one stays.
        if (session.visit !== visit || session.holdsNewerThan(attempt)) {
          void central.logout({ sessionToken: answerLogin.value.sessionToken })
          return fail('SESSION_EXPIRED')
        }
        // A log-in on top of another one on this visit: the earlier session ends on the server too,
        // not just here (nobody at the kiosk could use it any more, but it would live on for 30 min).
        const earlier = session.current
        if (earlier && earlier.sessionToken !== answerLogin.value.sessionToken) void central.logout({ sessionToken: earlier.sessionToken })
        const loginId = randomUUID()
        session.begin({
          sessionToken: answerLogin.value.sessionToken,
          loginId,
          attempt,
          idNumber: checked.value,
          // How long is left by the server's clock (its expiry less its time now, the kiosk's clock
          // plus the measured offset): a kiosk half an hour fast would otherwise hold a session
          // already over, and send each candidate straight back to 登录.
          expiresInMs: Date.parse(answerLogin.value.expiresAt) - central.serverNow(),
        })
        return ok({ account: masked(answerLogin.value.account), loginId })
      },
      // Logging out on the kiosk does not wait for the network: the session is forgotten here first.
      logout: async ({ loginId }) => {
        if (loginId === undefined) services.endVisit()
        else {
          const sessionToken = session.endLogin(loginId)
          if (sessionToken !== null) void client()?.logout({ sessionToken })
        }
        return ok({ loggedOut: true as const })
      },
      account: async () => {
        const current = session.current
        const central = client()
        if (!current) return fail('SESSION_EXPIRED')
        if (!central) return notEnrolled()
        const visit = session.visit
        const answer = fromCentral(await central.account({ sessionToken: current.sessionToken }))
        // Wiped while the server answered: the account is the last visitor's, not the next person's.
        if (session.visit !== visit) return fail('SESSION_EXPIRED')
        return answer.ok ? ok({ account: masked(answer.value.account) }) : answer
      },
    },
    ops: {
      submit: async (input) => {
        const place = takeOpPlace()
        if (!place) return fail('RATE_LIMITED', { rule: 'ops.perVisit' })
        // The kiosk's own limit, which no wipe ends: counted from the outbox once the op is there.
        const kioskPlace = kioskOps.take()
        if (!kioskPlace) {
          place()
          return fail('RATE_LIMITED', { rule: 'ops.perKiosk' })
        }
        let queued = false
        try {
          const outcome = await submitCandidateOp(input)
          queued = outcome.ok
          return outcome
        } finally {
          kioskPlace()
          // Refused before the outbox (a field, the captcha, the disk): nothing queued, nothing counted.
          if (!queued) place()
        }
      },
      lookup: async ({ receipt }) => {
        // As read out or typed: O for 0 and I or L for 1 find the same receipt here and on the server.
        const code = normaliseReceipt(receipt).replace(/[^0-9A-Z]/g, '')
        // No receipt has this shape: nothing to ask anyone, and nothing a guess could find (not counted).
        if (!receiptPattern.test(code)) return fail('OP_NOT_FOUND')
        // This kiosk's own ops are found here, and a hit is never counted. While the limit holds,
        // only a recent one is answered (the candidate just served follows their receipt, whoever
        // tried codes before them): answering any would make the lock a yes/no oracle for the outbox.
        const local = services.outbox?.findByReceipt(code)
        const lockedFor = receiptLookups.lockedFor()
        if (local && (lockedFor === 0 || Date.now() - Date.parse(local.createdAt) < recentMs)) return ok(await localOutcome(local))
        if (lockedFor > 0) return fail('RATE_LIMITED', { rule: 'receipt.lookups', retryAfter: lockedFor })
        // Found nowhere here: counted unless the central API finds it (or cannot tell).
        const ticket = receiptLookups.take(code)
        if ('retryAfter' in ticket) return fail('RATE_LIMITED', { rule: 'receipt.lookups', retryAfter: ticket.retryAfter })
        const central = client()
        if (!central) return fail('OP_NOT_FOUND')
        let missed = false
        try {
          const answer = await central.receipt(code)
          // Only the central API's own "no such receipt" is a miss: a proxy's 404 page (the server
          // being redeployed), no answer, or a fault here says nothing of the code.
          missed = !answer.ok && answer.error.code === 'OP_NOT_FOUND' && answer.fromServer === true
          if (!answer.ok) return { ok: false, error: answer.error }
          // The op asked for, or none: another code would be shown (and as a QR code) as the candidate's.
          if (answer.value.receipt !== code) return fail('INTERNAL')
          const { kind, status, error, updatedAt } = answer.value
          return ok({ id: '', kind, receipt: answer.value.receipt, status, error: error ?? null, updatedAt })
        } finally {
          if (!missed) ticket.forgive()
        }
      },
    },
    sync: {
      status: async () => ok(services.syncSummary()),
    },
    ...staff,
    supervisor: {
      ...staff.supervisor,
      // 查询办理进度's lock sends candidates to the staff: staff lift it by entering supervisor mode.
      enter: async (input) => {
        const entered = await staff.supervisor.enter(input)
        if (entered.ok) receiptLookups.lift()
        return entered
      },
    },
    dev: {
      messages: async ({ to }) => {
        const answer = await services.devMessages(to)
        if (!answer.ok) return answer
        // The simulated phone belongs to whoever stands at the kiosk now: the last visitor's codes,
        // mobile and email are not shown to the next one.
        // Messages are dated by the server: the visit's start in the server's time (an offset is
        // measured to the Date header's grain, so a message just after the start is not lost to it).
        const offset = client()?.clockOffsetMs() ?? 0
        const since = session.visitStartedAt + (offset === 0 ? 0 : offset - clockGrainMs)
        return ok({ messages: answer.value.filter((message) => Date.parse(message.createdAt) >= since) })
      },
      captcha: async ({ captchaId }) => {
        // A real kiosk's captcha is for people only.
        if (!services.central?.demo) return fail('BAD_REQUEST')
        const answer = captcha.peek(captchaId)
        return answer === undefined ? fail('BAD_CAPTCHA', { field: 'captcha' }) : ok({ answer })
      },
      decideAppeal: async ({ receipt, decision }) => {
        // A real centre's appeals are decided by its staff, never from a kiosk.
        const demo = services.central?.demo ? services.central.demoServer : null
        if (!demo) return fail('BAD_REQUEST')
        const op = services.outbox?.findByReceipt(receipt)
        if (op?.kind !== 'appeal' || !(await demo.decideAppeal(op.id, decision))) return fail('OP_NOT_FOUND')
        // Recorded now, so the receipt on the screen turns as the centre decides, not at the next poll.
        await services.engine?.refreshDeferred(op.id)
        return ok({ decided: true as const })
      },
    },
  }
  return watchedForIdle(handlers, services.candidateIdle)

  /** ops.submit once the visit has room for it: checked, given main's tokens, and queued. */
  async function submitCandidateOp({ kind, payload, captchaId, captcha: answer, waitMs }: Parameters<KioskHandlers['ops']['submit']>[0]): Promise<Result<OpOutcome>> {
    if (captchaKinds.has(kind)) {
      const human = captcha.check(captchaId, answer)
      if (!human.ok) return human
    }
    // Staff attestation exists only in supervisor mode (supervisor.attestedReset).
    if (payload.method === 'attested' || payload.attestation !== undefined) return fail('UNAUTHORIZED')
    const full: Record<string, unknown> = { ...payload }
    let accountIdNumber = typeof payload.idNumber === 'string' ? payload.idNumber : undefined
    if (isSessionKind.has(kind)) {
      const current = session.current
      if (!current) return fail('SESSION_EXPIRED')
      full.sessionToken = current.sessionToken
      accountIdNumber = current.idNumber
    }
    // An SMS code already checked online travels as its verification token instead.
    const verifiedMobile = fields.mobile.safeParse(typeof payload.newMobile === 'string' ? payload.newMobile : payload.mobile)
    const verified = full.smsCode === undefined && verifiedMobile.success ? verifiedMobile.data : undefined
    const token = verified === undefined ? undefined : session.takeVerification(kind, verified)
    if (token) full.verificationToken = token
    const visit = session.visit
    const outcome = await submitOperation(services, kind, full, { accountIdNumber, waitMs })
    if (!outcome.ok && token && verified !== undefined && session.visit === visit) session.giveBackVerification(kind, verified, token)
    // A password change or reset ends the session everywhere: the kiosk forgets it too (unless a
    // wipe already did, and someone else stands at the kiosk now).
    if (outcome.ok && outcome.value.status === 'applied' && (kind === 'changePassword' || kind === 'resetPassword') && session.visit === visit) {
      session.wipe()
    }
    return outcome
  }

  /**
   * One of this kiosk's ops as 查询办理进度 shows it. Under review: the candidate asking is told the
   * decision if it was made since the last poll (up to a minute ago), not 等待审核; a few seconds
   * at most, else what the kiosk knows.
   */
  async function localOutcome(local: OpView): Promise<OpOutcome> {
    if (local.status === 'pending' && services.engine) {
      const engine = services.engine
      let waited: ReturnType<typeof setTimeout> | undefined
      await Promise.race([
        engine.refreshDeferred(local.id).catch(() => undefined),
        new Promise((resolve) => (waited = setTimeout(resolve, lookupRefreshMs))),
      ])
      clearTimeout(waited)
      return services.outcomeOf(services.outbox?.get(local.id) ?? local)
    }
    return services.outcomeOf(local)
  }
}

/** Every call but the background ones goes through main's idle end (candidateIdleBackstop.ts). */
function watchedForIdle(handlers: KioskHandlers, idle: CandidateIdleBackstop): KioskHandlers {
  type Handler = (input: unknown) => Promise<Result<unknown>>
  const watched: Record<string, Record<string, Handler>> = {}
  for (const [namespace, methods] of Object.entries(handlers as unknown as Record<string, Record<string, Handler>>)) {
    watched[namespace] = Object.fromEntries(
      Object.entries(methods).map(([method, run]) => [
        method,
        backgroundCalls.has(`${namespace}.${method}`) ? run : (input: unknown) => idle.during(() => run(input)),
      ]),
    )
  }
  return watched as unknown as KioskHandlers
}
