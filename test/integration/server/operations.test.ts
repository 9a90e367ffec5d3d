import { describe, test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { createSmtpEmail } from '../../../server/messages'
import { createLogger } from '../../../server/logger'
import { apiPaths } from '../../../src-common/wire'
import { createEnrollmentCode } from '../../../server/index'
import { appealPayload, call, candidate, latestCode, register, startTestServer, TestKiosk, type TestServer } from './kiosk'

const root = new URL('../../../', import.meta.url).pathname

describe('running the server', () => {
  /** `npm run server -- <args> --port 0 --data <a new folder>` in its own process, once it says where it listens. */
  async function runServer(
    t: TestContext,
    ...args: string[]
  ): Promise<{ child: ChildProcess; url: string; dataDir: string }> {
    const dataDir = mkdtempSync(join(tmpdir(), 'central-cli-'))
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'server/cli.ts', '--port', '0', ...args, '--data', dataDir],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    t.after(() => {
      child.kill('SIGKILL')
      rmSync(dataDir, { recursive: true, force: true })
    })
    const url = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        const match = /listening on (http:\/\/\S+)/.exec(out)
        if (match) resolve(match[1]!)
      })
      child.once('exit', () => reject(new Error(`exited early: ${out}`)))
    })
    return { child, url, dataDir }
  }

  test('npm run server prints where it listens, answers health, enrols from the CLI, and stops on SIGTERM', async (t) => {
    const { child, url } = await runServer(t)
    assert.equal((await call(url, 'GET', apiPaths.health)).status, 200)
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    assert.equal(await exited, 0)
  })

  test('npm run server refuses a common password on its own: it loads the dictionary, it does not lean on the kiosk', async (t) => {
    // Its own process: nothing else here has loaded the common-password list for it.
    const { url, dataDir } = await runServer(t, '--dev')
    const running = {
      server: { url, createEnrollmentCode: (name: string) => createEnrollmentCode(dataDir, name) },
      now: Date.now,
    }
    const kiosk = await TestKiosk.enrol(running as unknown as TestServer)

    const weak = await register(kiosk, { password: 'P@ssw0rd' })

    assert.deepEqual(weak, {
      id: weak.id,
      status: 'rejected',
      error: { code: 'WEAK_PASSWORD', field: 'password', rule: 'password.common' },
    })
    // (Another mobile: one SMS a minute to each.)
    const strong = await register(kiosk, { mobile: '13700137000' })
    assert.equal(strong.status, 'applied', JSON.stringify(strong))
  })

  test('logs never contain passwords, SMS codes, session tokens, ID numbers, full mobiles, receipt codes or op ids', async () => {
    let logs = ''
    const destination = new Writable({
      write(chunk, _encoding, done) {
        logs += chunk.toString()
        done()
      },
    })
    const t = await startTestServer({ logger: createLogger({ level: 'debug', destination }) })
    const seen: string[] = []
    try {
      const kiosk = await TestKiosk.enrol(t)
      assert.equal((await register(kiosk)).status, 'applied')
      seen.push(await latestCode(t.server.url, candidate.mobile))
      const login = await kiosk.interactive('login', { idNumber: candidate.idNumber, password: candidate.password })
      assert.equal(login.status, 200)
      seen.push(login.body.sessionToken)
      await kiosk.interactive('account', { sessionToken: login.body.sessionToken })
      await kiosk.interactive('login', { idNumber: candidate.idNumber, password: 'Wrong123!x' })
      await call(t.server.url, 'GET', `${apiPaths.devOutbox}?to=${candidate.mobile}`)
      // A receipt code or an op id in a path: anyone reading the log could look the op up.
      const appeal = await kiosk.op('appeal', appealPayload())
      await kiosk.push([appeal])
      assert.equal((await kiosk.signed('GET', apiPaths.receipt.replace(':code', appeal.receipt))).status, 200)
      assert.equal((await kiosk.signed('GET', apiPaths.opStatus.replace(':id', appeal.id))).status, 200)
      seen.push(appeal.receipt, appeal.id)
    } finally {
      await t.stop()
    }
    assert.match(logs, /ops batch/)
    assert.match(logs, /"route":"\/v1\/receipts\/:code"/, 'the request is still logged, by its route')
    assert.equal(seen.length, 4)
    for (const secret of [
      candidate.idNumber,
      candidate.mobile,
      candidate.email,
      candidate.password,
      'Wrong123!x',
      candidate.name,
      ...seen,
    ]) {
      assert.ok(!logs.includes(secret), `logs contain ${secret}`)
    }
  })

  test("a refused email leaves the error's code in the log, not the candidate's address", async () => {
    let logs = ''
    const destination = new Writable({
      write(chunk, _encoding, done) {
        logs += chunk.toString()
        done()
      },
    })
    // What nodemailer rejects with when the mail server refuses the recipient.
    const refused = Object.assign(
      new Error(
        "Can't send mail - all recipients were rejected: 550 5.1.1 <wang@example.com>: Recipient address rejected",
      ),
      {
        code: 'EENVELOPE',
        response: '550 5.1.1 <wang@example.com>: Recipient address rejected',
        responseCode: 550,
        command: 'RCPT TO',
        rejected: ['wang@example.com'],
      },
    )
    let smsCode = ''
    const messages = {
      sms: async (message: { code?: string }) => void (smsCode = message.code ?? ''),
      email: () => Promise.reject(refused),
    }
    const t = await startTestServer({ messages, logger: createLogger({ destination }) })
    try {
      const kiosk = await TestKiosk.enrol(t)
      // An account holds the address: a reset email is really sent (and refused by the mail server).
      assert.equal(
        (await kiosk.interactive('smsSend', { mobile: candidate.mobile, purpose: 'register' })).status,
        200,
      )
      const { email, mobile, password, idType, idNumber, name } = candidate
      assert.equal(
        (
          await kiosk.apply('register', {
            email,
            mobile,
            password,
            idType,
            idNumber,
            name,
            smsCode,
            agreed: true,
          })
        ).status,
        'applied',
      )
      const sent = await kiosk.interactive('emailSend', {
        email: 'wang@example.com',
        purpose: 'resetPassword',
      })
      assert.equal(sent.status, 200, 'the kiosk is not held up by the failed delivery')
      for (let i = 0; i < 50 && !logs.includes('message delivery failed'); i++)
        await new Promise((resolve) => setTimeout(resolve, 10))
    } finally {
      await t.stop()
    }
    const line = logs.split('\n').find((l) => l.includes('message delivery failed'))
    assert.ok(line, 'the failure is logged')
    assert.ok(!logs.includes('wang@example.com'), `the log names the recipient: ${line}`)
    assert.match(line, /EENVELOPE/)
    assert.match(line, /550/)
    assert.match(line, /email code/)
  })

  test('the SMTP provider hands nodemailer a complete message (no network: JSON transport)', async () => {
    const smtp = createSmtpEmail({ jsonTransport: true }, 'ETEST <no-reply@etest.example>')
    let sent: unknown
    smtp.transporter.on('idle', () => undefined)
    const original = smtp.transporter.sendMail.bind(smtp.transporter)
    smtp.transporter.sendMail = (async (mail: Parameters<typeof original>[0]) => {
      sent = await original(mail)
      return sent
    }) as typeof smtp.transporter.sendMail
    await smtp.email({ to: 'wang@example.com', subject: 'ETEST通行证 重置密码', text: '验证码：ABCD2345' })
    const message = JSON.parse((sent as { message: string }).message)
    assert.equal(message.to[0].address, 'wang@example.com')
    assert.equal(message.from.address, 'no-reply@etest.example')
    assert.equal(message.subject, 'ETEST通行证 重置密码')
    assert.match(message.text, /ABCD2345/)
  })
})
