import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { ServerOptions } from '../../../server/index'
import { apiPaths } from '../../../src-common/wire'
import { call, candidate, latestCode, register, registerFresh, residentId, smsCode, startTestServer, TestKiosk, type TestServer } from './kiosk'

// Each test registers the account it works on (registerFresh), so that it runs alone, in any order:
// a password changed, a lock or a session left by one test reaches no other. Moving the clock is
// harmless between tests: a test holds no session or code across them.

/** A server (with `options`) and a kiosk enrolled on it per hall: ready in the describe's before(), stopped in its after(). */
function serverWithKiosks(options: Partial<ServerOptions> = {}, halls: string[] = ['Hall A']) {
  const s = {} as { t: TestServer; kiosk: TestKiosk; kiosks: TestKiosk[] }
  before(async () => {
    s.t = await startTestServer(options)
    s.kiosks = []
    for (const hall of halls) s.kiosks.push(await TestKiosk.enrol(s.t, hall))
    s.kiosk = s.kiosks[0]!
  })
  after(() => s.t.stop())
  return s
}

describe('log-in, sessions and session ops', () => {
  let t: TestServer
  let kiosk: TestKiosk
  const login = (idNumber: string, password: string) => kiosk.interactive('login', { idNumber, password })
  before(async () => {
    t = await startTestServer()
    kiosk = await TestKiosk.enrol(t)
  })
  after(() => t.stop())

  test('a log-in returns a session and the masked account; the summary never shows the full data', async () => {
    // `candidate` itself, whose masks are known: no other test here registers it.
    const registered = await register(kiosk)
    assert.equal(registered.status, 'applied', JSON.stringify(registered))
    const answer = await login(candidate.idNumber, candidate.password)
    assert.equal(answer.status, 200, JSON.stringify(answer.body))
    assert.equal(answer.body.account.idNumber, '110105********002X')
    assert.equal(answer.body.account.mobile, '138****8000')
    assert.equal(answer.body.account.name, '王**')
    const summary = await kiosk.interactive('account', { sessionToken: answer.body.sessionToken })
    assert.equal(summary.status, 200)
    assert.equal(summary.body.account.accountId, answer.body.account.accountId)
    assert.ok(!JSON.stringify(summary.body).includes(candidate.idNumber))
  })

  test('a wrong password and an unknown account get the same answer', async () => {
    const c = await registerFresh(kiosk)
    const wrong = await login(c.idNumber, 'Wrong123!@x')
    const unknown = await login(residentId('11010519700101555'), c.password)
    assert.deepEqual(wrong, { status: 403, body: { error: { code: 'BAD_CREDENTIALS' } } })
    assert.deepEqual(unknown, wrong)
    const badInput = await kiosk.interactive('login', { idNumber: c.idNumber, password: 7 })
    assert.equal(badInput.status, 400)
    const extra = await kiosk.interactive('login', { idNumber: c.idNumber, password: 'x', captcha: 'ab' })
    assert.deepEqual(extra.body, { error: { code: 'BAD_REQUEST', field: 'captcha' } })
  })

  test('an ID number no account holds locks after 5 failures like an account: a lock does not tell that it exists', async () => {
    // An account whose mobile the scan below must find, to show that it can find something.
    const registered = await registerFresh(kiosk)
    const nobody = residentId('11010519700101666')
    for (let i = 0; i < 4; i++) {
      assert.deepEqual(await login(nobody, 'Wrong123!@x'), { status: 403, body: { error: { code: 'BAD_CREDENTIALS' } } })
    }
    // The fifth failure says that it locked (not 证件号码或密码不正确, then a lock at the sixth try).
    assert.deepEqual(await login(nobody, 'Wrong123!@x'), { status: 423, body: { error: { code: 'ACCOUNT_LOCKED', retryAfter: 60 } } })
    assert.deepEqual(await login(nobody, 'Wrong123!@x'), { status: 423, body: { error: { code: 'ACCOUNT_LOCKED', retryAfter: 60 } } })
    t.advance(61_000)
    // The lock ends as an account's does, and the sixth failure locks for twice as long, said at once.
    assert.deepEqual((await login(nobody, 'Wrong123!@x')).body, { error: { code: 'ACCOUNT_LOCKED', retryAfter: 120 } })
    assert.deepEqual((await login(nobody, 'Wrong123!@x')).body, { error: { code: 'ACCOUNT_LOCKED', retryAfter: 120 } })
    // The number itself is not kept: only a keyed hash of it.
    const file = join(t.dataDir, 'central.db')
    const db = new Database(file)
    try {
      const stored = db.prepare('SELECT key_hash FROM login_guards').all() as { key_hash: string }[]
      assert.ok(stored.length >= 1 && stored.every((row) => !row.key_hash.includes(nobody.slice(0, 10))))
      // Not in any table, index, free page or WAL frame either: the bytes of the database and its WAL
      // (as leakScan.test.ts scans kiosk.db), once checkpointed and while the WAL still holds its frames.
      db.pragma('wal_checkpoint(PASSIVE)')
    } finally {
      db.close()
    }
    const bytes = [file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f))
    assert.ok(bytes.length === 2, 'central.db and central.db-wal')
    const forms = new Set([nobody, nobody.toLowerCase(), nobody.replace(/\D/g, ''), nobody.slice(0, 17)])
    for (const form of forms)
      assert.ok(!bytes.some((b) => b.includes(Buffer.from(form, 'utf8'))), `${form} found in central.db or its WAL`)
    // The scan can fail: the dev outbox keeps the registered mobile in clear.
    assert.ok(bytes.some((b) => b.includes(Buffer.from(registered.mobile, 'utf8'))))
  })

  test('a day without a failure forgets the failures of an account as of a number no account holds: a day later a lock tells them apart no more', async () => {
    const holder = await registerFresh(kiosk)
    const nobody = residentId('11010519700101888')
    const codesOf = async (idNumber: string, tries: number) => {
      const codes: string[] = []
      for (let i = 0; i < tries; i++) codes.push((await login(idNumber, 'Wrong123!@x')).body.error.code)
      return codes
    }
    for (const idNumber of [holder.idNumber, nobody]) assert.equal((await codesOf(idNumber, 6)).at(-1), 'ACCOUNT_LOCKED')
    t.advance(25 * 60 * 60 * 1000)
    // Two more wrong tries each: were the account's five still counted, its second would lock it.
    assert.deepEqual(await codesOf(holder.idNumber, 2), ['BAD_CREDENTIALS', 'BAD_CREDENTIALS'], 'the account')
    assert.deepEqual(await codesOf(nobody, 2), ['BAD_CREDENTIALS', 'BAD_CREDENTIALS'], 'the number no account holds')
    assert.equal((await login(holder.idNumber, holder.password)).status, 200)
  })

  test('after 5 failures the account locks, a reset by SMS lifts the lock and ends the old sessions', async () => {
    const c = await registerFresh(kiosk)
    // Past the 60 s between two codes to the mobile (the register code went to it) before locking,
    // so that the lock still holds when the reset comes: it is the reset that lifts it.
    t.advance(61_000)
    const before = await login(c.idNumber, c.password)
    for (let i = 0; i < 5; i++) await login(c.idNumber, 'Wrong123!@x')
    const locked = await login(c.idNumber, c.password)
    assert.equal(locked.status, 423)
    assert.equal(locked.body.error.code, 'ACCOUNT_LOCKED')
    assert.ok(locked.body.error.retryAfter > 0)

    const code = await smsCode(kiosk, c.mobile, 'resetPassword')
    const reset = await kiosk.apply('resetPassword', { method: 'sms', mobile: c.mobile, smsCode: code, newPassword: 'Xyz789#_k2' })
    assert.equal(reset.status, 'applied', JSON.stringify(reset))
    const oldSession = await kiosk.interactive('account', { sessionToken: before.body.sessionToken })
    assert.deepEqual(oldSession.body, { error: { code: 'SESSION_EXPIRED' } })
    assert.equal((await login(c.idNumber, 'Xyz789#_k2')).status, 200)
    assert.equal((await login(c.idNumber, c.password)).status, 403, 'the old password no longer works')
  })

  test('an op created while the session was valid is applied after log-out; one created after it is SESSION_EXPIRED', async () => {
    const c = await registerFresh(kiosk)
    const session = await login(c.idNumber, c.password)
    const sessionToken = session.body.sessionToken
    const queued = await kiosk.op('changePassword', { sessionToken, oldPassword: c.password, newPassword: 'Xyz789#_k2' })
    assert.deepEqual((await kiosk.interactive('logout', { sessionToken })).body, { ok: true })
    const late = await kiosk.push([queued])
    assert.equal(late.body.results[0].status, 'applied', JSON.stringify(late.body))
    const afterLogout = await kiosk.apply('changePassword', { sessionToken, oldPassword: 'Xyz789#_k2', newPassword: c.password })
    assert.deepEqual(afterLogout.error, { code: 'SESSION_EXPIRED' })
    const summary = await kiosk.interactive('account', { sessionToken })
    assert.equal(summary.status, 403)
  })

  test('change password needs the old one and ends the other sessions, keeping this one', async () => {
    const c = await registerFresh(kiosk)
    const elsewhere = await login(c.idNumber, c.password)
    const here = await login(c.idNumber, c.password)
    const wrongOld = await kiosk.apply('changePassword', { sessionToken: here.body.sessionToken, oldPassword: 'nope', newPassword: 'Pqr456%^m3' })
    assert.deepEqual(wrongOld.error, { code: 'BAD_CREDENTIALS', field: 'oldPassword' })
    const changed = await kiosk.apply('changePassword', { sessionToken: here.body.sessionToken, oldPassword: c.password, newPassword: 'Pqr456%^m3' })
    assert.equal(changed.status, 'applied')
    assert.equal((await kiosk.interactive('account', { sessionToken: here.body.sessionToken })).status, 200)
    assert.equal((await kiosk.interactive('account', { sessionToken: elsewhere.body.sessionToken })).status, 403)
  })

  test('a new password built from the account’s own details is refused, whichever of them its form knew; each refusal spends a try of the code', async () => {
    const c = await registerFresh(kiosk)
    const here = await login(c.idNumber, c.password)
    const personal = { code: 'WEAK_PASSWORD', field: 'newPassword', rule: 'password.personal' }
    // 修改密码's form carries no personal details: the server holds them.
    const fromMobile = `Kq#${c.mobile.slice(1)}`
    const fromIdNumber = `Zt#q${c.idNumber.slice(10, 16)}w`
    for (const newPassword of [fromMobile, fromIdNumber]) {
      const refused = await kiosk.apply('changePassword', { sessionToken: here.body.sessionToken, oldPassword: c.password, newPassword })
      assert.deepEqual(refused.error, personal, newPassword)
    }
    assert.equal((await login(c.idNumber, c.password)).status, 200, 'the password is unchanged')
    // Reset by SMS knows the mobile, not the ID number; by email the email, not the mobile.
    t.advance(61_000) // the registration's SMS went to this mobile within the minute
    const code = await smsCode(kiosk, c.mobile, 'resetPassword')
    const bySms = await kiosk.apply('resetPassword', { method: 'sms', mobile: c.mobile, smsCode: code, newPassword: fromIdNumber })
    assert.deepEqual(bySms.error, personal)
    await kiosk.interactive('emailSend', { email: c.email, purpose: 'resetPassword' })
    // The mail goes out after the answer.
    let emailCode: string | undefined
    for (let tries = 0; emailCode === undefined && tries < 40; tries++) {
      emailCode = await latestCode(t.server.url, c.email).catch(() => new Promise<undefined>((resolve) => setTimeout(resolve, 50)))
    }
    const byEmail = await kiosk.apply('resetPassword', { method: 'email', email: c.email, emailCode: emailCode!, newPassword: fromMobile })
    assert.deepEqual(byEmail.error, personal)
    // Each refusal spent one of the code's 5 tries (it tells something of the ID number): four more
    // such passwords, and the code is void, for the right password too.
    for (let i = 0; i < 4; i++) {
      const again = await kiosk.apply('resetPassword', { method: 'sms', mobile: c.mobile, smsCode: code, newPassword: `${fromIdNumber}${i}` })
      assert.deepEqual(again.error, personal)
    }
    const spent = await kiosk.apply('resetPassword', { method: 'sms', mobile: c.mobile, smsCode: code, newPassword: 'Pqr456%^m3' })
    assert.notEqual(spent.status, 'applied')
    // The email code, refused once, still works for a password of the candidate's own.
    const reset = await kiosk.apply('resetPassword', { method: 'email', email: c.email, emailCode: emailCode!, newPassword: 'Pqr456%^m3' })
    assert.equal(reset.status, 'applied', JSON.stringify(reset))
  })

  test('a new mobile takes effect once proven by SMS, and the old mobile is told', async () => {
    const c = await registerFresh(kiosk)
    const session = await login(c.idNumber, c.password)
    const newMobile = '13100131000'
    const code = await smsCode(kiosk, newMobile, 'changeMobile')
    const changed = await kiosk.apply('changeMobile', { sessionToken: session.body.sessionToken, newMobile, smsCode: code })
    assert.equal(changed.status, 'applied', JSON.stringify(changed))
    const summary = await kiosk.interactive('account', { sessionToken: session.body.sessionToken })
    assert.equal(summary.body.account.mobile, '131****1000')
    await new Promise((resolve) => setTimeout(resolve, 50))
    const notice = await call(t.server.url, 'GET', `${apiPaths.devOutbox}?to=${c.mobile}`)
    assert.match(notice.body.messages.at(-1).text, /131\*\*\*\*1000/)
  })

  test('a new mobile that is the account’s own is refused before a code is sent, and at 确认', async () => {
    const c = await registerFresh(kiosk)
    const session = await login(c.idNumber, c.password)
    t.advance(61_000) // the registration's SMS went to this mobile within the minute
    const same = { code: 'INVALID_FIELD', field: 'mobile', rule: 'mobile.sameAsCurrent' }
    const send = await kiosk.interactive('smsSend', { mobile: c.mobile, purpose: 'changeMobile', sessionToken: session.body.sessionToken })
    assert.deepEqual(send.body, { error: same })
    // A code asked for without the session (as an older kiosk does) is sent; 确认 is then refused.
    const code = await smsCode(kiosk, c.mobile, 'changeMobile')
    const changed = await kiosk.apply('changeMobile', { sessionToken: session.body.sessionToken, newMobile: c.mobile, smsCode: code })
    assert.deepEqual(changed.error, { ...same, field: 'newMobile' })
    // With a session that has ended, nothing is sent either.
    await kiosk.interactive('logout', { sessionToken: session.body.sessionToken })
    const ended = await kiosk.interactive('smsSend', { mobile: '13100131999', purpose: 'changeMobile', sessionToken: session.body.sessionToken })
    assert.deepEqual(ended.body, { error: { code: 'SESSION_EXPIRED' } })
  })

  test('a profile change keeps a new email pending until verifyEmail with the mailed code; the old email is told', async () => {
    const c = await registerFresh(kiosk)
    const session = await login(c.idNumber, c.password)
    const sessionToken = session.body.sessionToken
    // The register code went to this mobile: past the 60 s before the next one.
    t.advance(61_000)
    const code = await smsCode(kiosk, c.mobile, 'updateProfile', sessionToken)
    const profile = {
      sessionToken,
      email: 'new@example.com',
      idType: 'resident',
      idNumber: c.idNumber,
      name: '王小明',
      smsCode: code,
    }
    const updated = await kiosk.apply('updateProfile', profile)
    assert.deepEqual(updated.result, { accountId: session.body.account.accountId, emailPending: true })
    let summary = await kiosk.interactive('account', { sessionToken })
    assert.equal(summary.body.account.email, 'w***@example.com', 'the old email still holds')
    assert.equal(summary.body.account.pendingEmail, 'n***@example.com')
    await new Promise((resolve) => setTimeout(resolve, 50))
    const emailCode = await latestCode(t.server.url, 'new@example.com')
    const oldNotice = await call(t.server.url, 'GET', `${apiPaths.devOutbox}?to=${encodeURIComponent(c.email)}`)
    assert.equal(oldNotice.body.messages.length, 1)
    const wrong = await kiosk.apply('verifyEmail', { sessionToken, email: 'new@example.com', emailCode: 'ZZZZZZZZ' })
    assert.deepEqual(wrong.error, { code: 'BAD_EMAIL_CODE' })
    // Someone else's address: the candidate is told which field and why, in words.
    const stranger = await kiosk.apply('verifyEmail', { sessionToken, email: 'other@example.com', emailCode })
    assert.deepEqual(stranger.error, { code: 'INVALID_FIELD', field: 'email', rule: 'email.notAccount' })
    const verified = await kiosk.apply('verifyEmail', { sessionToken, email: 'new@example.com', emailCode })
    assert.equal(verified.status, 'applied', JSON.stringify(verified))
    summary = await kiosk.interactive('account', { sessionToken })
    assert.equal(summary.body.account.email, 'n***@example.com')
    assert.equal(summary.body.account.pendingEmail, null)
  })

  test('an on-site attested reset matches ID type, number and name; a mismatch is ACCOUNT_NOT_FOUND', async () => {
    const c = await registerFresh(kiosk)
    const attestation = { staffId: 'S001', staffName: '考点老师', checkedAt: new Date(t.now()).toISOString() }
    const base = { method: 'attested', idType: 'resident', idNumber: c.idNumber, newPassword: 'Mno321&*q8', attestation }
    const wrongName = await kiosk.apply('resetPassword', { ...base, name: '王大明' })
    assert.deepEqual(wrongName.error, { code: 'ACCOUNT_NOT_FOUND' })
    const reset = await kiosk.apply('resetPassword', { ...base, name: '王小明' })
    assert.equal(reset.status, 'applied', JSON.stringify(reset))
    assert.equal((await login(c.idNumber, 'Mno321&*q8')).status, 200)
    // Staff saw a document, the holder did nothing: they are told, on the account's mobile and email.
    const sent = (await call(t.server.url, 'GET', '/dev/outbox')).body.messages as { channel: string; to: string; text: string }[]
    const notices = sent.filter((m) => m.text.includes('密码已在考点现场核验证件后重置') && [c.mobile, c.email].includes(m.to))
    assert.deepEqual(notices.map((m) => m.channel).sort(), ['email', 'sms'])
  })

  test('修改资料 keeps what is left out; a kept ID number must fit a new document type', async () => {
    // An ID number of the test's own choosing, so that the mask it keeps can be written out.
    const c = await registerFresh(kiosk, { idNumber: '110105194912310038' })
    const session = await login(c.idNumber, c.password)
    const sessionToken = session.body.sessionToken
    // The register code went to this mobile: past the 60 s before the next one.
    t.advance(61_000)
    const code = await smsCode(kiosk, c.mobile, 'updateProfile', sessionToken)
    // A passport number is not an 18-character resident ID: the kept number does not fit.
    const newType = await kiosk.apply('updateProfile', { sessionToken, idType: 'passport', smsCode: code })
    assert.deepEqual(newType.error, { code: 'INVALID_FIELD', field: 'idNumber', rule: 'idNumber.passportFormat' })
    // The code was not spent on the refused change: only the name changes.
    const renamed = await kiosk.apply('updateProfile', { sessionToken, idType: 'resident', name: '王晓明', smsCode: code })
    assert.equal(renamed.status, 'applied', JSON.stringify(renamed))
    assert.deepEqual(renamed.result, { accountId: session.body.account.accountId, emailPending: false })
    const summary = await kiosk.interactive('account', { sessionToken })
    assert.equal(summary.body.account.email, 'w***@example.com', 'the email is kept')
    assert.equal(summary.body.account.pendingEmail, null)
    assert.equal(summary.body.account.idNumber, '110105********0038', 'the ID number is kept')
    assert.equal((await login(c.idNumber, c.password)).status, 200, 'the same ID number still logs in')
    // The name did change: staff attesting the old name no longer find the account.
    const attestation = { staffId: 'S001', staffName: '考点老师', checkedAt: new Date(t.now()).toISOString() }
    const base = { method: 'attested', idType: 'resident', idNumber: c.idNumber, newPassword: 'Rst654^&w1', attestation }
    assert.deepEqual((await kiosk.apply('resetPassword', { ...base, name: '王小明' })).error, { code: 'ACCOUNT_NOT_FOUND' })
    assert.equal((await kiosk.apply('resetPassword', { ...base, name: '王晓明' })).status, 'applied')
  })
})

describe('a burst of parallel wrong log-ins', () => {
  // 160 wrong tries from one kiosk: above its hourly limit, tested on its own below.
  const s = serverWithKiosks({ limits: { failedLoginsPerKioskPerHour: 1_000 } })
  const login = (idNumber: string, password: string) => s.kiosk.interactive('login', { idNumber, password })
  /**
   * Fires `count` wrong log-ins at once and tallies the answers by error code, a lock by its length
   * too: the fifth guess checked answers the lock it set, and a guess counted past it would lengthen it.
   */
  async function burst(idNumber: string, count: number) {
    const answers = await Promise.all(Array.from({ length: count }, () => login(idNumber, 'Wrong123!@x')))
    const tally: Record<string, number> = {}
    for (const { body } of answers) {
      const key = body.error.code === 'ACCOUNT_LOCKED' ? `ACCOUNT_LOCKED ${body.error.retryAfter > 60 ? 'over' : 'within'} 60 s` : body.error.code
      tally[key] = (tally[key] ?? 0) + 1
    }
    return tally
  }

  test('checks no more than 5 guesses for an account; the right password works once the lock has passed', async () => {
    const c = await registerFresh(s.kiosk)
    assert.deepEqual(await burst(c.idNumber, 40), { BAD_CREDENTIALS: 4, 'ACCOUNT_LOCKED within 60 s': 36 })
    assert.equal((await login(c.idNumber, c.password)).status, 423, 'even the right password waits for the lock')
    s.t.advance(61_000)
    assert.equal((await login(c.idNumber, c.password)).status, 200)
    // The log-in cleared the count: the next burst again gets 5 guesses and a 1 min lock.
    assert.deepEqual(await burst(c.idNumber, 40), { BAD_CREDENTIALS: 4, 'ACCOUNT_LOCKED within 60 s': 36 })
    const locked = await login(c.idNumber, 'Wrong123!@x')
    assert.ok(locked.body.error.retryAfter > 0 && locked.body.error.retryAfter <= 60, 'a first lock again, not a longer one')
  })

  test('checks no more than 5 guesses for an ID number no account holds, answering as for an account', async () => {
    const nobody = residentId('11010519700101777')
    assert.deepEqual(await burst(nobody, 40), { BAD_CREDENTIALS: 4, 'ACCOUNT_LOCKED within 60 s': 36 })
    s.t.advance(61_000)
    // One more guess once the lock has passed, which locks twice as long: as an account's.
    assert.deepEqual(await burst(nobody, 40), { 'ACCOUNT_LOCKED over 60 s': 40 })
    assert.ok((await login(nobody, 'Wrong123!@x')).body.error.retryAfter > 60)
  })
})

// Someone holding one kiosk's credential and an old session token (a kiosk's memory, a log) must not
// get an account: a kiosk may date an op up to the maximum age in the past, so the rules hold
// whatever date an op claims.
describe('sessions and tokens an op dates back to', () => {
  let t: TestServer
  let kiosk: TestKiosk
  const login = (idNumber: string, password: string) => kiosk.interactive('login', { idNumber, password })
  before(async () => {
    t = await startTestServer()
    kiosk = await TestKiosk.enrol(t)
  })
  after(() => t.stop())

  async function tokenFor(mobile: string, purpose: string): Promise<string> {
    const code = await smsCode(kiosk, mobile, purpose)
    const verified = await kiosk.interactive('smsVerify', { mobile, purpose, code })
    assert.equal(verified.status, 200, JSON.stringify(verified.body))
    return verified.body.verificationToken
  }

  test('after a password reset, an op dated back to when an old session was valid is refused', async () => {
    const c = await registerFresh(kiosk)
    const attackerMobile = '13900139000'
    const stolen = (await login(c.idNumber, c.password)).body.sessionToken
    const during = new Date(t.now()).toISOString()
    t.advance(5 * 60_000)
    await kiosk.interactive('logout', { sessionToken: stolen })
    t.advance(61_000)
    const code = await smsCode(kiosk, c.mobile, 'resetPassword')
    assert.equal((await kiosk.apply('resetPassword', { method: 'sms', mobile: c.mobile, smsCode: code, newPassword: 'Xyz789#_k2' })).status, 'applied')
    t.advance(60 * 60_000)
    const verificationToken = await tokenFor(attackerMobile, 'changeMobile')
    const takeover = await kiosk.apply('changeMobile', { sessionToken: stolen, newMobile: attackerMobile, verificationToken }, { createdAt: during })
    assert.deepEqual(takeover.error, { code: 'SESSION_EXPIRED' })
  })

  test('a verification token obtained after the date an op claims is refused for it', async () => {
    const c = await registerFresh(kiosk)
    const attackerMobile = '13900139001'
    const session = (await login(c.idNumber, c.password)).body.sessionToken
    const before = new Date(t.now()).toISOString()
    t.advance(2 * 60_000)
    const verificationToken = await tokenFor(attackerMobile, 'changeMobile')
    const dated = await kiosk.apply('changeMobile', { sessionToken: session, newMobile: attackerMobile, verificationToken }, { createdAt: before })
    assert.deepEqual(dated.error, { code: 'BAD_SMS_CODE' })
  })

  test('a session works only on the kiosk that logged in', async () => {
    const c = await registerFresh(kiosk)
    const other = await TestKiosk.enrol(t, 'Hall B')
    const session = (await login(c.idNumber, c.password)).body.sessionToken
    assert.equal((await other.interactive('account', { sessionToken: session })).status, 403)
    const elsewhere = await other.apply('changePassword', { sessionToken: session, oldPassword: c.password, newPassword: 'Pqr456%^m3' })
    assert.deepEqual(elsewhere.error, { code: 'SESSION_EXPIRED' })
    assert.equal((await kiosk.interactive('account', { sessionToken: session })).status, 200)
  })

  test('wrong old passwords in 修改密码 lock the account as wrong log-ins do, a burst of them included', async () => {
    const c = await registerFresh(kiosk)
    const session = (await login(c.idNumber, c.password)).body.sessionToken
    const guesses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => kiosk.op('changePassword', { sessionToken: session, oldPassword: `Guess${i}!@x`, newPassword: 'Pqr456%^m3' })),
    )
    const codes = (await kiosk.push(guesses)).body.results.map((r: { error?: { code: string } }) => r.error?.code)
    // The fifth wrong one checked says that it locked the account.
    assert.equal(codes.filter((code: string) => code === 'BAD_CREDENTIALS').length, 4, JSON.stringify(codes))
    assert.equal(codes.filter((code: string) => code === 'ACCOUNT_LOCKED').length, 4, JSON.stringify(codes))
    const right = await kiosk.apply('changePassword', { sessionToken: session, oldPassword: c.password, newPassword: 'Pqr456%^m3' })
    assert.equal(right.error?.code, 'ACCOUNT_LOCKED')
    assert.equal((await login(c.idNumber, c.password)).status, 423, 'log-in is locked too')
    t.advance(61_000)
    assert.equal((await kiosk.apply('changePassword', { sessionToken: session, oldPassword: c.password, newPassword: 'Pqr456%^m3' })).status, 'applied')
  })
})

describe('log-in with a document type', () => {
  const s = serverWithKiosks()
  const login = (idNumber: string, password: string, idType?: string) =>
    s.kiosk.interactive('login', { idNumber, password, ...(idType ? { idType } : {}) })

  test('the right password under another document type is refused, and counts on the account', async () => {
    const c = await registerFresh(s.kiosk)
    assert.deepEqual((await login(c.idNumber, c.password, 'passport')).body, { error: { code: 'BAD_CREDENTIALS' } })
    assert.equal((await login(c.idNumber, c.password, 'resident')).status, 200)
  })

  test('tries under any document type lock the one account: a lock does not tell the type, or that the account exists', async () => {
    const c = await registerFresh(s.kiosk)
    for (const idType of [undefined, 'passport', 'resident', 'hkMacauPermit']) assert.equal((await login(c.idNumber, 'Wrong123!@x', idType)).status, 403)
    assert.equal((await login(c.idNumber, 'Wrong123!@x')).status, 423, 'the fifth locks, and says so')
    for (const idType of [undefined, 'resident', 'passport', 'taiwanPermit']) {
      assert.deepEqual((await login(c.idNumber, c.password, idType)).body, { error: { code: 'ACCOUNT_LOCKED', retryAfter: 60 } }, String(idType))
    }
  })
})

describe('logging out', () => {
  const s = serverWithKiosks({}, ['Hall A', 'Hall B'])
  const [hallA, hallB] = [() => s.kiosks[0]!, () => s.kiosks[1]!]

  test("ends only a session of the kiosk that asks: another kiosk's token (from a log, say) ends nothing", async () => {
    const c = await registerFresh(hallA())
    const sessionToken = (await hallA().interactive('login', { idNumber: c.idNumber, password: c.password })).body.sessionToken
    // The same answer either way: it tells nothing about the token.
    assert.deepEqual((await hallB().interactive('logout', { sessionToken })).body, { ok: true })
    assert.equal((await hallA().interactive('account', { sessionToken })).status, 200, 'still logged in at Hall A')
    assert.deepEqual((await hallA().interactive('logout', { sessionToken })).body, { ok: true })
    assert.deepEqual((await hallA().interactive('account', { sessionToken })).body, { error: { code: 'SESSION_EXPIRED' } })
  })
})

describe("codes to the logged-in account's own mobile or email", () => {
  const s = serverWithKiosks()
  /** Registers an account (with `data`) and logs it in. */
  async function loggedIn(data: Partial<typeof candidate> = {}) {
    const c = await registerFresh(s.kiosk, data)
    const sessionToken: string = (await s.kiosk.interactive('login', { idNumber: c.idNumber, password: c.password })).body.sessionToken
    return { c, sessionToken }
  }
  const sentTo = async (to: string) => (await call(s.t.server.url, 'GET', `${apiPaths.devOutbox}?to=${encodeURIComponent(to)}`)).body.messages.length

  test('go only to the account’s own address: a digit mistyped under 138****8000 sends nothing to a stranger', async () => {
    const { c, sessionToken } = await loggedIn({ mobile: '13800138000' })
    const stranger = '13800108000'
    for (const purpose of ['updateProfile', 'verifyMobile']) {
      const answer = await s.kiosk.interactive('smsSend', { mobile: stranger, purpose, sessionToken })
      assert.deepEqual(answer.body, { error: { code: 'INVALID_FIELD', field: 'mobile', rule: 'mobile.notAccount' } }, purpose)
    }
    const email = await s.kiosk.interactive('emailSend', { email: 'other@example.com', purpose: 'verifyEmail', sessionToken })
    assert.deepEqual(email.body, { error: { code: 'INVALID_FIELD', field: 'email', rule: 'email.notAccount' } })
    assert.equal(await sentTo(stranger), 0)
    assert.equal(await sentTo('other@example.com'), 0)

    s.t.advance(61_000)
    const own = await s.kiosk.interactive('smsSend', { mobile: c.mobile, purpose: 'updateProfile', sessionToken })
    assert.equal(own.status, 200, JSON.stringify(own.body))
    assert.equal(await sentTo(c.mobile), 2, 'the register code, then this one')
  })

  test('need the session: without it, or after it ended, nothing is sent', async () => {
    const { c, sessionToken } = await loggedIn()
    // Past the 60 s since the register code, so that a refusal is the session's, not the interval's.
    s.t.advance(61_000)
    const none = await s.kiosk.interactive('smsSend', { mobile: c.mobile, purpose: 'verifyMobile' })
    assert.deepEqual(none.body, { error: { code: 'SESSION_EXPIRED' } })
    await s.kiosk.interactive('logout', { sessionToken })
    const ended = await s.kiosk.interactive('emailSend', { email: c.email, purpose: 'verifyEmail', sessionToken })
    assert.deepEqual(ended.body, { error: { code: 'SESSION_EXPIRED' } })
    assert.equal(await sentTo(c.email), 0)
  })
})

describe("a kiosk's failed log-ins in an hour", () => {
  const s = serverWithKiosks({ limits: { failedLoginsPerKioskPerHour: 6 } }, ['Hall A', 'Hall B'])
  const login = (kiosk: TestKiosk, idNumber: string, password: string) => kiosk.interactive('login', { idNumber, password })

  test('are limited: one password sprayed over many ID numbers stops at the limit, not at the last account', async () => {
    const c = await registerFresh(s.kiosks[0]!)
    // A right log-in in between is not a failure.
    assert.equal((await login(s.kiosks[0]!, c.idNumber, c.password)).status, 200)
    const answers: string[] = []
    for (let i = 0; i < 8; i++) answers.push((await login(s.kiosks[0]!, residentId(`1101051980010${3000 + i}`), 'Passw0rd!x')).body.error.code)
    assert.deepEqual(answers, [...Array(6).fill('BAD_CREDENTIALS'), 'RATE_LIMITED', 'RATE_LIMITED'])
    const limited = await login(s.kiosks[0]!, c.idNumber, c.password)
    assert.equal(limited.status, 429)
    assert.equal(limited.body.error.rule, 'login.perKioskHour')
    assert.ok(limited.body.error.retryAfter > 3_500 && limited.body.error.retryAfter <= 3_600, String(limited.body.error.retryAfter))
    // Another kiosk is not held up, and the account itself is not locked.
    assert.equal((await login(s.kiosks[1]!, c.idNumber, c.password)).status, 200)
  })

  test('an hour after it reached the limit, the kiosk may try again', async () => {
    // A kiosk of the test's own: its hour holds only the failures below.
    const kiosk = await TestKiosk.enrol(s.t, 'Hall C')
    const c = await registerFresh(kiosk)
    for (let i = 0; i < 6; i++) assert.equal((await login(kiosk, residentId(`1101051980020${3000 + i}`), 'Passw0rd!x')).body.error.code, 'BAD_CREDENTIALS')
    assert.equal((await login(kiosk, c.idNumber, c.password)).body.error.code, 'RATE_LIMITED')
    s.t.advance(3_601_000)
    assert.equal((await login(kiosk, c.idNumber, c.password)).status, 200)
  })
})

describe('a locked account tapped again and again', () => {
  const s = serverWithKiosks({ limits: { failedLoginsPerKioskPerHour: 6 } })
  const login = (idNumber: string, password: string) => s.kiosk.interactive('login', { idNumber, password })

  test("does not use up the kiosk's failed log-ins: a locked answer tests no password", async () => {
    const c = await registerFresh(s.kiosk)
    for (let i = 0; i < 4; i++) assert.equal((await login(c.idNumber, 'Wrong123!@x')).status, 403)
    assert.equal((await login(c.idNumber, 'Wrong123!@x')).body.error.code, 'ACCOUNT_LOCKED', 'the fifth locks, and says so')
    for (let i = 0; i < 10; i++) assert.equal((await login(c.idNumber, c.password)).body.error.code, 'ACCOUNT_LOCKED')
    // Five of six used: one more wrong try, then the kiosk's limit.
    assert.equal((await login(residentId('11010519800101456'), 'Wrong123!@x')).body.error.code, 'BAD_CREDENTIALS')
    assert.equal((await login(residentId('11010519800101567'), 'Wrong123!@x')).body.error.code, 'RATE_LIMITED')
  })
})
