import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { errorCodes } from '../../../src-common/errors'
import { operationKinds } from '../../../src-common/operations'
import { smsPurposes, emailPurposes, apiPaths, type InteractiveRoute } from '../../../src-common/wire'
import { candidate as kioskCandidate, payloadOf } from '../sync/fixtures'
import { call, startTestServer, TestKiosk, type Answer, type TestServer } from './kiosk'

// The central API as a kiosk (or whoever holds a kiosk's credential) could call it: signed requests
// whose bodies range from nonsense to nearly right, sealed where they must be. Each answer is a
// status below 500 with a code of the contract, and no op result is INTERNAL: bad input is the
// caller's fault, told as such, never a server error.

let t: TestServer
let kiosk: TestKiosk
before(async () => {
  t = await startTestServer()
  kiosk = await TestKiosk.enrol(t)
})
after(() => t.stop())

const runs = Number(process.env.FUZZ_RUNS ?? 150)
const codes = new Set<string>(errorCodes)

const oddString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', 'x'.repeat(5_000), '\u0000', '\ud800', '__proto__', "'; DROP TABLE accounts; --", '１３８００１３８０００', '2099-01-01T00:00:00Z', 'not-a-date'),
)
const anyValue = fc.oneof(oddString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.anything({ maxDepth: 2 }))
const person = fc.nat(99_999).map((i) => kioskCandidate(800_000 + i))

/** A payload of a valid shape with some fields replaced, dropped or added. */
function mutated(base: fc.Arbitrary<Record<string, unknown>>, keys: string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(base, fc.dictionary(fc.constantFrom(...keys, 'extra', '__proto__'), fc.oneof(anyValue, fc.constant(undefined)), { maxKeys: 3 }))
    .map(([valid, changes]) => ({ ...valid, ...changes }))
}

function assertWellFormed(answer: Answer, what: string): void {
  assert.ok(answer.status < 500, `${what}: ${answer.status} ${JSON.stringify(answer.body)}`)
  if (answer.status >= 400) {
    assert.ok(codes.has(answer.body?.error?.code), `${what}: ${JSON.stringify(answer.body)}`)
  }
}

describe('the central API with odd input from an enrolled kiosk', () => {
  test('POST /v1/ops: a batch of odd ops is answered op by op, or refused whole, never with a server error', async () => {
    const kind = fc.constantFrom(...operationKinds)
    const op = fc
      .tuple(kind, mutated(fc.tuple(kind, fc.nat(99_999)).map(([k, i]) => payloadOf(k, 800_000 + i)), ['idNumber', 'name', 'mobile', 'email', 'password', 'newPassword', 'smsCode', 'sessionToken', 'statement', 'attestation', 'idType', 'occupied', 'method', 'agreed']))
      .chain(([k, payload]) =>
        fc.tuple(
          fc.constant(k),
          fc.constant(payload),
          fc.dictionary(fc.constantFrom('id', 'kind', 'receipt', 'createdAt', 'keyId', 'accountKey', 'clear', 'sealed'), anyValue, { maxKeys: 2 }),
        ),
      )
    const body = fc.oneof(
      { weight: 4, arbitrary: fc.array(op, { minLength: 1, maxLength: 3 }).map((ops) => ({ ops })) },
      { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
    )
    await fc.assert(
      fc.asyncProperty(body, async (generated) => {
        const sent =
          typeof generated === 'object' && generated !== null && 'ops' in generated
            ? { ops: await Promise.all((generated.ops as [string, Record<string, unknown>, Record<string, unknown>][]).map(([k, p, extra]) => kiosk.op(k as never, p, extra as never))) }
            : generated
        const answer = await kiosk.signed('POST', apiPaths.ops, sent === undefined ? null : sent)
        assertWellFormed(answer, 'POST /v1/ops')
        if (answer.status === 200) {
          for (const result of answer.body.results) {
            assert.ok(['applied', 'rejected', 'pending'].includes(result.status), JSON.stringify(result))
            if (result.status === 'rejected') {
              assert.ok(codes.has(result.error?.code), JSON.stringify(result))
              assert.notEqual(result.error.code, 'INTERNAL', `an op answered INTERNAL: ${JSON.stringify(sent).slice(0, 400)}`)
            }
          }
        }
      }),
      { numRuns: runs },
    )
  })

  test('the interactive calls (SMS, email, log-in, session), sealed: odd payloads are refused with a code', async () => {
    const keys = ['mobile', 'email', 'purpose', 'code', 'province', 'idNumber', 'password', 'sessionToken', 'captcha']
    const valid: Record<InteractiveRoute, fc.Arbitrary<Record<string, unknown>>> = {
      smsSend: fc.record({ mobile: person.map((c) => c.mobile), purpose: fc.constantFrom(...smsPurposes) }),
      smsVerify: fc.record({ mobile: person.map((c) => c.mobile), purpose: fc.constantFrom(...smsPurposes), code: fc.stringMatching(/^\d{6}$/) }),
      emailSend: fc.record({ email: person.map((c) => c.email), purpose: fc.constantFrom(...emailPurposes) }),
      emailCheck: fc.record({ email: person.map((c) => c.email), purpose: fc.constantFrom(...emailPurposes), code: fc.stringMatching(/^\d{6}$/) }),
      login: fc.record({ province: fc.constantFrom('11', '31'), idNumber: person.map((c) => c.idNumber), password: person.map((c) => c.password) }),
      logout: fc.record({ sessionToken: fc.base64String({ minLength: 20, maxLength: 60 }) }),
      account: fc.record({ sessionToken: fc.base64String({ minLength: 20, maxLength: 60 }) }),
    }
    const routes = Object.keys(valid) as InteractiveRoute[]
    const request = fc.constantFrom(...routes).chain((route) =>
      fc.tuple(fc.constant(route), fc.oneof({ weight: 3, arbitrary: mutated(valid[route], keys) }, { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) }), fc.boolean()),
    )
    await fc.assert(
      fc.asyncProperty(request, async ([route, payload, sealed]) => {
        // Mostly sealed as the kiosk seals; sometimes sent in clear, which must be refused too.
        const answer = sealed ? await kiosk.interactive(route, payload) : await kiosk.signed('POST', apiPaths[route], payload ?? null)
        assertWellFormed(answer, `POST ${apiPaths[route]}`)
      }),
      { numRuns: runs },
    )
  })

  test('GET an op or a receipt by any id or code, and enrol with any body: a code, never a server error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(oddString, fc.constantFrom('%ZZ', '%ED%A0%80', '%C0%AF', '%00')), fc.anything({ maxDepth: 2 }), async (text, enrolBody) => {
        // Text as a path segment (a lone surrogate as U+FFFD); the %-sequences are sent as they are
        // (broken or odd encodings).
        const id = text.startsWith('%') ? text : encodeURIComponent(Buffer.from(text).toString()) || 'x'
        assertWellFormed(await kiosk.signed('GET', apiPaths.opStatus.replace(':id', id)), 'GET op')
        assertWellFormed(await kiosk.signed('GET', apiPaths.receipt.replace(':code', id)), 'GET receipt')
        assertWellFormed(await call(t.server.url, 'POST', apiPaths.enroll, enrolBody ?? null), 'POST enroll')
      }),
      { numRuns: runs },
    )
  })
})
