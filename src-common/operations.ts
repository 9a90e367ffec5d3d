import { z } from 'zod'
import { fields } from './fields'

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

/** A proof that a mobile/email was verified: either the code the candidate typed, or the token from an online verify. */
const smsProof = {
  smsCode: fields.smsCode.optional(),
  verificationToken: fields.token.optional(),
}

const registerSchema = z.strictObject({
  email: fields.email,
  mobile: fields.mobile,
  password: fields.password,
  idType: fields.idType,
  idNumber: fields.idNumber,
  name: fields.name,
  ...smsProof,
  agreed: z.literal(true),
})

const resetPasswordSchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('sms'), mobile: fields.mobile, ...smsProof, newPassword: fields.password }),
  z.strictObject({
    method: z.literal('email'),
    email: fields.email,
    emailCode: fields.emailCode,
    newPassword: fields.password,
  }),
  z.strictObject({
    method: z.literal('attested'),
    idType: fields.idType,
    idNumber: fields.idNumber,
    name: fields.name,
    newPassword: fields.password,
    attestation: attestationSchema,
  }),
])

const updateProfileSchema = z.strictObject({
  sessionToken: fields.token,
  email: fields.email,
  idType: fields.idType,
  idNumber: fields.idNumber,
  name: fields.name,
  ...smsProof,
})

const changeMobileSchema = z.strictObject({
  sessionToken: fields.token,
  newMobile: fields.mobile,
  ...smsProof,
})

const changePasswordSchema = z.strictObject({
  sessionToken: fields.token,
  oldPassword: z.string().min(1).max(64),
  newPassword: fields.password,
})

const verifyMobileSchema = z.strictObject({ sessionToken: fields.token, mobile: fields.mobile, ...smsProof })

const verifyEmailSchema = z.strictObject({ sessionToken: fields.token, email: fields.email, emailCode: fields.emailCode })

export const occupiedIdentifiers = ['idNumber', 'mobile', 'email'] as const
export type OccupiedIdentifier = (typeof occupiedIdentifiers)[number]

const appealSchema = z.strictObject({
  occupied: z.enum(occupiedIdentifiers),
  idType: fields.idType,
  idNumber: fields.idNumber,
  name: fields.name,
  mobile: fields.mobile,
  email: fields.email,
  statement: z.string().trim().min(10).max(1000),
  attestation: attestationSchema.optional(),
})

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
  verifyMobile: { schema: verifyMobileSchema, secret: ['sessionToken', 'smsCode', 'verificationToken'], personal: ['mobile'] },
  verifyEmail: { schema: verifyEmailSchema, secret: ['sessionToken', 'emailCode'], personal: ['email'] },
  appeal: {
    schema: appealSchema,
    secret: [],
    personal: ['idNumber', 'name', 'mobile', 'email', 'statement', 'attestation'],
  },
} as const satisfies Record<string, { schema: z.ZodType; secret: readonly string[]; personal: readonly string[] }>

export type OperationKind = keyof typeof operations
export const operationKinds = Object.keys(operations) as OperationKind[]
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
