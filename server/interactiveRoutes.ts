import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import type { KioskError } from '../src-common/errors'
import type { LimitRule } from '../src-common/rules'
import {
  accountPayload,
  apiPaths,
  emailCheckPayload,
  emailCodeTtlSeconds,
  emailSendPayload,
  loginPayload,
  logoutPayload,
  ownAddressPurposes,
  requestAad,
  sealedRequest,
  sessionTtlSeconds,
  smsCodeTtlSeconds,
  smsSendPayload,
  smsVerifyPayload,
  verificationTokenTtlSeconds,
  type InteractiveRoute,
} from '../src-common/wire'
import { countPasswordAttempt, normalize, summarize, wrongPasswordError, type AccountRow } from './accounts'
import type { Channel } from './codes'
import { notify, type ServerContext } from './context'
import { sendError } from './httpErrors'
import { fieldError } from './opsProcessor'
import { hashPassword, verifyPassword } from './passwords'

/**
 * The online-only calls. Bodies are sealed (wire.ts sealedRequest); the request was already
 * signed and checked by the scope's preValidation hook, before the body was parsed.
 */
export async function registerInteractiveRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { accounts, codes, messages } = ctx
  // Log-ins for unknown accounts verify against this hash so that they take as long as real ones.
  const dummyHash = await hashPassword('not-a-real-password-' + Math.random())

  function route<S extends z.ZodType>(
    name: InteractiveRoute,
    schema: S,
    handle: (payload: z.infer<S>, kioskId: string, reply: FastifyReply) => Promise<unknown>,
  ) {
    app.post(apiPaths[name], async (request: FastifyRequest, reply: FastifyReply) => {
      const body = sealedRequest.safeParse(request.body)
      if (!body.success) return sendError(reply, { code: 'BAD_REQUEST', ...fieldName(body.error) })
      if (body.data.keyId !== ctx.keys.keyId) return sendError(reply, { code: 'BAD_REQUEST', field: 'keyId' })
      // Bound to this request's signer and time (wire.ts): a body sent before, or by another kiosk, does not open.
      const signer = { kioskId: request.kioskId!, timestamp: request.signedAt! }
      const opened = await ctx.opener.open(body.data.sealed, requestAad(body.data.requestId, name, signer))
      if (opened === undefined) return sendError(reply, { code: 'BAD_REQUEST', field: 'sealed' })
      const payload = schema.safeParse(opened)
      if (!payload.success) return sendError(reply, fieldError(payload.error))
      return handle(payload.data, request.kioskId!, reply)
    })
  }

  async function sendCode(
    channel: Channel,
    target: string,
    purpose: string,
    kioskId: string,
    reply: FastifyReply,
    deliverTo: boolean,
  ) {
    const now = ctx.clock()
    const wait = codes.retryAfter(channel, target, kioskId, now)
    if (wait > 0) return sendError(reply, { code: 'SMS_RATE_LIMITED', retryAfter: wait })
    const ttl = channel === 'sms' ? smsCodeTtlSeconds : emailCodeTtlSeconds
    // The code is issued (and counted by the limits) even when nobody holds the target, so that
    // the answer and its timing are the same either way; it is only not delivered.
    const code = codes.issue(channel, target, purpose, kioskId, now, ttl * 1000)
    if (deliverTo) {
      if (channel === 'sms') {
        notify(ctx, () => messages.sms({ to: target, text: `【ETEST】您的验证码是${code}，10分钟内有效，请勿泄露。`, code }), 'sms code')
      } else {
        const link = `${ctx.publicUrl}/reset-password#code=${code}`
        const text =
          purpose === 'resetPassword'
            ? `您正在重置ETEST通行证密码。请点击链接：${link} ，或输入验证码：${code}。10分钟内有效，仅可使用一次。`
            : `您正在验证ETEST通行证电子邮箱，验证码：${code}，10分钟内有效。`
        notify(
          ctx,
          () =>
            messages.email({
              to: target,
              subject: purpose === 'resetPassword' ? 'ETEST通行证 重置密码' : 'ETEST通行证 邮箱验证',
              text,
              code,
              ...(purpose === 'resetPassword' ? { link } : {}),
            }),
          'email code',
        )
      }
    }
    return { sent: true, expiresIn: ttl, resendAfter: Math.ceil(ctx.limits.perTargetIntervalMs / 1000) }
  }

  /**
   * For a code that proves the logged-in account's own address (ownAddressPurposes): the account of
   * the session, or why not. Nothing is sent to an address that is not the account's.
   */
  function ownAddressRefusal(purpose: string, sessionToken: string | undefined, kioskId: string, isOwn: (account: AccountRow) => boolean, field: 'mobile' | 'email'): KioskError | undefined {
    if (!ownAddressPurposes.has(purpose)) return undefined
    const account = sessionAccountNow(sessionToken, kioskId)
    if (!account) return { code: 'SESSION_EXPIRED' }
    return isOwn(account) ? undefined : { code: 'INVALID_FIELD', field, rule: `${field}.notAccount` }
  }

  /** The account of a session valid now on this kiosk, if any. */
  function sessionAccountNow(sessionToken: string | undefined, kioskId: string): AccountRow | undefined {
    const session = sessionToken === undefined ? undefined : accounts.sessionAt(sessionToken, ctx.clock(), kioskId)
    return session ? accounts.byId(session.account_id) : undefined
  }

  route('smsSend', smsSendPayload, async (p, kioskId, reply) => {
    const mobile = normalize.mobile(p.mobile)
    const refused = ownAddressRefusal(p.purpose, p.sessionToken, kioskId, (account) => account.mobile === mobile, 'mobile')
    if (refused) return sendError(reply, refused)
    // A new mobile that is the account's own (wire.ts sessionPurposes): no code for a change to itself.
    if (p.purpose === 'changeMobile' && p.sessionToken !== undefined) {
      const account = sessionAccountNow(p.sessionToken, kioskId)
      if (!account) return sendError(reply, { code: 'SESSION_EXPIRED' })
      if (account.mobile === mobile) return sendError(reply, { code: 'INVALID_FIELD', field: 'mobile', rule: 'mobile.sameAsCurrent' })
    }
    const deliver = p.purpose !== 'resetPassword' || accounts.byMobile(mobile) !== undefined
    return sendCode('sms', mobile, p.purpose, kioskId, reply, deliver)
  })

  route('smsVerify', smsVerifyPayload, async (p, kioskId, reply) => {
    const mobile = normalize.mobile(p.mobile)
    const now = ctx.clock()
    const answer = ctx.db.transaction(() => {
      const proof = codes.check('sms', mobile, p.purpose, p.code, now)
      if (!proof.ok) {
        proof.onReject?.()
        return proof.error
      }
      proof.consume(now)
      return codes.issueToken(mobile, p.purpose, kioskId, now, verificationTokenTtlSeconds * 1000)
    })()
    if ('code' in answer) return sendError(reply, answer)
    return { verificationToken: answer.token, expiresAt: new Date(answer.expiresAt).toISOString() }
  })

  route('emailSend', emailSendPayload, async (p, kioskId, reply) => {
    const email = normalize.email(p.email)
    const refused = ownAddressRefusal(p.purpose, p.sessionToken, kioskId, (account) => account.email === email || account.pending_email === email, 'email')
    if (refused) return sendError(reply, refused)
    const deliver = p.purpose !== 'resetPassword' || accounts.byEmail(email) !== undefined
    return sendCode('email', email, p.purpose, kioskId, reply, deliver)
  })

  route('emailCheck', emailCheckPayload, async (p, _kioskId, reply) => {
    const email = normalize.email(p.email)
    const proof = codes.check('email', email, p.purpose, p.code, ctx.clock())
    if (!proof.ok) {
      proof.onReject?.()
      return sendError(reply, proof.error)
    }
    return { valid: true }
  })

  route('login', loginPayload, async (p, kioskId, reply) => {
    const found = accounts.byIdNumber(p.idNumber)
    const account = found && (!p.idType || found.id_type === p.idType) ? found : undefined
    const now = ctx.clock()
    // The kiosk's hour of failed tries first: past it, no account is tried at all.
    const kioskTry = accounts.countLoginTry(kioskId, now, ctx.limits.failedLoginsPerKioskPerHour)
    if ('retryAfterSec' in kioskTry) {
      return sendError(reply, { code: 'RATE_LIMITED', rule: 'login.perKioskHour' satisfies LimitRule, retryAfter: kioskTry.retryAfterSec })
    }
    // Counted before the first await (countPasswordAttempt). An ID number no account holds goes the
    // same way, with the same work and answers: nothing tells them apart. A number an account holds
    // counts on that account whatever document type was chosen, or locking it under one type and
    // trying another would tell which type it is, and that it exists.
    const guard = found ? accounts.guardOfAccount(found, now) : accounts.guardOf(p.idNumber, now)
    const attempt = countPasswordAttempt(guard, now, (failures, lockedUntil) =>
      found ? accounts.loginFailed(found.id, failures, lockedUntil, now) : accounts.guardFailed(p.idNumber, failures, lockedUntil, now),
    )
    if (attempt.locked) {
      // No password was tested: not one of the kiosk's failed tries (or a candidate tapping 登录 on
      // their locked account would use up the whole hall's hour), and no hash is computed either: an
      // account and a number no account holds answer alike without it, and a kiosk in the wrong
      // hands could otherwise make the server hash for ever on locked numbers, which it may not count.
      kioskTry.forgive()
      return sendError(reply, { code: 'ACCOUNT_LOCKED', retryAfter: attempt.lockedForSec })
    }
    const passwordOk = await verifyPassword(account?.password_hash ?? dummyHash, p.password)
    if (!account || !passwordOk) return sendError(reply, wrongPasswordError(attempt, { code: 'BAD_CREDENTIALS' as const }))
    accounts.loginOk(account.id)
    kioskTry.forgive()
    const session = accounts.startSession(account.id, kioskId, now, sessionTtlSeconds * 1000)
    ctx.log.info({ accountId: account.id, kioskId }, 'login')
    return {
      sessionToken: session.token,
      expiresAt: new Date(session.expiresAt).toISOString(),
      account: summarize(accounts.byId(account.id)!),
    }
  })

  route('logout', logoutPayload, async (p, kioskId) => {
    accounts.endSession(p.sessionToken, kioskId, ctx.clock())
    return { ok: true }
  })

  route('account', accountPayload, async (p, kioskId, reply) => {
    const session = accounts.sessionAt(p.sessionToken, ctx.clock(), kioskId)
    const account = session && accounts.byId(session.account_id)
    if (!account) return sendError(reply, { code: 'SESSION_EXPIRED' })
    return { account: summarize(account) }
  })
}

export function fieldName(error: z.ZodError): { field?: string } {
  const issue = error.issues[0]
  if (!issue) return {}
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path
  return path.length > 0 ? { field: path.map(String).join('.').slice(0, 64) } : {}
}
