// A central server whose clock is far from the kiosk's. Kiosks take the server's time from the Date
// header of its answers (sync/centralClient.ts), so a server set hours off still serves them; when a
// kiosk cannot see the server's time (a proxy in front stamps its own Date), it is refused, and the
// operator must be able to read why.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createCentralClient } from '../../../sync/centralClient'
import { appealPayload, call, logCapture, startTestServer, TestKiosk } from './kiosk'

const hour = 60 * 60 * 1000

describe("a server clock far from the kiosk's", () => {
  test("a server 3 hours ahead: the kiosk enrols, reads the server's time and its op is taken, dated in the server's time", async (t) => {
    const running = await startTestServer()
    t.after(() => running.stop())
    running.advance(3 * hour)
    const client = createCentralClient({ baseUrl: running.server.url })
    t.after(() => client.close())
    const enrolled = await client.enroll({
      code: running.server.createEnrollmentCode('Hall S'),
      name: 'kiosk 1',
    })
    assert.ok(enrolled.ok)
    client.setCredential({ kioskId: enrolled.value.kioskId, secret: enrolled.value.secret })
    client.setCentralKey(enrolled.value.publicKey, enrolled.value.keyId)
    // Sealed by the kiosk at its own time, as its outbox does.
    const outbox = new TestKiosk(
      running.server.url,
      enrolled.value.kioskId,
      enrolled.value.secret,
      enrolled.value.keyId,
      enrolled.value.publicKey,
    )
    const op = await outbox.op('appeal', appealPayload())

    const pushed = await client.pushOps([op])

    // Before: the Date header told the machine's time, not the server's clock: every signed call 401.
    assert.deepEqual(pushed.ok && pushed.value.map((result) => result.status), ['pending'])
    assert.ok(Math.abs(client.clockOffsetMs() - 3 * hour) < 3_000, `offset ${client.clockOffsetMs()}`)
  })

  test("a kiosk that signs 10 minutes from the server's clock is refused UNAUTHORIZED, and the log tells the operator which kiosk, how far, and what to check", async (t) => {
    const log = logCapture()
    const running = await startTestServer({ logger: log.logger })
    t.after(() => running.stop())
    const kiosk = await TestKiosk.enrol(running, 'Hall P')
    // Its time came from a proxy whose clock is 10 minutes slow.
    kiosk.clock = () => running.now() - 10 * 60_000

    // Someone without the kiosk's secret, first and further off: refused, and not in the log (nor
    // does it take the kiosk's one warning of the minute).
    const forged = await kiosk.signed('GET', `/v1/ops/${crypto.randomUUID()}`, undefined, {
      secret: 'not-the-secret',
      timestamp: running.now() - 20 * 60_000,
    })
    const first = await kiosk.push([await kiosk.op('appeal', appealPayload())])
    const second = await kiosk.signed('GET', `/v1/ops/${crypto.randomUUID()}`)

    for (const answer of [first, second, forged])
      assert.deepEqual(answer, { status: 401, body: { error: { code: 'UNAUTHORIZED' } } })
    const warnings = log.lines().filter((line) => /clock/.test(line.msg))
    // Before: nothing but the request lines' 401.
    assert.equal(warnings.length, 1, 'once a minute per kiosk: a refused kiosk retries every few seconds')
    assert.equal(warnings[0].kioskId, kiosk.kioskId)
    assert.equal(warnings[0].offBySeconds, -600)
    assert.match(
      warnings[0].msg,
      /more than 5 min away from this server's clock.*check this machine's clock, and that a proxy in front passes that header on/,
    )
  })

  test("a request of a kiosk whose clock is right, sent again later, is refused and logged as a replay, not blamed on the kiosk's clock", async (t) => {
    const log = logCapture()
    const running = await startTestServer({ logger: log.logger })
    t.after(() => running.stop())
    const kiosk = await TestKiosk.enrol(running, 'Hall R')
    const lookUp = async () => {
      const path = `/v1/ops/${crypto.randomUUID()}`
      return { path, headers: (await kiosk.sign('GET', path)).headers }
    }
    // Copied on the way: one request the kiosk sent (and was answered), one that never arrived.
    const sent = await lookUp()
    const held = await lookUp()
    assert.equal((await call(kiosk.url, 'GET', sent.path, undefined, sent.headers)).status, 404)

    const answers = [await call(kiosk.url, 'GET', sent.path, undefined, sent.headers)]
    // 6 minutes later, twice; then, 4 minutes on, the held one, right after the kiosk's own request on time.
    running.advance(6 * 60_000)
    answers.push(await call(kiosk.url, 'GET', sent.path, undefined, sent.headers))
    answers.push(await call(kiosk.url, 'GET', sent.path, undefined, sent.headers))
    running.advance(4 * 60_000)
    assert.equal((await kiosk.signed('GET', `/v1/ops/${crypto.randomUUID()}`)).status, 404)
    answers.push(await call(kiosk.url, 'GET', held.path, undefined, held.headers))

    for (const answer of answers) assert.deepEqual(answer, { status: 401, body: { error: { code: 'UNAUTHORIZED' } } })
    const lines = log.lines()
    // Before: "the kiosk signed it more than 5 min away from this server's clock … check this machine's clock".
    assert.deepEqual(lines.filter((line) => /clock/.test(line.msg)).map((line) => line.msg), [])
    const replays = lines.filter((line) => /replay/.test(line.msg))
    assert.equal(replays.length, 3, 'at most once a minute per kiosk, as the clock warning')
    for (const line of replays) {
      assert.equal(line.kioskId, kiosk.kioskId)
      assert.match(line.msg, /^request refused: a replay of a request this kiosk signed earlier/)
    }
    assert.deepEqual(replays.map((line) => line.signedSecondsAgo), [0, 360, 600])
  })

  test("a server whose clock was set back 10 minutes refuses its kiosks' requests as signed too far from its clock, not as replays, though their last ones were on time", async (t) => {
    const log = logCapture()
    const running = await startTestServer({ logger: log.logger })
    t.after(() => running.stop())
    const kiosk = await TestKiosk.enrol(running, 'Hall S')
    assert.equal((await kiosk.signed('GET', `/v1/ops/${crypto.randomUUID()}`)).status, 404)
    // The kiosk keeps the time the server told it; the server's clock goes back (an operator, or NTP).
    const setBack = 10 * 60_000
    running.advance(-setBack)
    kiosk.clock = () => running.now() + setBack

    const answer = await kiosk.signed('GET', `/v1/ops/${crypto.randomUUID()}`)

    assert.deepEqual(answer, { status: 401, body: { error: { code: 'UNAUTHORIZED' } } })
    const lines = log.lines()
    // Before: "a replay of a request this kiosk signed earlier": the request taken before the step,
    // signed "ahead" of the clock set back, was counted as the kiosk's own on time.
    assert.deepEqual(
      lines.filter((line) => /replay/.test(line.msg)).map((line) => line.msg),
      [],
    )
    const clock = lines.filter((line) => /clock/.test(line.msg))
    assert.equal(clock.length, 1)
    assert.equal(clock[0].offBySeconds, 600)
  })

  test("a kiosk still refused for its time after this server's clock was set back is named again, not silenced until the clock catches up", async (t) => {
    const log = logCapture()
    const running = await startTestServer({ logger: log.logger })
    t.after(() => running.stop())
    const kiosk = await TestKiosk.enrol(running, 'Hall T')
    kiosk.clock = () => running.now() - 10 * 60_000
    assert.equal((await kiosk.signed('GET', `/v1/ops/${crypto.randomUUID()}`)).status, 401)
    // The operator sets this server's clock back half an hour; the kiosk is still 10 minutes off it.
    running.advance(-30 * 60_000)
    assert.equal((await kiosk.signed('GET', `/v1/ops/${crypto.randomUUID()}`)).status, 401)

    // Before: once only; the minute since the first was counted from a time now 30 minutes ahead.
    const warnings = log.lines().filter((line) => /clock/.test(line.msg))
    assert.deepEqual(warnings.map((line) => line.offBySeconds), [-600, -600])
  })
})
