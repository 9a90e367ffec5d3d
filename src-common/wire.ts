import { z } from 'zod'
import { kioskErrorSchema } from './errors'
import { operationKindSchema } from './operations'

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
  /** GET /v1/receipts/:code — an op looked up by its receipt code. */
  receipt: '/v1/receipts/:code',
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

export const sealedBoxSchema = z.strictObject({ enc: z.string().max(256), ct: z.string().max(64_000) })

export const wireOpSchema = z.strictObject({
  /** UUIDv7: the idempotency key. */
  id: z.string().uuid(),
  kind: operationKindSchema,
  /** 8 characters of Crockford base32. */
  receipt: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{8}$/),
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

export const opResultSchema = z.discriminatedUnion('status', [
  z.object({ id: z.string(), status: z.literal('applied'), result: z.record(z.string(), z.unknown()).default({}) }),
  z.object({ id: z.string(), status: z.literal('rejected'), error: kioskErrorSchema }),
  /** Accepted and stored, outcome decided later (appeals): poll GET /v1/ops/:id. */
  z.object({ id: z.string(), status: z.literal('pending') }),
])
export type OpResult = z.infer<typeof opResultSchema>

export const opsResponse = z.object({ results: z.array(opResultSchema) })

export const receiptResponse = z.object({
  receipt: z.string(),
  kind: operationKindSchema,
  status: z.enum(['applied', 'rejected', 'pending']),
  error: kioskErrorSchema.optional(),
  updatedAt: z.string(),
})

/** Any non-2xx answer carries one error value. */
export const errorResponse = z.object({ error: kioskErrorSchema })
