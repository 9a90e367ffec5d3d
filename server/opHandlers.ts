import { randomUUID } from 'node:crypto'
import type { KioskError } from '../src-common/errors'
import type { OperationKind, OperationPayload } from '../src-common/operations'
import { checkIdNumber, checkName, type LimitRule } from '../src-common/rules'
import { isBuiltFromPersonalInfo } from '../src-common/rules/passwordRule'
import { emailCodeTtlSeconds } from '../src-common/wire'
import { countPasswordAttempt, normalize, wrongPasswordError, type AccountRow } from './accounts'
import type { Statement } from 'better-sqlite3'
import type { ProofCheck } from './codes'
import type { Db } from './database'
import { notify, type ServerContext } from './context'
import { maskEmail, maskMobile } from './masking'
import { hashPassword, verifyPassword } from './passwords'

export type Outcome =
  | { status: 'applied'; result: Record<string, unknown> }
  | { status: 'rejected'; error: KioskError }
  | { status: 'pending'; result: Record<string, unknown> }

export const applied = (result: Record<string, unknown>): Outcome => ({ status: 'applied', result })
export const rejected = (error: KioskError): Outcome => ({ status: 'rejected', error })

/** What a handler gets: `finish` runs its synchronous body and stores the op's outcome in one transaction. */
export interface OpEnv {
  ctx: ServerContext
  opId: string
  kioskId: string
  /** When the candidate submitted it (ms): codes, tokens and sessions are judged at this time. */
  createdAt: number
  now: number
  finish(body: () => Outcome): Outcome
}

type Handler<K extends OperationKind> = (env: OpEnv, payload: OperationPayload<K>) => Promise<Outcome>

interface SmsProof {
  smsCode?: string | undefined
  verificationToken?: string | undefined
}

function smsProof(env: OpEnv, proof: SmsProof, mobile: string, purpose: string): ProofCheck {
  const target = normalize.mobile(mobile)
  if (proof.verificationToken) return env.ctx.codes.checkToken(proof.verificationToken, target, purpose, env.kioskId, env.createdAt)
  if (proof.smsCode) return env.ctx.codes.check('sms', target, purpose, proof.smsCode, env.createdAt)
  return { ok: false, error: { code: 'VERIFICATION_REQUIRED' } }
}

function rejectProof(env: OpEnv, proof: Extract<ProofCheck, { ok: false }>): Outcome {
  return env.finish(() => {
    proof.onReject?.()
    return rejected(proof.error)
  })
}

/** The account of a session that was valid when the op was created. */
function sessionAccount(env: OpEnv, token: string): AccountRow | KioskError {
  const session = env.ctx.accounts.sessionAt(token, env.createdAt, env.kioskId)
  const account = session && env.ctx.accounts.byId(session.account_id)
  return account ?? { code: 'SESSION_EXPIRED' }
}
const isError = (value: AccountRow | KioskError): value is KioskError => 'code' in value

function occupiedBy(env: OpEnv, p: { idNumber: string; mobile: string; email: string }): KioskError | undefined {
  const { accounts } = env.ctx
  if (accounts.byIdNumber(p.idNumber)) return { code: 'ID_OCCUPIED' }
  if (accounts.byMobile(p.mobile)) return { code: 'MOBILE_OCCUPIED' }
  if (accounts.byEmail(p.email)) return { code: 'EMAIL_OCCUPIED' }
  return undefined
}

/**
 * Ops that present the same proof (an SMS or email code, a verification token) run one after another,
 * from the proof's check to its use. A proof is used once, but it is used only after the new password
 * was hashed: without the line, a batch (or batches sent at once) of copies of one op, each with its
 * own id, would all pass the check and cost the server an argon2 hash each (19 MiB, tens of ms) before
 * the first used the proof, so that one SMS code bought hundreds of hashes. In line, the op behind
 * finds the proof used (or its tries spent) and is refused unhashed.
 */
const proofLines = new WeakMap<ServerContext, Map<string, Promise<void>>>()
function inProofLine(env: OpEnv, key: string | undefined, run: () => Promise<Outcome>): Promise<Outcome> {
  if (key === undefined) return run()
  let lines = proofLines.get(env.ctx)
  if (!lines) {
    lines = new Map()
    proofLines.set(env.ctx, lines)
  }
  const result = (lines.get(key) ?? Promise.resolve()).then(run)
  const tail = result.then(
    () => undefined,
    () => undefined,
  )
  lines.set(key, tail)
  const held = lines
  void tail.then(() => {
    if (held.get(key) === tail) held.delete(key)
  })
  return result
}

const register: Handler<'register'> = async (env, p) => {
  const proof = smsProof(env, p, p.mobile, 'register')
  if (!proof.ok) return rejectProof(env, proof)
  return inProofLine(env, proof.key, () => registerProven(env, p))
}

/** A registration whose proof passed: checked again, in the proof's line (inProofLine). */
const registerProven: Handler<'register'> = async (env, p) => {
  const proof = smsProof(env, p, p.mobile, 'register')
  if (!proof.ok) return rejectProof(env, proof)
  // Occupied identifiers are told only once the mobile is proven (above), and each such answer
  // spends a try of the code: no enumeration by registration, not even with one's own mobile.
  const taken = occupiedBy(env, p)
  if (taken)
    return env.finish(() => {
      proof.countTry(env.now)
      return rejected(taken)
    })
  const passwordHash = await hashPassword(p.password)
  return env.finish(() => {
    // Authoritative checks again inside the transaction: another op may have won meanwhile.
    const again = smsProof(env, p, p.mobile, 'register')
    if (!again.ok) return rejected(again.error)
    const takenNow = occupiedBy(env, p)
    if (takenNow) {
      again.countTry(env.now)
      return rejected(takenNow)
    }
    const accountId = randomUUID()
    env.ctx.accounts.insert({
      id: accountId,
      idType: p.idType,
      idNumber: p.idNumber,
      name: p.name,
      mobile: p.mobile,
      email: p.email,
      mobileVerified: true,
      passwordHash,
      now: env.now,
    })
    again.consume(env.now)
    env.ctx.accounts.audit({ accountId, at: env.now, event: 'registered', kioskId: env.kioskId, opId: env.opId })
    return applied({ accountId })
  })
}

/**
 * A new password must not be built from the account's own details. The form that sets it knew only
 * some of them (修改密码 none, 重置密码 its mobile or its email): the server holds them all.
 */
function builtFromAccount(account: AccountRow, password: string): KioskError | undefined {
  const own = { mobile: account.mobile ?? undefined, idNumber: account.id_number ?? undefined, email: account.email ?? undefined, name: account.name }
  return isBuiltFromPersonalInfo(password, own) ? { code: 'WEAK_PASSWORD', field: 'newPassword', rule: 'password.personal' } : undefined
}

/** A reset's proof (none for an on-site one: staff attest) and the account it names, as they stand now. */
function resolveReset(env: OpEnv, p: OperationPayload<'resetPassword'>): { proof: ProofCheck; account: AccountRow | undefined } {
  const { accounts, codes } = env.ctx
  switch (p.method) {
    case 'sms':
      return { proof: smsProof(env, p, p.mobile, 'resetPassword'), account: accounts.byMobile(p.mobile) }
    case 'email':
      return {
        proof: codes.check('email', normalize.email(p.email), 'resetPassword', p.emailCode, env.createdAt),
        account: accounts.byEmail(p.email),
      }
    case 'attested': {
      // Staff checked the physical document on site: the identity must match exactly.
      const account = accounts.byIdNumber(p.idNumber)
      const matches = account && account.id_type === p.idType && account.name === p.name.trim()
      return { proof: { ok: true, consume: () => undefined, countTry: () => undefined }, account: matches ? account : undefined }
    }
  }
}

const resetPassword: Handler<'resetPassword'> = async (env, p) => {
  const { proof } = resolveReset(env, p)
  if (!proof.ok) return rejectProof(env, proof)
  // An on-site reset has no proof to wait for: its kiosk's hourly count stops a burst unhashed.
  return inProofLine(env, proof.key, () => resetProven(env, p))
}

/** A reset whose proof passed: checked again, in the proof's line (inProofLine). */
const resetProven: Handler<'resetPassword'> = async (env, p) => {
  const { accounts, messages } = env.ctx
  const resolve = () => resolveReset(env, p)
  // An on-site reset counts against the kiosk's hourly limit, a mismatch too (countAttestedReset).
  const overAttestedLimit = (): KioskError | undefined => {
    const refused = accounts.countAttestedReset(env.kioskId, env.now, env.ctx.limits.attestedResetsPerKioskPerHour)
    return refused ? { code: 'RATE_LIMITED', rule: 'attestedReset.perHour' satisfies LimitRule, retryAfter: refused.retryAfterSec } : undefined
  }
  const first = resolve()
  if (!first.proof.ok) return rejectProof(env, first.proof)
  // Counted before anything is hashed, as a log-in try is: a burst from a kiosk in the wrong hands
  // stops at the limit before it costs the server an argon2 hash for each. (Stored apart from the
  // op's answer: an op left unanswered, by a crash or a fault, counts again when it is sent again,
  // never one too few.)
  const limited = p.method === 'attested' ? env.ctx.commits.run(overAttestedLimit) : undefined
  if (limited) return env.finish(() => rejected(limited))
  if (!first.account) return env.finish(() => rejected({ code: 'ACCOUNT_NOT_FOUND' }))
  // The refusal tells something of the account's details (its ID number, name), so it spends one of
  // the code's tries, as an occupied identifier does: one code is not an oracle for them. An SMS or
  // email code keeps its other tries for another password; a verification token has one.
  const personal = builtFromAccount(first.account, p.newPassword)
  if (personal) {
    const { proof } = first
    return env.finish(() => {
      proof.countTry(env.now)
      return rejected(personal)
    })
  }
  const passwordHash = await hashPassword(p.newPassword)
  // Set inside finish (typed so, or TypeScript would keep it narrowed to undefined after).
  let holder = undefined as AccountRow | undefined
  const outcome = env.finish(() => {
    const { proof, account } = resolve()
    if (!proof.ok) return rejected(proof.error)
    if (!account) return rejected({ code: 'ACCOUNT_NOT_FOUND' })
    // Again on the account as it is now: its details may have changed while the password was hashed.
    const personalNow = builtFromAccount(account, p.newPassword)
    if (personalNow) {
      proof.countTry(env.now)
      return rejected(personalNow)
    }
    holder = account
    accounts.setPassword(account.id, passwordHash, env.now)
    accounts.endOtherSessions(account.id, env.now)
    proof.consume(env.now)
    accounts.audit({
      accountId: account.id,
      at: env.now,
      event: 'passwordReset',
      kioskId: env.kioskId,
      opId: env.opId,
      detail: p.method === 'attested' ? { method: p.method, attestation: p.attestation } : { method: p.method },
    })
    return applied({ accountId: account.id })
  })
  // An on-site reset proves nothing the holder did (staff saw a document): the holder is told, on the
  // mobile and email the account has, so that a reset by someone else with their details is noticed.
  if (p.method === 'attested' && outcome.status === 'applied' && holder) {
    const text = '【ETEST】您的ETEST通行证密码已在考点现场核验证件后重置。如非本人操作，请立即联系考点。'
    const { mobile, email } = holder
    if (mobile) notify(env.ctx, () => messages.sms({ to: mobile, text }), 'attested reset notice')
    if (email) notify(env.ctx, () => messages.email({ to: email, subject: 'ETEST通行证密码已重置', text }), 'attested reset notice')
  }
  return outcome
}

const updateProfile: Handler<'updateProfile'> = async (env, p) => {
  const { accounts, codes, messages } = env.ctx
  let oldEmail: string | null = null
  const outcome = env.finish(() => {
    const account = sessionAccount(env, p.sessionToken)
    if (isError(account)) return rejected(account)
    if (!account.mobile) return rejected({ code: 'VERIFICATION_REQUIRED' })
    const proof = smsProof(env, p, account.mobile, 'updateProfile')
    if (!proof.ok) {
      proof.onReject?.()
      return rejected(proof.error)
    }
    // A field the candidate left blank keeps the account's value, and must still fit the document type.
    const idNumber = p.idNumber ?? account.id_number
    if (idNumber === null) return rejected({ code: 'INVALID_FIELD', field: 'idNumber', rule: 'idNumber.required' })
    const name = p.name ?? account.name
    const keptNumber = checkIdNumber(idNumber, p.idType)
    if (!keptNumber.ok) return rejected({ code: 'INVALID_FIELD', field: 'idNumber', rule: keptNumber.rule })
    const keptName = checkName(name, p.idType)
    if (!keptName.ok) return rejected({ code: 'INVALID_FIELD', field: 'name', rule: keptName.rule })
    // Whether another account holds them costs a try of the code, as at registration.
    const taken = (error: KioskError) => {
      proof.countTry(env.now)
      return rejected(error)
    }
    if (p.idNumber !== undefined) {
      const holder = accounts.byIdNumber(p.idNumber)
      if (holder && holder.id !== account.id) return taken({ code: 'ID_OCCUPIED' })
    }
    const email = p.email === undefined ? undefined : normalize.email(p.email)
    const emailChanged = email !== undefined && email !== account.email
    if (emailChanged) {
      const emailHolder = accounts.byEmail(email)
      if (emailHolder && emailHolder.id !== account.id) return taken({ code: 'EMAIL_OCCUPIED' })
    }
    // A new email takes effect only once verified (verifyEmail); until then it waits as pending.
    // Left blank, the email keeps any new one still waiting; retyped as it is, that one is dropped.
    accounts.setProfile({
      id: account.id,
      idType: p.idType,
      idNumber: keptNumber.value,
      name: keptName.value,
      pendingEmail: emailChanged ? email : email === undefined ? account.pending_email : null,
      now: env.now,
    })
    proof.consume(env.now)
    accounts.audit({ accountId: account.id, at: env.now, event: 'profileChanged', kioskId: env.kioskId, opId: env.opId })
    if (emailChanged) oldEmail = account.email
    return applied({ accountId: account.id, emailPending: emailChanged })
  })
  if (outcome.status === 'applied' && outcome.result.emailPending && p.email !== undefined) {
    const email = normalize.email(p.email)
    const code = codes.issue('email', email, 'verifyEmail', env.kioskId, env.now, emailCodeTtlSeconds * 1000)
    notify(
      env.ctx,
      () =>
        messages.email({
          to: email,
          subject: 'ETEST通行证 邮箱验证',
          text: `您正在将此邮箱设为ETEST通行证的电子邮箱，验证码：${code}，10分钟内有效。`,
          code,
        }),
      'verify new email',
    )
    const previous: string | null = oldEmail
    if (previous) {
      notify(
        env.ctx,
        () =>
          messages.email({
            to: previous,
            subject: 'ETEST通行证 邮箱变更提醒',
            text: `您的ETEST通行证电子邮箱正在变更为 ${maskEmail(email)}，验证后生效。如非本人操作，请及时联系考点。`,
          }),
        'old email notice',
      )
    }
  }
  return outcome
}

const changeMobile: Handler<'changeMobile'> = async (env, p) => {
  const { accounts, messages } = env.ctx
  let oldMobile: string | null = null
  const outcome = env.finish(() => {
    const account = sessionAccount(env, p.sessionToken)
    if (isError(account)) return rejected(account)
    // Refused before the code is used up (the candidate types another number).
    if (normalize.mobile(p.newMobile) === account.mobile) {
      return rejected({ code: 'INVALID_FIELD', field: 'newMobile', rule: 'mobile.sameAsCurrent' })
    }
    const proof = smsProof(env, p, p.newMobile, 'changeMobile')
    if (!proof.ok) {
      proof.onReject?.()
      return rejected(proof.error)
    }
    const holder = accounts.byMobile(p.newMobile)
    if (holder && holder.id !== account.id) return rejected({ code: 'MOBILE_OCCUPIED' })
    accounts.setMobile(account.id, p.newMobile, env.now)
    proof.consume(env.now)
    accounts.audit({ accountId: account.id, at: env.now, event: 'mobileChanged', kioskId: env.kioskId, opId: env.opId })
    oldMobile = account.mobile
    return applied({ accountId: account.id })
  })
  const previous: string | null = oldMobile
  if (outcome.status === 'applied' && previous && previous !== normalize.mobile(p.newMobile)) {
    notify(
      env.ctx,
      () =>
        messages.sms({
          to: previous,
          text: `【ETEST】您的ETEST通行证手机号已变更为 ${maskMobile(normalize.mobile(p.newMobile))}。如非本人操作，请及时联系考点。`,
        }),
      'old mobile notice',
    )
  }
  return outcome
}

const changePassword: Handler<'changePassword'> = async (env, p) => {
  const { accounts } = env.ctx
  const account = sessionAccount(env, p.sessionToken)
  if (isError(account)) return env.finish(() => rejected(account))
  // The old password is guessed under the log-in's lock, a batch of guesses included.
  const attempt = countPasswordAttempt(accounts.guardOfAccount(account, env.now), env.now, (failures, lockedUntil) =>
    accounts.loginFailed(account.id, failures, lockedUntil, env.now),
  )
  if (attempt.locked) return env.finish(() => rejected({ code: 'ACCOUNT_LOCKED', retryAfter: attempt.lockedForSec }))
  if (!(await verifyPassword(account.password_hash, p.oldPassword))) {
    return env.finish(() => rejected(wrongPasswordError(attempt, { code: 'BAD_CREDENTIALS' as const, field: 'oldPassword' })))
  }
  accounts.loginOk(account.id)
  const personal = builtFromAccount(account, p.newPassword)
  if (personal) return env.finish(() => rejected(personal))
  const passwordHash = await hashPassword(p.newPassword)
  return env.finish(() => {
    const current = sessionAccount(env, p.sessionToken)
    if (isError(current)) return rejected(current)
    accounts.setPassword(current.id, passwordHash, env.now)
    accounts.endOtherSessions(current.id, env.now, p.sessionToken)
    accounts.audit({ accountId: current.id, at: env.now, event: 'passwordChanged', kioskId: env.kioskId, opId: env.opId })
    return applied({ accountId: current.id })
  })
}

const verifyMobile: Handler<'verifyMobile'> = async (env, p) =>
  env.finish(() => {
    const account = sessionAccount(env, p.sessionToken)
    if (isError(account)) return rejected(account)
    if (normalize.mobile(p.mobile) !== account.mobile) return rejected({ code: 'INVALID_FIELD', field: 'mobile', rule: 'mobile.notAccount' })
    const proof = smsProof(env, p, p.mobile, 'verifyMobile')
    if (!proof.ok) {
      proof.onReject?.()
      return rejected(proof.error)
    }
    env.ctx.accounts.setMobileVerified(account.id, env.now)
    proof.consume(env.now)
    return applied({ accountId: account.id })
  })

const verifyEmail: Handler<'verifyEmail'> = async (env, p) => {
  const { accounts, codes, messages } = env.ctx
  let notice: { to: string; newEmail: string } | undefined
  const outcome = env.finish(() => {
    const account = sessionAccount(env, p.sessionToken)
    if (isError(account)) return rejected(account)
    const email = normalize.email(p.email)
    if (email !== account.pending_email && email !== account.email) return rejected({ code: 'INVALID_FIELD', field: 'email', rule: 'email.notAccount' })
    const proof = codes.check('email', email, 'verifyEmail', p.emailCode, env.createdAt)
    if (!proof.ok) {
      proof.onReject?.()
      return rejected(proof.error)
    }
    const holder = accounts.byEmail(email)
    if (holder && holder.id !== account.id) return rejected({ code: 'EMAIL_OCCUPIED' })
    accounts.setEmail(account.id, email, env.now)
    proof.consume(env.now)
    accounts.audit({ accountId: account.id, at: env.now, event: 'emailVerified', kioskId: env.kioskId, opId: env.opId })
    if (account.email && account.email !== email) notice = { to: account.email, newEmail: email }
    return applied({ accountId: account.id })
  })
  const sent = notice
  if (sent) {
    notify(
      env.ctx,
      () =>
        messages.email({
          to: sent.to,
          subject: 'ETEST通行证 邮箱变更提醒',
          text: `您的ETEST通行证电子邮箱已变更为 ${maskEmail(sent.newEmail)}。如非本人操作，请及时联系考点。`,
        }),
      'old email notice',
    )
  }
  return outcome
}

const appealInserts = new WeakMap<Db, Statement>()
/** The appeal insert, prepared once per database. */
function appealInsert(db: Db): Statement {
  let statement = appealInserts.get(db)
  if (!statement) {
    statement = db.prepare(
      `INSERT INTO appeals (id, op_id, kiosk_id, occupied, id_type, id_number, name, mobile, email, statement,
         attestation, status, created_at)
       VALUES (@id, @opId, @kioskId, @occupied, @idType, @idNumber, @name, @mobile, @email, @statement,
         @attestation, 'pending', @now)`,
    )
    appealInserts.set(db, statement)
  }
  return statement
}

const appeal: Handler<'appeal'> = async (env, p) =>
  env.finish(() => {
    const appealId = randomUUID()
    appealInsert(env.ctx.db)
      .run({
        id: appealId,
        opId: env.opId,
        kioskId: env.kioskId,
        occupied: p.occupied,
        idType: p.idType,
        idNumber: normalize.idNumber(p.idNumber),
        name: p.name.trim(),
        mobile: normalize.mobile(p.mobile),
        email: normalize.email(p.email),
        statement: p.statement,
        attestation: p.attestation ? JSON.stringify(p.attestation) : null,
        now: env.now,
      })
    return { status: 'pending', result: { appealId } }
  })

export const opHandlers: { [K in OperationKind]: Handler<K> } = {
  register,
  resetPassword,
  updateProfile,
  changeMobile,
  changePassword,
  verifyMobile,
  verifyEmail,
  appeal,
}
