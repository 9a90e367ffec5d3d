import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { format } from 'node:util'
import { candidate as fixtureCandidate, password } from '../sync/fixtures'
import { startTestServer } from '../server/kiosk'
import { openDemoKiosk, valueOf } from './demoKiosk'

/**
 * The sync leak scan (test/integration/sync/leakScan.test.ts) reads the outbox alone. This one goes
 * the way a candidate and staff do, through main's handlers: every file the kiosk keeps in its data
 * directory (kiosk.db, its WAL, the settings and the audit log in it, the key file, staff's
 * exports) and every line the kiosk logs, after each kind of visit and an idle wipe.
 */

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

function findIn(sources: { name: string; bytes: Buffer }[], needles: Map<string, string>): string[] {
  const found: string[] = []
  for (const { name, bytes } of sources) {
    for (const [what, needle] of needles)
      if (bytes.includes(Buffer.from(needle, 'utf8'))) found.push(`${what} in ${name}`)
  }
  return found
}

const levels = ['log', 'info', 'warn', 'error', 'debug'] as const

test("after every kind of visit and an idle wipe, no file the kiosk keeps and no line it logs holds a candidate's data or a secret", async (t) => {
  const logged: string[] = []
  const original = levels.map((level) => [level, console[level]] as const)
  for (const level of levels) console[level] = (...args: unknown[]) => void logged.push(format(...args))
  t.after(() => {
    for (const [level, fn] of original) console[level] = fn
  })

  const central = await startTestServer({ limits: { perTargetIntervalMs: 0 } })
  t.after(() => central.stop())
  const kiosk = await openDemoKiosk({ centralUrl: central.server.url })
  t.after(() => kiosk.close())
  const dataDir = kiosk.services.config.dataDir
  const call = kiosk.call
  const needles = new Map<string, string>()
  const pin = '864213'
  const enrolmentCode = central.server.createEnrollmentCode('三号机')
  needles.set('PIN', pin)
  needles.set('enrolment code', enrolmentCode)
  valueOf(
    await call('setup.complete', {
      kioskName: '三号机',
      examCentre: '海淀考点',
      centralUrl: central.server.url,
      enrolmentCode,
      pin,
    }),
  )
  const credential = kiosk.services.supervisor.settings.enrolment()
  assert.ok(credential.ok && credential.value)
  needles.set('kiosk secret', credential.value.secret)

  const person = (i: number) => {
    const who = { ...fixtureCandidate(70_000 + i), idType: 'resident' }
    needles.set(`id number ${i}`, who.idNumber)
    needles.set(`mobile ${i}`, who.mobile)
    needles.set(`email ${i}`, who.email)
    needles.set(`name ${i}`, who.name)
    needles.set(`password ${i}`, who.password)
    return who
  }
  const codeTo = async (to: string, what: string) => {
    // Off demo mode the kiosk has no simulated phone: read the reference server's message sink.
    const answer = await fetch(`${central.server.url}/dev/outbox?to=${encodeURIComponent(to)}`)
    const { messages } = (await answer.json()) as { messages: { code: string | null }[] }
    const code = messages.findLast((message) => message.code !== null)?.code
    assert.ok(code, `a code was sent to ${to}`)
    needles.set(what, code)
    return code
  }
  const captcha = async () => {
    const { captchaId } = valueOf<{ captchaId: string }>(await call('captcha.create'))
    return { captchaId, captcha: kiosk.captcha() }
  }
  const submitted = async (input: unknown) =>
    valueOf<{ status: string; receipt: string }>(await call('ops.submit', input))
  const logIn = async (who: { idNumber: string; password: string }) => {
    valueOf(
      await call('auth.login', {
        province: '北京',
        idNumber: who.idNumber,
        password: who.password,
        ...(await captcha()),
      }),
    )
    needles.set(`session token ${who.idNumber}`, kiosk.services.session.current!.sessionToken)
  }

  // register with the code typed, and with the code verified first (a verification token).
  const a = person(1)
  valueOf(await call('sms.send', { mobile: a.mobile, purpose: 'register' }))
  const aCode = await codeTo(a.mobile, 'sms code 1')
  assert.equal(
    (await submitted({ kind: 'register', payload: { ...a, smsCode: aCode, agreed: true } })).status,
    'applied',
  )
  const b = person(2)
  valueOf(await call('sms.send', { mobile: b.mobile, purpose: 'register' }))
  valueOf(
    await call('sms.verify', {
      mobile: b.mobile,
      purpose: 'register',
      code: await codeTo(b.mobile, 'sms code 2'),
    }),
  )
  assert.equal((await submitted({ kind: 'register', payload: { ...b, agreed: true } })).status, 'applied')
  // A form refused for one field: the rest of what was typed (a password among it) is not logged.
  const refused = await call('ops.submit', {
    kind: 'register',
    payload: { ...person(3), name: 'x', agreed: true },
  })
  assert.equal(refused.ok ? 'saved' : refused.error.code, 'INVALID_FIELD')

  // A logged-in visit: 修改资料, 修改手机号, 验证邮箱, 修改密码, then 查询办理进度.
  await logIn(a)
  const newEmail = 'renamed.70001@example.com'
  needles.set('new email', newEmail)
  valueOf(await call('sms.send', { mobile: a.mobile, purpose: 'updateProfile' }))
  const profile = await submitted({
    kind: 'updateProfile',
    payload: { idType: 'resident', email: newEmail, smsCode: await codeTo(a.mobile, 'sms code profile') },
  })
  assert.equal(profile.status, 'applied')
  valueOf(await call('email.send', { email: newEmail, purpose: 'verifyEmail' }))
  const verified = await submitted({
    kind: 'verifyEmail',
    payload: { email: newEmail, emailCode: await codeTo(newEmail, 'email code') },
  })
  assert.equal(verified.status, 'applied')
  const newMobile = '13912345670'
  needles.set('new mobile', newMobile)
  valueOf(await call('sms.send', { mobile: newMobile, purpose: 'changeMobile' }))
  const moved = await submitted({
    kind: 'changeMobile',
    payload: { newMobile, smsCode: await codeTo(newMobile, 'sms code new mobile') },
  })
  assert.equal(moved.status, 'applied')
  const changedPassword = password(71_000)
  needles.set('changed password', changedPassword)
  const changed = await submitted({
    kind: 'changePassword',
    payload: { oldPassword: a.password, newPassword: changedPassword },
    ...(await captcha()),
  })
  assert.equal(changed.status, 'applied')
  valueOf(await call('ops.lookup', { receipt: changed.receipt }))

  // 忘记密码 by mobile.
  const resetPassword = password(72_000)
  needles.set('reset password', resetPassword)
  valueOf(await call('reset.start', { identifier: b.mobile, ...(await captcha()) }))
  valueOf(await call('sms.send', { mobile: b.mobile, purpose: 'resetPassword' }))
  const reset = await submitted({
    kind: 'resetPassword',
    payload: {
      method: 'sms',
      mobile: b.mobile,
      smsCode: await codeTo(b.mobile, 'sms code reset'),
      newPassword: resetPassword,
    },
    ...(await captcha()),
  })
  assert.equal(reset.status, 'applied')

  // A candidate's own appeal, then staff: a wrong PIN, an on-site reset and an appeal filed for someone, the audit export.
  const c = person(4)
  const statement = '本人身份证号被他人占用，申请核实处理（七万零四）'
  needles.set('statement', statement)
  const { idType, idNumber, name, mobile, email } = c
  await submitted({
    kind: 'appeal',
    payload: { occupied: 'idNumber', idType, idNumber, name, mobile, email, statement },
  })
  assert.equal(
    (await call('supervisor.enter', { pin: '000000', staffId: 'T09', staffName: '李老师' })).ok,
    false,
  )
  valueOf(await call('supervisor.enter', { pin, staffId: 'T09', staffName: '李老师' }))
  const attested = password(73_000)
  needles.set('attested password', attested)
  valueOf(
    await call('supervisor.attestedReset', {
      idType: 'resident',
      idNumber: b.idNumber,
      name: b.name,
      newPassword: attested,
      confirmPassword: attested,
    }),
  )
  const d = person(5)
  valueOf(
    await call('supervisor.fileAppeal', {
      payload: {
        occupied: 'mobile',
        idType: 'resident',
        idNumber: d.idNumber,
        name: d.name,
        mobile: d.mobile,
        email: d.email,
        statement,
      },
    }),
  )
  const listed = valueOf<{ ops: { summary: Record<string, string> }[] }>(await call('supervisor.listOps', {}))
  assert.ok(listed.ops.length >= 8)
  valueOf(await call('supervisor.changePin', { oldPin: pin, newPin: '975312' }))
  needles.set('new PIN', '975312')
  valueOf(await call('supervisor.exportAudit', {}))
  valueOf(await call('supervisor.leave'))
  valueOf(await call('app.wipe'))

  // Staff's export folder is <dataDir>/exports here (the shell gives the OS's Downloads folder).
  assert.ok(kiosk.services.exportDir.startsWith(dataDir))
  const sources = () => [
    ...filesUnder(dataDir).map((file) => ({
      name: file.slice(dataDir.length + 1),
      bytes: readFileSync(file),
    })),
    { name: 'the log', bytes: Buffer.from(logged.join('\n'), 'utf8') },
  ]
  // What staff see of an op is masked, and so is what the kiosk keeps.
  assert.deepEqual(
    findIn([{ name: 'supervisor.listOps', bytes: Buffer.from(JSON.stringify(listed)) }], needles),
    [],
  )
  assert.deepEqual(findIn(sources(), needles), [])
  // The scan can fail: the masked values the screens show are there, and so is a staff member's name.
  const shown = findIn(
    sources(),
    new Map([
      ['masked mobile', listed.ops.find((op) => op.summary.mobile)!.summary.mobile!],
      ['staff', '李老师'],
    ]),
  )
  assert.ok(
    shown.some((hit) => hit.startsWith('masked mobile in kiosk.db')),
    JSON.stringify(shown),
  )
  assert.ok(
    shown.some((hit) => hit.startsWith('staff in ')),
    JSON.stringify(shown),
  )
})
