import { z } from 'zod'
import * as wire from '../src-common/wire'
import { operations } from '../src-common/operations'
import { signatureHeaders } from '../src-common/requestSigning'

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })

function body(schema: z.ZodType) {
  return { required: true, content: { 'application/json': { schema: json(schema) } } }
}
function answer(schema: z.ZodType, description = 'OK') {
  return { description, content: { 'application/json': { schema: json(schema) } } }
}
const errors = { default: answer(wire.errorResponse, 'An error value with a src-common code') }
const signed = [{ kioskSignature: [] }]

function interactive(summary: string, payload: z.ZodType, response: z.ZodType) {
  return {
    post: {
      summary,
      description:
        'Signed. The body is a sealedRequest whose sealed box opens to x-sealed-payload with AAD = requestId, route name, the signing kiosk id and the signature timestamp, one per line (wire.ts requestAad): a box re-signed by another kiosk, or at another time, does not open.',
      security: signed,
      requestBody: body(wire.sealedRequest),
      'x-sealed-payload': json(payload),
      responses: { 200: answer(response), ...errors },
    },
  }
}

/** The OpenAPI 3.1 description of the API, generated from the wire schemas. */
export function buildOpenApi(dev: boolean) {
  const paths: Record<string, unknown> = {
    [wire.apiPaths.health]: { get: { summary: 'Liveness', responses: { 200: answer(wire.healthResponse) } } },
    [wire.apiPaths.keys]: {
      get: { summary: 'The HPKE public key kiosks seal to', responses: { 200: answer(wire.keysResponse) } },
    },
    [wire.apiPaths.enroll]: {
      post: {
        summary: 'Exchange a one-time enrolment code for the kiosk credential',
        requestBody: body(wire.enrollRequest),
        responses: { 200: answer(wire.enrollResponse), ...errors },
      },
    },
    [wire.apiPaths.ops]: {
      post: {
        summary: 'Apply an ordered batch of sealed operations (op id = idempotency key)',
        security: signed,
        requestBody: body(wire.opsRequest),
        'x-op-payloads': Object.fromEntries(Object.entries(operations).map(([kind, spec]) => [kind, json(spec.schema)])),
        responses: { 200: answer(wire.opsResponse), ...errors },
      },
    },
    '/v1/ops/{id}': {
      get: {
        summary: "One op's current result (poll appeals)",
        security: signed,
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: answer(wire.opStatusResponse), ...errors },
      },
    },
    '/v1/receipts/{code}': {
      get: {
        summary: 'An op looked up by its receipt code',
        description: 'A code alone that finds nothing counts against the kiosk: past its hourly limit, 429 RATE_LIMITED (rule receipt.lookups).',
        security: signed,
        parameters: [
          { name: 'code', in: 'path', required: true, schema: { type: 'string' } },
          {
            name: 'op',
            in: 'query',
            required: false,
            description: 'Only the op with this id and code (a kiosk following its own op after re-enrolment)',
            schema: { type: 'string', format: 'uuid' },
          },
        ],
        responses: { 200: answer(wire.receiptResponse), ...errors },
      },
    },
    [wire.apiPaths.smsSend]: interactive('Send an SMS code', wire.smsSendPayload, wire.smsSendResponse),
    [wire.apiPaths.smsVerify]: interactive('Verify an SMS code', wire.smsVerifyPayload, wire.smsVerifyResponse),
    [wire.apiPaths.emailSend]: interactive('Send an email code (and reset link)', wire.emailSendPayload, wire.emailSendResponse),
    [wire.apiPaths.emailCheck]: interactive('Check an email code', wire.emailCheckPayload, wire.emailCheckResponse),
    [wire.apiPaths.login]: interactive('Log in', wire.loginPayload, wire.loginResponse),
    [wire.apiPaths.logout]: interactive('Log out', wire.logoutPayload, wire.logoutResponse),
    [wire.apiPaths.account]: interactive('Masked account summary', wire.accountPayload, wire.accountResponse),
  }
  if (dev) {
    paths[wire.apiPaths.devOutbox] = {
      get: {
        summary: '--dev only: messages the server sent',
        parameters: [{ name: 'to', in: 'query', required: false, schema: { type: 'string' } }],
        responses: { 200: answer(wire.devOutboxResponse) },
      },
    }
    paths[wire.apiPaths.devEnrollCode] = {
      post: {
        summary: '--dev only: a fresh enrolment code',
        requestBody: body(wire.devEnrollCodeRequest),
        responses: { 200: answer(wire.devEnrollCodeResponse) },
      },
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'ETEST central passport API (reference implementation)', version: '1' },
    components: {
      securitySchemes: {
        kioskSignature: {
          type: 'apiKey',
          in: 'header',
          name: signatureHeaders.signature,
          description: `HMAC-SHA256 with the kiosk secret over method, path, ${signatureHeaders.timestamp}, ${signatureHeaders.nonce} and SHA-256(body); with ${signatureHeaders.kioskId}.`,
        },
      },
    },
    paths,
  }
}
