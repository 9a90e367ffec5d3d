import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { candidate as person, maskedSummary, payloadOf } from '../sync/fixtures'
import { kioskCalls, listCallChannels } from '../../../src-common/kioskApi'
import { openDemoKiosk, valueOf, type DemoKiosk } from './demoKiosk'

// Supervisor mode through the contract, on a demo kiosk with the reference server on loopback.
let kiosk: DemoKiosk
const call = (channel: string, input?: unknown) => kiosk.call(channel, input)
const value = valueOf

const candidate = {
  email: 'li.na@example.com',
  mobile: '13812345678',
  password: 'Kiosk#2026pass',
  idType: 'resident',
  idNumber: '11010519491231002X',
  name: '李娜',
}

/** 现场核验重置 of the candidate's password, as staff submit it: the op's status. */
async function resetOnSite(newPassword: string): Promise<string> {
  const { idType, idNumber, name } = candidate
  const reset = await call('supervisor.attestedReset', { idType, idNumber, name, newPassword, confirmPassword: newPassword })
  return value<{ status: string }>(reset).status
}

before(async () => {
  kiosk = await openDemoKiosk({ liftResendInterval: true })
})

after(() => kiosk.close())

describe('supervisor mode', () => {
  test('a fresh demo kiosk asks for set-up with the demo values pre-filled', async () => {
    const status = value<{ setUp: boolean; demo: boolean; prefill: { kioskName: string } }>(await call('setup.status'))
    assert.equal(status.setUp, false)
    assert.equal(status.demo, true)
    assert.equal(status.prefill.kioskName, '演示自助机')
  })

  test('the wizard stores the settings and the PIN; app.info then shows the kiosk name', async () => {
    value(await call('setup.complete', { kioskName: '北大考点 1 号机', examCentre: '北京大学', centralUrl: null, pin: '135790' }))
    assert.equal(value<{ kioskName: string }>(await call('app.info')).kioskName, '北大考点 1 号机')
    assert.deepEqual(await call('setup.complete', { kioskName: 'x', examCentre: 'y', centralUrl: null, pin: '000000' }), {
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    })
  })

  test('nothing in supervisor mode answers without the PIN', async () => {
    // Every supervisor.* call of the contract but the three that work the PIN pad itself
    // (supervisorHandlers.ts: state, enter and leave are not guarded), each with a valid input,
    // so that the answer comes from the guard and not from input validation.
    const open = ['state', 'enter', 'leave']
    const validInputs: Record<string, unknown> = {
      activity: {},
      dashboard: {},
      listOps: {},
      syncNow: {},
      pause: {},
      resume: {},
      cancelOp: { id: 'op-1', reason: 'other' },
      retryOp: { id: 'op-1' },
      attestedReset: {
        idType: candidate.idType,
        idNumber: candidate.idNumber,
        name: candidate.name,
        newPassword: 'Fresh#2026word',
        confirmPassword: 'Fresh#2026word',
      },
      fileAppeal: { payload: {} },
      getSettings: {},
      updateSettings: { patch: { kioskName: '改名' } },
      reenrol: { centralUrl: '', enrolmentCode: '' },
      changePin: { oldPin: '135790', newPin: '246801' },
      audit: {},
      verifyAudit: {},
      exportAudit: {},
      quit: { to: 'desktop' },
    }
    const guarded = listCallChannels().filter((c) => c.namespace === 'supervisor' && !open.includes(c.method))
    assert.ok(guarded.length > 0, 'the contract lists supervisor calls')
    // A new supervisor call needs a valid input here (and so a check of its guard).
    assert.deepEqual(guarded.map((c) => c.method).sort(), Object.keys(validInputs).sort())
    const specs = kioskCalls.supervisor as Record<string, { input: { safeParse(input: unknown): { success: boolean } } }>
    for (const { method } of guarded) {
      const input = validInputs[method]
      assert.equal(specs[method]?.input.safeParse(input).success, true, `a valid input for supervisor.${method}`)
      assert.deepEqual(await call(`supervisor.${method}`, input), { ok: false, error: { code: 'UNAUTHORIZED' } }, method)
    }
    // The open ones answer, and leave nothing entered.
    assert.equal(value<{ active: boolean }>(await call('supervisor.state')).active, false)
    assert.equal(value<{ active: boolean }>(await call('supervisor.leave')).active, false)
    const wrong = await call('supervisor.enter', { pin: '111111', staffId: 'T01', staffName: '张老师' })
    assert.equal(!wrong.ok && wrong.error.code, 'BAD_PIN')
  })

  test('staff enter with the PIN and see the dashboard', async () => {
    const state = value<{ active: boolean }>(await call('supervisor.enter', { pin: '135790', staffId: 'T01', staffName: '张老师' }))
    assert.equal(state.active, true)
    const dashboard = value<{ sync: { online: boolean }; settings: { examCentre: string } }>(await call('supervisor.dashboard'))
    assert.equal(dashboard.settings.examCentre, '北京大学')
  })

  test('an attested reset is applied by the central API and the candidate logs in with the new password', async () => {
    await call('sms.send', { mobile: candidate.mobile, purpose: 'register' })
    const smsCode = await kiosk.codeSentTo(candidate.mobile)
    assert.equal(value<{ status: string }>(await call('ops.submit', { kind: 'register', payload: { ...candidate, smsCode, agreed: true } })).status, 'applied')

    assert.equal(await resetOnSite('Fresh#2026word'), 'applied')
    const { captchaId } = value<{ captchaId: string }>(await call('captcha.create'))
    const login = await call('auth.login', { province: '北京', idNumber: candidate.idNumber, password: 'Fresh#2026word', captchaId, captcha: kiosk.captcha() })
    assert.equal(login.ok, true, JSON.stringify(login))
  })

  test('a candidate cannot submit an attested reset outside supervisor mode', async () => {
    const { captchaId } = value<{ captchaId: string }>(await call('captcha.create'))
    const answer = await call('ops.submit', {
      kind: 'resetPassword',
      payload: { method: 'attested', idType: 'resident', idNumber: candidate.idNumber, name: candidate.name, newPassword: 'Other#2026word' },
      captchaId,
      captcha: kiosk.captcha(),
    })
    assert.deepEqual(answer, { ok: false, error: { code: 'UNAUTHORIZED' } })
  })

  test("a candidate's own appeal cannot claim that staff checked the ID document", async () => {
    const before = kiosk.services.outbox!.list().length
    const answer = await call('ops.submit', {
      kind: 'appeal',
      payload: {
        occupied: 'idNumber',
        idType: candidate.idType,
        idNumber: candidate.idNumber,
        name: candidate.name,
        mobile: '13812345679',
        email: 'li.na2@example.com',
        statement: '本人证件号码被他人注册，申请核实处理。',
        attestation: { staffId: 'T01', staffName: '张老师', checkedAt: new Date().toISOString() },
      },
    })
    assert.deepEqual(answer, { ok: false, error: { code: 'UNAUTHORIZED' } })
    assert.equal(kiosk.services.outbox!.list().length, before, 'nothing queued')
  })

  test('every action is in the audit log, the chain checks out, and the CSV exports it', async () => {
    value(await call('supervisor.syncNow'))
    const audit = value<{ entries: { action: string; actor: { staffId?: string } | null }[] }>(await call('supervisor.audit', {}))
    const actions = audit.entries.map((entry) => entry.action)
    for (const action of ['setup', 'wrongPin', 'enter', 'attestedReset', 'syncNow']) assert.ok(actions.includes(action), action)
    assert.equal(audit.entries.find((entry) => entry.action === 'attestedReset')?.actor?.staffId, 'T01')
    assert.equal(value<{ intact: boolean }>(await call('supervisor.verifyAudit')).intact, true)
    const exported = value<{ fileName: string; savedTo: string }>(await call('supervisor.exportAudit'))
    assert.match(exported.fileName, /^kiosk-audit-[\d-]+\.csv$/)
    // Named by the kiosk's own clock, as staff read it on the screen (not UTC).
    const now = new Date()
    const local = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`
    assert.ok(exported.fileName.startsWith(`kiosk-audit-${local}-`), exported.fileName)
    // A second export in the same second is a file of its own, not written over the first.
    const again = value<{ fileName: string }>(await call('supervisor.exportAudit'))
    assert.notEqual(again.fileName, exported.fileName)
    assert.equal(exported.savedTo, join(kiosk.services.exportDir, exported.fileName))
    const csv = readFileSync(exported.savedTo, 'utf8')
    assert.ok(csv.startsWith('\uFEFFid,time,staffId,staffName,action,detail,prevHash,hash\r\n'), 'a BOM for Excel, then the header')
    assert.match(csv, /attestedReset/)
    assert.doesNotMatch(csv, new RegExp(candidate.idNumber))
    const latest = value<{ entries: { action: string }[] }>(await call('supervisor.audit', {})).entries[0]
    assert.equal(latest?.action, 'auditExported', 'who took a copy of the log is in it')
  })

  test('a retention changed in 设置 applies at the next purge, not at the next start', async () => {
    const outbox = kiosk.services.outbox
    assert.ok(outbox)
    const [final] = outbox.list({ status: 'applied', limit: 1 })
    assert.ok(final, 'the registration above is a final op')
    // Final two days ago: kept under the default 30 days, gone under 1.
    const db = new Database(outbox.file)
    db.prepare('UPDATE ops SET final_at = ? WHERE id = ?').run(Date.now() - 2 * 86_400_000, final.id)
    db.close()
    assert.equal(outbox.purgeExpired(), 0)
    value(await call('supervisor.updateSettings', { patch: { retentionDays: 1 } }))
    assert.ok(outbox.purgeExpired() >= 1)
    assert.equal(outbox.get(final.id), undefined)
  })

  test('the ops list pages through a long queue, and a blocked op names the receipt it waits behind on any page', async () => {
    const { outbox, engine } = kiosk.services
    assert.ok(outbox && engine)
    engine.pause()
    const queue = async (i: number, accountOf = i) => {
      const queued = await outbox.enqueue('appeal', payloadOf('appeal', i), {
        accountIdNumber: person(accountOf).idNumber,
        summary: maskedSummary(person(i)),
      })
      assert.ok(queued.ok, JSON.stringify(queued))
      return queued.value
    }
    // Two ops of one account; the central API rejects the first, so the second waits behind it.
    const first = await queue(900)
    const second = await queue(901, 900)
    const claimed = outbox.claimBatch({ maxOps: 100, maxBytes: 1_000_000 }).ops.map((op) => op.id)
    assert.ok(claimed.includes(first.id) && !claimed.includes(second.id))
    outbox.recordResults([{ id: first.id, status: 'rejected', error: { code: 'ID_OCCUPIED' } }])
    outbox.releaseForRetry(claimed.filter((id) => id !== first.id), { code: 'NETWORK_UNAVAILABLE' }, () => 60_000, 5)
    // Then a busy morning offline: the blocked op is far down the list now.
    for (let i = 902; i < 962; i++) await queue(i)

    type Page = { ops: { id: string; receipt: string; blockedByReceipt: string | null }[]; total: number }
    const newest = value<Page>(await call('supervisor.listOps', { limit: 50 }))
    const older = value<Page>(await call('supervisor.listOps', { limit: 50, offset: 50 }))
    assert.equal(newest.ops.length, 50)
    assert.equal(newest.total, outbox.count())
    assert.equal(older.total, newest.total)
    assert.equal(older.ops.length, Math.min(50, newest.total - 50))
    assert.equal(new Set([...newest.ops, ...older.ops].map((op) => op.id)).size, newest.ops.length + older.ops.length)
    assert.ok(!newest.ops.some((op) => op.id === second.id), 'the blocked op is not among the newest 50')

    const blocked = value<Page>(await call('supervisor.listOps', { status: 'blocked' }))
    assert.deepEqual(
      blocked.ops.map((op) => [op.id, op.blockedByReceipt]),
      [[second.id, first.receipt]],
    )
    assert.equal(blocked.total, 1)
  })

  test('the reads a screen repeats by itself do not keep supervisor mode open; staff touches and actions do', async () => {
    const deadline = () => kiosk.services.supervisor.session.current()?.expiresAt
    const pause = () => new Promise((resolve) => setTimeout(resolve, 20))
    const before = deadline()
    assert.ok(before)
    await pause()
    // What the dashboard does on every op change, and what 设置 and 操作日志 load when shown.
    for (const read of ['supervisor.dashboard', 'supervisor.listOps', 'supervisor.getSettings', 'supervisor.audit']) {
      value(await call(read, {}))
      assert.equal(deadline(), before, `${read} moved the idle deadline`)
    }
    value(await call('supervisor.activity'))
    const touched = deadline()
    assert.ok(touched && touched > before, 'a touch pushes the deadline back')
    await pause()
    value(await call('supervisor.pause'))
    value(await call('supervisor.resume'))
    assert.ok((deadline() ?? '') > touched, 'an action pushes it back too')
  })

  test('a reloaded screen (a crashed or hung renderer) ends supervisor mode: no staff call answers without the PIN again', async () => {
    value(await call('supervisor.enter', { pin: '135790', staffId: 'T01', staffName: '张老师' }))
    value(await call('supervisor.listOps', {}))
    // What the shell does on did-navigate.
    kiosk.services.newDocument()
    assert.deepEqual(await call('supervisor.listOps', {}), { ok: false, error: { code: 'UNAUTHORIZED' } })
    assert.deepEqual(await call('supervisor.quit', { to: 'desktop' }), { ok: false, error: { code: 'UNAUTHORIZED' } })
    assert.equal(value<{ active: boolean }>(await call('supervisor.state')).active, false)
    const entries = kiosk.services.supervisor.audit.list({ limit: 1 }).entries
    assert.deepEqual(entries.map((e) => [e.action, e.detail]), [['leave', { reason: 'reloaded' }]])
    value(await call('supervisor.enter', { pin: '135790', staffId: 'T01', staffName: '张老师' }))
  })

  test('leaving ends supervisor mode', async () => {
    assert.equal(value<{ active: boolean }>(await call('supervisor.leave')).active, false)
    assert.deepEqual(await call('supervisor.listOps', {}), { ok: false, error: { code: 'UNAUTHORIZED' } })
  })

  test('leaving ends a visit, as entering did: the next person\'s simulated phone does not show the notices of an on-site reset', async () => {
    value(await call('supervisor.enter', { pin: '135790', staffId: 'T01', staffName: '张老师' }))
    assert.equal(await resetOnSite('Later#2026word'), 'applied')
    const messages = async () => value<{ messages: { to: string }[] }>(await call('dev.messages', {})).messages
    // The holder is told on their own mobile and email: staff's screen may show it.
    assert.ok((await messages()).some((m) => m.to === candidate.mobile))
    value(await call('supervisor.leave'))
    assert.deepEqual(await messages(), [])
  })
})
