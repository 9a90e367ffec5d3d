/**
 * The kiosk's main process serving one candidate, in a process of its own, for mainHeap.test.ts:
 * it registers, logs in, changes the password, resets it by SMS, and the visit is wiped, through
 * the dispatcher as the renderer calls it, against the reference server at argv[2] (another process,
 * so that the accounts it rightly holds are not in this heap). Then it writes a heap snapshot to
 * argv[4] after full collections, and exits. The candidate's details are made here from argv[3] and
 * let go of before the snapshot: the test makes them again to look for them.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeHeapSnapshot } from 'node:v8'
import { openDemoKiosk, valueOf, type DemoKiosk } from './demoKiosk'
import { visitorOf } from './mainHeapVisitor'

const [centralUrl, index, snapshotFile, enrolmentCode] = process.argv.slice(2) as [string, string, string, string]
const gc = (globalThis as { gc?: () => void }).gc
assert.ok(gc, 'run with --expose-gc')

async function codeSentTo(to: string): Promise<string> {
  // The whole outbox, not `?to=`: the last request's address stays with fetch's connection.
  const response = await fetch(`${centralUrl}/dev/outbox`)
  const { messages } = (await response.json()) as { messages: { to: string; code: string | null }[] }
  const code = messages.findLast((m) => m.to === to && m.code !== null)?.code
  assert.ok(code, 'a code was sent')
  return code
}

async function captcha(kiosk: DemoKiosk): Promise<{ captchaId: string; captcha: string }> {
  const { captchaId } = valueOf<{ captchaId: string }>(await kiosk.call('captcha.create'))
  return { captchaId, captcha: kiosk.captcha() }
}

const applied = (answer: Awaited<ReturnType<DemoKiosk['call']>>) => assert.equal(valueOf<{ status: string }>(answer).status, 'applied')

/** One visit, start to wipe; nothing of the candidate's outlives this function's frame here. */
async function serve(kiosk: DemoKiosk): Promise<void> {
  const who = visitorOf(Number(index))
  valueOf(await kiosk.call('sms.send', { mobile: who.mobile, purpose: 'register' }))
  const registration = { email: who.email, mobile: who.mobile, password: who.password, idType: 'resident', idNumber: who.idNumber, name: who.name }
  applied(await kiosk.call('ops.submit', { kind: 'register', payload: { ...registration, smsCode: await codeSentTo(who.mobile), agreed: true }, waitMs: 10_000 }))

  valueOf(await kiosk.call('auth.login', { province: '11', idNumber: who.idNumber, password: who.password, ...(await captcha(kiosk)) }))
  valueOf(await kiosk.call('auth.account'))
  const change = { oldPassword: who.password, newPassword: who.changedPassword }
  applied(await kiosk.call('ops.submit', { kind: 'changePassword', payload: change, ...(await captcha(kiosk)), waitMs: 10_000 }))

  valueOf(await kiosk.call('reset.start', { identifier: who.mobile, ...(await captcha(kiosk)) }))
  valueOf(await kiosk.call('sms.send', { mobile: who.mobile, purpose: 'resetPassword' }))
  valueOf(await kiosk.call('sms.verify', { mobile: who.mobile, purpose: 'resetPassword', code: await codeSentTo(who.mobile) }))
  const reset = { method: 'sms', mobile: who.mobile, newPassword: who.resetPassword }
  applied(await kiosk.call('ops.submit', { kind: 'resetPassword', payload: reset, ...(await captcha(kiosk)), waitMs: 10_000 }))

  // The next one logs in too, and leaves by the idle wipe: main forgets the visit.
  valueOf(await kiosk.call('auth.login', { province: '11', idNumber: who.idNumber, password: who.resetPassword, ...(await captcha(kiosk)) }))
  valueOf(await kiosk.call('app.wipe'))
}

const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-heap-'))
const kiosk = await openDemoKiosk({ dataDir, centralUrl })
valueOf(await kiosk.call('setup.complete', { kioskName: '一号机', examCentre: '演示考点', centralUrl, enrolmentCode, pin: '135790' }))
await serve(kiosk)
// What the visit set going (a log-out sent to the server, timers) settles, as it would between visitors.
await new Promise((resolve) => setTimeout(resolve, 1500))
gc()
gc()
writeHeapSnapshot(snapshotFile)
await kiosk.close()
rmSync(dataDir, { recursive: true, force: true })
