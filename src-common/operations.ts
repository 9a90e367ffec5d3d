import { z } from 'zod'
import { ok, type Result } from './errors'
import { fieldErrorOf, fields } from './fields'
import type { RuleResult } from './rules/fieldMessages'
import { checkIdNumber } from './rules/idNumberRule'
import type { IdType } from './rules/idTypes'
import { checkName } from './rules/nameRule'
import { checkPasswordAgainstContext, type PasswordContext } from './rules/passwordRule'
import { occupiedIdentifiers } from './rules/occupiedIdentifiers'
import { loadPasswordDictionary } from './rules/passwordStrength'

/**
 * Every operation the kiosk queues in its outbox, with its payload schema and which of its fields
 * are secret (passwords, codes, tokens) or personal (ID number, name, mobile, email, free text).
 * The outbox seals exactly the secret and personal fields; everything else travels in clear.
 */

/** Staff attestation for on-site services, recorded on the op. */
export const attestationSchema = z.strictObject({
  staffId: z.string().trim().min(1).max(32),
  staffName: z.string().trim().min(1).max(64),
  /** ISO time at which staff checked the physical document. */
  checkedAt: z.string().datetime(),
})
export type Attestation = z.infer<typeof attestationSchema>

function report(ctx: z.RefinementCtx, field: string, result: RuleResult): void {
  if (result.ok) return
  ctx.addIssue({
    code: 'custom',
    path: [field],
    message: result.rule,
    params: { rule: result.rule, ...result.params },
  })
}

/** The ID number and the name each follow the rules of the document type chosen beside them. */
function checkDocument(
  value: { idType: IdType; idNumber: string; name: string },
  ctx: z.RefinementCtx,
): void {
  report(ctx, 'idNumber', checkIdNumber(value.idNumber, value.idType))
  report(ctx, 'name', checkName(value.name, value.idType))
}

/**
 * The password must not be built from the candidate's own details entered in the same operation.
 * Its field (fields.password) has already run the format and the dictionary checks.
 */
function checkPasswordAgainst(
  field: string,
  password: string,
  context: PasswordContext,
  ctx: z.RefinementCtx,
): void {
  report(ctx, field, checkPasswordAgainstContext(password, context))
}

/** A proof that a mobile/email was verified: either the code the candidate typed, or the token from an online verify. */
const smsProof = {
  smsCode: fields.smsCode.optional(),
  verificationToken: fields.token.optional(),
}

const registerSchema = z
  .strictObject({
    email: fields.email,
    mobile: fields.mobile,
    password: fields.password,
    idType: fields.idType,
    idNumber: fields.idNumber,
    name: fields.name,
    ...smsProof,
    agreed: z.literal(true, { error: 'agreed.required' }),
  })
  .superRefine((value, ctx) => {
    checkDocument(value, ctx)
    checkPasswordAgainst('password', value.password, value, ctx)
  })

const resetPasswordSchema = z.discriminatedUnion('method', [
  z
    .strictObject({
      method: z.literal('sms'),
      mobile: fields.mobile,
      ...smsProof,
      newPassword: fields.password,
    })
    .superRefine((value, ctx) => checkPasswordAgainst('newPassword', value.newPassword, value, ctx)),
  z
    .strictObject({
      method: z.literal('email'),
      email: fields.email,
      emailCode: fields.emailCode,
      newPassword: fields.password,
    })
    .superRefine((value, ctx) => checkPasswordAgainst('newPassword', value.newPassword, value, ctx)),
  z
    .strictObject({
      method: z.literal('attested'),
      idType: fields.idType,
      idNumber: fields.idNumber,
      name: fields.name,
      newPassword: fields.password,
      attestation: attestationSchema,
    })
    .superRefine((value, ctx) => {
      checkDocument(value, ctx)
      checkPasswordAgainst('newPassword', value.newPassword, value, ctx)
    }),
])

/**
 * 修改资料. The document type is always sent (the screen shows the account's); email, ID number and
 * name only when the candidate typed a new value: one left out keeps the account's. The server
 * checks a kept number or name against a new document type (it alone holds them in full).
 */
const updateProfileSchema = z
  .strictObject({
    sessionToken: fields.token,
    email: fields.email.optional(),
    idType: fields.idType,
    idNumber: fields.idNumber.optional(),
    name: fields.name.optional(),
    ...smsProof,
  })
  .superRefine((value, ctx) => {
    if (value.idNumber !== undefined) report(ctx, 'idNumber', checkIdNumber(value.idNumber, value.idType))
    if (value.name !== undefined) report(ctx, 'name', checkName(value.name, value.idType))
  })

const changeMobileSchema = z.strictObject({
  sessionToken: fields.token,
  newMobile: fields.mobile,
  ...smsProof,
})

const changePasswordSchema = z
  .strictObject({
    sessionToken: fields.token,
    oldPassword: fields.currentPassword,
    newPassword: fields.password,
  })
  .superRefine((value, ctx) =>
    checkPasswordAgainst('newPassword', value.newPassword, { oldPassword: value.oldPassword }, ctx),
  )

const verifyMobileSchema = z.strictObject({ sessionToken: fields.token, mobile: fields.mobile, ...smsProof })

const verifyEmailSchema = z.strictObject({
  sessionToken: fields.token,
  email: fields.email,
  emailCode: fields.emailCode,
})

export { occupiedIdentifiers, type OccupiedIdentifier } from './rules/occupiedIdentifiers'

const appealSchema = z
  .strictObject({
    occupied: z.enum(occupiedIdentifiers, { error: 'occupied.required' }),
    idType: fields.idType,
    idNumber: fields.idNumber,
    name: fields.name,
    mobile: fields.mobile,
    email: fields.email,
    statement: fields.statement,
    attestation: attestationSchema.optional(),
  })
  .superRefine(checkDocument)

export const operations = {
  register: {
    schema: registerSchema,
    secret: ['password', 'smsCode', 'verificationToken'],
    personal: ['email', 'mobile', 'idNumber', 'name'],
  },
  resetPassword: {
    schema: resetPasswordSchema,
    secret: ['newPassword', 'smsCode', 'verificationToken', 'emailCode'],
    personal: ['mobile', 'email', 'idNumber', 'name', 'attestation'],
  },
  updateProfile: {
    schema: updateProfileSchema,
    secret: ['sessionToken', 'smsCode', 'verificationToken'],
    personal: ['email', 'idNumber', 'name'],
  },
  changeMobile: {
    schema: changeMobileSchema,
    secret: ['sessionToken', 'smsCode', 'verificationToken'],
    personal: ['newMobile'],
  },
  changePassword: {
    schema: changePasswordSchema,
    secret: ['sessionToken', 'oldPassword', 'newPassword'],
    personal: [],
  },
  verifyMobile: {
    schema: verifyMobileSchema,
    secret: ['sessionToken', 'smsCode', 'verificationToken'],
    personal: ['mobile'],
  },
  verifyEmail: { schema: verifyEmailSchema, secret: ['sessionToken', 'emailCode'], personal: ['email'] },
  appeal: {
    schema: appealSchema,
    secret: [],
    personal: ['idNumber', 'name', 'mobile', 'email', 'statement', 'attestation'],
  },
} as const satisfies Record<
  string,
  { schema: z.ZodType; secret: readonly string[]; personal: readonly string[] }
>

export type OperationKind = keyof typeof operations
export const operationKinds = Object.keys(operations) as OperationKind[]

/** The kinds whose payload may carry any of the secret fields `fields`. */
function kindsCarrying(fields: readonly string[]): readonly OperationKind[] {
  return operationKinds.filter((kind) => fields.some((field) => (operations[kind].secret as readonly string[]).includes(field)))
}

/**
 * Ops that act for a logged-in candidate (their payload carries the session token): the server
 * applies one only for the kiosk that logged in.
 */
export const sessionKinds: readonly OperationKind[] = kindsCarrying(['sessionToken'])

/**
 * Fields that tie an op to the kiosk that sends it: the server applies it only for the kiosk that
 * logged in (a session token) or that verified the mobile (a verification token). Under a new
 * enrolment, a new kiosk id, such an op could not be applied.
 */
export const kioskBoundFields = ['sessionToken', 'verificationToken'] as const
export const carriesKioskBoundField = (payload: Record<string, unknown>): boolean =>
  kioskBoundFields.some((field) => payload[field] !== undefined)
/** The kinds whose payload may carry one. */
export const mayCarryKioskBound: readonly OperationKind[] = kindsCarrying(kioskBoundFields)
/** An op's receipt code: 8 characters of Crockford base32, read out or scanned to follow it. */
export const receiptCodeSchema = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{8}$/)
export const operationKindSchema = z.enum(operationKinds as [OperationKind, ...OperationKind[]])
export type OperationPayload<K extends OperationKind> = z.infer<(typeof operations)[K]['schema']>

/** Operations whose outcome is decided later by a person (polled by the sync engine). */
export const deferredKinds: readonly OperationKind[] = ['appeal']

/** Splits a validated payload into what is sealed and what travels in clear. */
export function splitPayload(kind: OperationKind, payload: Record<string, unknown>) {
  const { secret, personal } = operations[kind]
  const sensitive = new Set<string>([...secret, ...personal])
  const sealed: Record<string, unknown> = {}
  const clear: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(payload)) {
    if (value === undefined) continue
    ;(sensitive.has(key) ? sealed : clear)[key] = value
  }
  return { sealed, clear }
}

/**
 * The authoritative check of an operation's payload, for main before anything is queued and for the
 * server before anything is applied: loads the common-password dictionary, then parses. Answers the
 * normalised payload, or WEAK_PASSWORD / INVALID_FIELD naming the field and the rule.
 */
export async function parseOperation<K extends OperationKind>(
  kind: K,
  payload: unknown,
): Promise<Result<OperationPayload<K>>> {
  await loadPasswordDictionary()
  const result = operations[kind].schema.safeParse(payload)
  if (result.success) return ok(result.data as OperationPayload<K>)
  return { ok: false, error: fieldErrorOf(result.error) }
}
