import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { apiPaths } from '../../../src-common/wire'
import { open, sealingAad, seal } from '../../../src-common/sealing'
import { startServer } from '../../../server/index'
import { request } from 'node:http'
import { appealPayload, call, cli, startTestServer, TestKiosk, type TestServer } from './kiosk'

/** A request fetch() will not send (a GET with a body). */
function rawCall(url: string, method: string, path: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }
    const sent = request(url + path, { method, headers }, (response) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (text += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }))
    })
    sent.on('error', reject)
    sent.end(body)
  })
}

describe('public endpoints and kiosk enrolment', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(() => t.stop())

  test('health answers 200 and the OpenAPI document lists every endpoint', async () => {
    const health = await call(t.server.url, 'GET', apiPaths.health)
    assert.equal(health.status, 200)
    assert.equal(health.body.ok, true)
    const doc = await call(t.server.url, 'GET', apiPaths.openapi)
    assert.equal(doc.body.openapi, '3.1.0')
    for (const path of ['/v1/ops', '/v1/ops/{id}', '/v1/receipts/{code}', apiPaths.login, apiPaths.smsSend, apiPaths.enroll]) {
      assert.ok(doc.body.paths[path], path)
    }
  })

  test('the published key seals boxes the server key file opens; the private key file is readable by its owner only', async () => {
    const keys = await call(t.server.url, 'GET', apiPaths.keys)
    assert.equal(keys.body.keyId, t.server.keyId)
    const box = await seal(keys.body.publicKey, { hello: 1 }, sealingAad('x', 'appeal'))
    const file = join(t.dataDir, 'sealing-key.json')
    assert.equal(statSync(file).mode & 0o777, 0o600)
    const { readFileSync } = await import('node:fs')
    const { privateKey } = JSON.parse(readFileSync(file, 'utf8'))
    assert.deepEqual(await open(privateKey, box, sealingAad('x', 'appeal')), { hello: 1 })
  })

  test('central.db and its -wal are readable by their owner only, in a data folder an administrator made open to all', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'central-open-'))
    chmodSync(dataDir, 0o755)
    const server = await startServer({ port: 0, dataDir, dev: true, logger: false })
    try {
      // Accounts, kiosks' request-signing secrets: the umask's 0644 let every local user read them.
      for (const name of ['central.db', 'central.db-wal']) {
        const file = join(dataDir, name)
        assert.ok(existsSync(file), name)
        assert.equal(statSync(file).mode & 0o777, 0o600, name)
      }
    } finally {
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  test('an enrolment code is exchanged once for a credential; reuse and unknown codes are NOT_ENROLLED', async () => {
    const code = t.server.createEnrollmentCode('Hall C')
    const first = await call(t.server.url, 'POST', apiPaths.enroll, { code, name: 'kiosk 7' })
    assert.equal(first.status, 200)
    assert.equal(typeof first.body.secret, 'string')
    assert.equal(first.body.publicKey, t.server.publicKey)
    const again = await call(t.server.url, 'POST', apiPaths.enroll, { code, name: 'kiosk 8' })
    assert.deepEqual(again, { status: 401, body: { error: { code: 'NOT_ENROLLED' } } })
    const unknown = await call(t.server.url, 'POST', apiPaths.enroll, { code: 'AAAA-BBBB-CCCC-DDDD', name: 'kiosk 9' })
    assert.equal(unknown.status, 401)
    const extra = await call(t.server.url, 'POST', apiPaths.enroll, { code, name: 'k', admin: true })
    assert.equal(extra.status, 400)
    assert.equal(extra.body.error.code, 'BAD_REQUEST')
    const wrongType = await call(t.server.url, 'POST', apiPaths.enroll, { code: 12345678, name: 'k' })
    assert.equal(wrongType.status, 400)
  })

  test('an enrolment code read aloud or copied from paper or a chat still enrols: any case, full width, spaces, other dashes or none, O for 0, I or L for 1', async () => {
    const typings = [
      (code: string) => code.toLowerCase().replaceAll('-', ' '),
      (code: string) => code.replaceAll('-', ''),
      (code: string) => ` ${code.replaceAll('0', 'O').replaceAll('1', 'l')} `,
      // A Chinese input method's full width; a chat program's dashes.
      (code: string) => [...code].map((c) => (c === '-' ? '－' : String.fromCharCode(c.charCodeAt(0) + 0xfee0))).join(''),
      (code: string) => code.replace('-', '–').replace('-', '—').replace('-', '\u2212'),
      (code: string) => code.replace('-', 'ー').replace('-', '一'),
    ]
    for (const typed of typings) {
      const code = t.server.createEnrollmentCode('Hall D')

      const answer = await call(t.server.url, 'POST', apiPaths.enroll, { code: typed(code), name: 'kiosk 10' })

      assert.equal(answer.status, 200, `${code} typed as ${typed(code)}`)
    }
    const oneShort = t.server.createEnrollmentCode('Hall D').slice(0, -1)
    assert.equal((await call(t.server.url, 'POST', apiPaths.enroll, { code: oneShort, name: 'kiosk 11' })).status, 401)
  })

  test('a body sent without a kiosk credential is parsed only by enrolment, and only a few KB of it', async () => {
    // Not JSON at all: a route that does not read a body answers as it would without one.
    const notJson = '{"a":'
    const health = await rawCall(t.server.url, 'GET', apiPaths.health, notJson)
    assert.equal(health.status, 200, 'health does not parse a body')
    assert.equal((await call(t.server.url, 'POST', '/no/such/path', notJson)).status, 404)
    assert.equal((await call(t.server.url, 'DELETE', apiPaths.ops, notJson)).status, 404)
    // 1 MB of nested arrays costs JSON.parse hundreds of ms of the server's one thread: enrolment,
    // the one unsigned route that reads a body, takes a code and a name, not a megabyte.
    const nested = '['.repeat(400_000) + ']'.repeat(400_000)
    const enrol = await call(t.server.url, 'POST', apiPaths.enroll, nested)
    assert.deepEqual(enrol, { status: 413, body: { error: { code: 'BAD_REQUEST' } } })
    const devCode = await call(t.server.url, 'POST', apiPaths.devEnrollCode, nested)
    assert.equal(devCode.status, 413)
  })

  test('--dev exposes POST /dev/enroll-code for the demo mode', async () => {
    const fresh = await call(t.server.url, 'POST', apiPaths.devEnrollCode, {})
    const enrolled = await call(t.server.url, 'POST', apiPaths.enroll, { code: fresh.body.code, name: 'demo kiosk' })
    assert.equal(enrolled.status, 200)
  })

  test('repeated failed enrolments from one address are rate limited', async () => {
    let last = { status: 0, body: undefined as unknown }
    for (let i = 0; i < 22; i++) {
      last = await call(t.server.url, 'POST', apiPaths.enroll, { code: `WRONG-CODE-${i}`, name: 'k' })
    }
    assert.equal(last.status, 429)
  })

  /** Wrong codes from this address until the server holds it back (each test starts from there, whatever ran before). */
  async function exhaustTries(): Promise<void> {
    for (let i = 0; i < 25; i++) if ((await call(t.server.url, 'POST', apiPaths.enroll, { code: `WRONG-CODE-E${i}`, name: 'k' })).status === 429) return
    assert.fail('no limit after 25 wrong codes')
  }

  test('once the 10 min window has passed the address gets 20 fresh tries, then waits again', async () => {
    const tryWrong = () => call(t.server.url, 'POST', apiPaths.enroll, { code: 'WRONG-CODE-X', name: 'k' })
    await exhaustTries()
    assert.equal((await tryWrong()).status, 429)
    t.advance(10 * 60_000)
    for (let i = 0; i < 20; i++) assert.equal((await tryWrong()).status, 401, `try ${i + 1}`)
    const refused = await tryWrong()
    assert.equal(refused.status, 429)
    assert.ok(refused.body.error.retryAfter > 590 && refused.body.error.retryAfter <= 600)
  })

  test('a client that says it is someone else (X-Forwarded-For) is not believed without --trust-proxy', async () => {
    await exhaustTries()
    const answer = await call(t.server.url, 'POST', apiPaths.enroll, { code: 'WRONG-CODE-Y', name: 'k' }, { 'x-forwarded-for': '198.51.100.7' })
    assert.equal(answer.status, 429, 'still this address, which is waiting')
  })
})

describe('enrolment behind a TLS proxy (--trust-proxy)', () => {
  test('counts each client the proxy names, not the proxy', async (t) => {
    const server = await startTestServer({ trustProxy: ['127.0.0.1'] })
    t.after(() => server.stop())
    const tryWrong = (client: string) => call(server.server.url, 'POST', apiPaths.enroll, { code: 'WRONG-CODE-Z', name: 'k' }, { 'x-forwarded-for': client })
    for (let i = 0; i < 20; i++) assert.equal((await tryWrong('203.0.113.5')).status, 401)
    assert.equal((await tryWrong('203.0.113.5')).status, 429)
    // Another hall behind the same proxy is not held up; another address of the same IPv6 /64 is.
    assert.equal((await tryWrong('203.0.113.6')).status, 401)
    for (let i = 0; i < 20; i++) assert.equal((await tryWrong(`2001:db8:1:2::${i + 1}`)).status, 401)
    assert.equal((await tryWrong('2001:db8:1:2:ffff::9')).status, 429)
  })
})

describe('without --dev', () => {
  test('there is no outbox and no enrolment-code endpoint', async () => {
    const t = await startTestServer({ dev: false })
    try {
      assert.equal((await call(t.server.url, 'GET', apiPaths.devOutbox)).status, 404)
      assert.equal((await call(t.server.url, 'POST', apiPaths.devEnrollCode, {})).status, 404)
    } finally {
      await t.stop()
    }
  })
})

describe('signed requests', () => {
  let t: TestServer
  let kiosk: TestKiosk
  before(async () => {
    t = await startTestServer()
    kiosk = await TestKiosk.enrol(t)
  })
  after(() => t.stop())

  const opIsStored = async (id: string) => (await kiosk.signed('GET', `/v1/ops/${id}`)).status === 200

  test('unsigned, unknown-kiosk, wrongly signed, tampered and stale requests get 401 and change nothing', async () => {
    const op = await kiosk.op('appeal', appealPayload())
    const body = { ops: [op] }
    const unsigned = await call(t.server.url, 'POST', apiPaths.ops, body)
    assert.deepEqual(unsigned, { status: 401, body: { error: { code: 'UNAUTHORIZED' } } })
    const stranger = await kiosk.signed('POST', apiPaths.ops, body, { kioskId: crypto.randomUUID() })
    assert.equal(stranger.status, 401)
    const wrongSecret = await kiosk.signed('POST', apiPaths.ops, body, { secret: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })
    assert.equal(wrongSecret.status, 401)
    const signedThenChanged = await kiosk.sign('POST', apiPaths.ops, body)
    const tampered = await call(t.server.url, 'POST', apiPaths.ops, JSON.stringify({ ops: [{ ...op, receipt: 'ZZZZZZZZ' }] }), signedThenChanged.headers)
    assert.equal(tampered.status, 401)
    const stale = await kiosk.signed('POST', apiPaths.ops, body, { timestamp: t.now() - 6 * 60_000 })
    assert.equal(stale.status, 401)
    const early = await kiosk.signed('POST', apiPaths.ops, body, { timestamp: t.now() + 6 * 60_000 })
    assert.equal(early.status, 401)
    assert.equal(await opIsStored(op.id), false)
  })

  test('a request that is not rightly signed is refused before its body is parsed: malformed JSON gets 401, not 400', async () => {
    const garbage = '{"ops": [' + '['.repeat(1000)
    const unauthorized = { status: 401, body: { error: { code: 'UNAUTHORIZED' } } }
    for (const path of [apiPaths.ops, apiPaths.login, apiPaths.smsSend]) {
      assert.deepEqual(await call(t.server.url, 'POST', path, garbage), unauthorized, path)
      assert.deepEqual(await kiosk.signed('POST', path, garbage, { secret: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }), unauthorized, path)
    }
    // Signed by its kiosk, the same text is read, and refused as what it is.
    assert.deepEqual(await kiosk.signed('POST', apiPaths.ops, garbage), { status: 400, body: { error: { code: 'BAD_REQUEST' } } })
    // Enrolment has no signature to check: its body is parsed at once, as before.
    assert.deepEqual(await call(t.server.url, 'POST', apiPaths.enroll, garbage), { status: 400, body: { error: { code: 'BAD_REQUEST' } } })
  })

  test('a replayed request (same nonce) is refused: the SMS is not sent twice', async () => {
    const timestamp = t.now()
    const body = await kiosk.sealFor('smsSend', { mobile: '13800138000', purpose: 'register' }, timestamp)
    const signedOnce = await kiosk.sign('POST', apiPaths.smsSend, body, { timestamp })
    const first = await call(t.server.url, 'POST', apiPaths.smsSend, signedOnce.text, signedOnce.headers)
    assert.equal(first.status, 200)
    t.advance(61_000)
    const replay = await call(t.server.url, 'POST', apiPaths.smsSend, signedOnce.text, signedOnce.headers)
    assert.deepEqual(replay, { status: 401, body: { error: { code: 'UNAUTHORIZED' } } })
    const outbox = await call(t.server.url, 'GET', `${apiPaths.devOutbox}?to=13800138000`)
    assert.equal(outbox.body.messages.length, 1)
  })

  test('a sealed body opens only for the kiosk and the time it was signed with: seen on the way, it cannot be sent again by another kiosk, nor later', async () => {
    const other = await TestKiosk.enrol(t, 'Hall Y')
    const mobile = '13800138077'
    const timestamp = t.now()
    const body = await kiosk.sealFor('smsSend', { mobile, purpose: 'register' }, timestamp)
    const refused = { status: 400, body: { error: { code: 'BAD_REQUEST', field: 'sealed' } } }
    // Another kiosk signs the same box as its own request (its credential stolen, the box seen at a proxy).
    assert.deepEqual(await other.signed('POST', apiPaths.smsSend, body, { timestamp }), refused)
    // The same kiosk later: a new signature at a new time.
    assert.deepEqual(await kiosk.signed('POST', apiPaths.smsSend, body, { timestamp: timestamp + 1_000 }), refused)
    const outbox = () => call(t.server.url, 'GET', `${apiPaths.devOutbox}?to=${mobile}`)
    assert.equal((await outbox()).body.messages.length, 0, 'nothing was sent')
    // As it was made: signed by its kiosk at its time.
    assert.equal((await kiosk.signed('POST', apiPaths.smsSend, body, { timestamp })).status, 200)
    assert.equal((await outbox()).body.messages.length, 1)
  })

  test('a missing credential cannot reach interactive calls either', async () => {
    const answer = await call(t.server.url, 'POST', apiPaths.login, { requestId: crypto.randomUUID(), keyId: 'x', sealed: { enc: 'a', ct: 'b' } })
    assert.equal(answer.status, 401)
  })

  test('`kiosks list` prints a kiosk name with line breaks or terminal escapes as one escaped line', async () => {
    // The kiosk chooses its name at enrolment: it must not print a line of its own (its id shown as
    // revoked), nor drive the administrator's terminal.
    const code = t.server.createEnrollmentCode('Hall E')
    const name = 'k\n00000000-0000-4000-8000-000000000000  revoked 2026-01-01T00:00:00.000Z\r\u001b[2K\u202e\u061c'
    const enrolled = await call(t.server.url, 'POST', apiPaths.enroll, { code, name })
    assert.equal(enrolled.status, 200)
    const { stdout } = await cli(t.dataDir, 'kiosks', 'list')
    const line = stdout.split('\n').find((l) => l.startsWith(enrolled.body.kioskId))
    assert.ok(line, stdout)
    assert.ok(line.endsWith('Hall E / k\\u000a00000000-0000-4000-8000-000000000000  revoked 2026-01-01T00:00:00.000Z\\u000d\\u001b[2K\\u202e\\u061c'), line)
    assert.ok(!/^00000000-0000-4000-8000-000000000000/m.test(stdout), 'no line of its own')
    // U+061C ARABIC LETTER MARK is a bidi mark as U+200F is: it reorders what surrounds it.
    for (const ch of ['\r', '\u001b', '\u202e', '\u061c']) assert.ok(!stdout.includes(ch), 'no control characters reach the terminal')
  })

  test('`kiosks revoke` shuts a kiosk out at once, for ops and interactive calls; `kiosks list` shows it', async () => {
    const stolen = await TestKiosk.enrol(t, 'Hall Z')
    const before = await stolen.op('appeal', appealPayload())
    assert.equal((await stolen.push([before])).status, 200)
    const listed = await cli(t.dataDir, 'kiosks', 'list')
    assert.match(listed.stdout, new RegExp(`${stolen.kioskId}\\s+active.*Hall Z`))
    assert.ok(!listed.stdout.includes(stolen.secret), 'secrets are not listed')

    const revoked = await cli(t.dataDir, 'kiosks', 'revoke', stolen.kioskId)
    assert.match(revoked.stdout, /revoked/)
    const after = await stolen.op('appeal', appealPayload())
    assert.deepEqual(await stolen.push([after]), { status: 401, body: { error: { code: 'UNAUTHORIZED' } } })
    assert.equal((await stolen.interactive('smsSend', { mobile: '13800138009', purpose: 'register' })).status, 401)
    // The other kiosk is untouched.
    assert.equal((await kiosk.signed('GET', `/v1/ops/${crypto.randomUUID()}`)).status, 404)
    assert.match((await cli(t.dataDir, 'kiosks', 'list')).stdout, new RegExp(`${stolen.kioskId}\\s+revoked`))
    await assert.rejects(cli(t.dataDir, 'kiosks', 'revoke', stolen.kioskId), /kiosk \S+ was already revoked/)
  })
})
