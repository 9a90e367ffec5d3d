import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { MessageProvider, OutgoingMessage } from '../../../server/index'
import { candidate, startTestServer, TestKiosk, type TestServer } from './kiosk'

/**
 * A notice (SMS, email) leaves the server only once what it announces is committed: a crash before
 * the commit would otherwise announce a change or a code that was never saved. The provider below
 * looks, as each notice is sent, through a second connection to central.db: it sees only what is
 * committed.
 */
describe('notices wait for the commit', () => {
  let t: TestServer
  let kiosk: TestKiosk
  let probe: Database.Database | undefined
  const sent: { channel: 'sms' | 'email'; message: OutgoingMessage; committed: { codes: number; resets: number } }[] = []
  const look = () => ({
    codes: probe!.prepare('SELECT count(*) FROM codes').pluck().get() as number,
    resets: probe!.prepare(`SELECT count(*) FROM account_audit WHERE event = 'passwordReset'`).pluck().get() as number,
  })
  const provider: MessageProvider = {
    sms: async (message) => void sent.push({ channel: 'sms', message, committed: look() }),
    email: async (message) => void sent.push({ channel: 'email', message, committed: look() }),
  }

  before(async () => {
    t = await startTestServer({ messages: provider })
    probe = new Database(join(t.dataDir, 'central.db'), { readonly: true })
    kiosk = await TestKiosk.enrol(t)
  })
  after(async () => {
    probe?.close()
    await t.stop()
  })

  test('an SMS code asked for with no burst open is sent at once, its code already saved', async () => {
    assert.equal((await kiosk.interactive('smsSend', { mobile: candidate.mobile, purpose: 'register' })).status, 200)
    await new Promise((resolve) => setImmediate(resolve))
    const notice = sent.find((s) => s.message.to === candidate.mobile && s.message.code)
    assert.ok(notice, 'the code was sent')
    assert.equal(notice.committed.codes, 1, 'the code was committed when it was sent')
    const registered = await kiosk.apply('register', { ...candidate, smsCode: notice.message.code, agreed: true })
    assert.equal(registered.status, 'applied', JSON.stringify(registered))
  })

  test('the holder hears of an on-site reset only once the reset is saved', async () => {
    const attestation = { staffId: 'S001', staffName: '考点老师', checkedAt: new Date(t.now()).toISOString() }
    const reset = await kiosk.apply('resetPassword', {
      method: 'attested',
      idType: candidate.idType,
      idNumber: candidate.idNumber,
      name: candidate.name,
      newPassword: 'Mno321&*q8',
      attestation,
    })
    assert.equal(reset.status, 'applied', JSON.stringify(reset))
    await new Promise((resolve) => setImmediate(resolve))
    const notices = sent.filter((s) => s.message.text.includes('现场核验证件后重置'))
    assert.deepEqual(notices.map((s) => [s.channel, s.message.to]).sort(), [['email', candidate.email], ['sms', candidate.mobile]])
    for (const notice of notices) assert.equal(notice.committed.resets, 1, `the reset was committed when the ${notice.channel} notice was sent`)
  })
})
