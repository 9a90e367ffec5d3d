// The administrator's enrolment codes and listings, through the CLI as it is typed: the codes waiting
// to be used, cancelling one, a code that expired; times in the server machine's local time.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { openDatabaseForCommand } from '../../../server/database'
import { createEnrollmentCode } from '../../../server/enrollment'
import { apiPaths } from '../../../src-common/wire'
import { createCentralClient } from '../../../sync/centralClient'
import { appealPayload, call, cli, holdWriteLock, logCapture, serverCommand, startTestServer, TestKiosk } from './kiosk'

// Beijing time, for the CLI's processes (they inherit it): an exam centre's operator reads +08:00.
process.env.TZ = 'Asia/Shanghai'
const hour = 60 * 60 * 1000

/** A time as the CLI prints it (2026-11-30 14:05:12 +08:00), read back. */
const printed = (text: string) => Date.parse(text.replace(' ', 'T').replace(' ', ''))
const localTime = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00`

const codeIn = (stdout: string) => /: (\S+)\n$/.exec(stdout)![1]!

/** cli() for a command that must fail: its exit code and what it said. */
async function refused(dataDir: string, ...args: string[]) {
  return serverCommand(...args, '--data', dataDir)
}

describe('enrolment codes waiting to be used', () => {
  test('`enrollment-codes list` shows each unused code by an id with its hall, made and expiry times, never the code; `cancel` takes the id or the code as typed, and the kiosk is refused it', async (t) => {
    const running = await startTestServer()
    t.after(() => running.stop())
    const dataDir = running.dataDir
    const codeA = codeIn((await cli(dataDir, 'enroll-kiosk', '--name', 'Hall A')).stdout)
    const codeB = codeIn((await cli(dataDir, 'enroll-kiosk', '--name', 'Hall B')).stdout)

    const { stdout } = await cli(dataDir, 'enrollment-codes', 'list')

    const lines = stdout.trimEnd().split('\n')
    assert.equal(lines.length, 2, stdout)
    const row = new RegExp(`^([0-9a-f]{8})  valid until (${localTime}) +made (${localTime})  (Hall [AB])$`)
    const [a, b] = lines.map((line) => row.exec(line))
    assert.ok(a && b, stdout)
    assert.deepEqual([a[4], b[4]], ['Hall A', 'Hall B'])
    assert.ok(Math.abs(printed(a[3]!) - Date.now()) < 60_000, a[3])
    assert.equal(printed(a[2]!) - printed(a[3]!), 24 * hour)
    for (const code of [codeA, codeB]) {
      assert.ok(!stdout.includes(code) && !stdout.includes(code.replaceAll('-', '')), 'the code is a secret')
    }

    assert.equal(
      (await cli(dataDir, 'enrollment-codes', 'cancel', a[1]!)).stdout,
      'enrolment code for "Hall A" cancelled: a kiosk that types it is refused\n',
    )
    assert.deepEqual(
      await call(running.server.url, 'POST', apiPaths.enroll, { code: codeA, name: 'kiosk 1' }),
      {
        status: 401,
        body: { error: { code: 'NOT_ENROLLED' } },
      },
    )
    // The code from the paper, typed as staff type it.
    assert.match(
      (await cli(dataDir, 'enrollment-codes', 'cancel', codeB.toLowerCase().replaceAll('-', ' '))).stdout,
      /"Hall B" cancelled/,
    )
    assert.equal((await cli(dataDir, 'enrollment-codes', 'list')).stdout, 'no unused enrolment codes\n')

    const again = await refused(dataDir, 'enrollment-codes', 'cancel', a[1]!)
    assert.equal(again.code, 1)
    assert.equal(
      again.stderr,
      `no unused enrolment code ${a[1]}: give its id as enrollment-codes list shows it, or the code itself\n`,
    )
  })

  test('`cancel` takes the code typed as it is read out, in groups without quotes', async (t) => {
    const running = await startTestServer()
    t.after(() => running.stop())
    const code = codeIn((await cli(running.dataDir, 'enroll-kiosk', '--name', 'Hall G')).stdout)

    // enrollment-codes cancel 7kq2 m9xd 4hvr cw1p: four words to the shell.
    const answer = await serverCommand('enrollment-codes', 'cancel', ...code.toLowerCase().split('-'), '--data', running.dataDir)

    // Before: exit 2 and the usage, as if cancel had been given no code.
    assert.equal(answer.code, 0, answer.stderr)
    assert.equal(answer.stdout, 'enrolment code for "Hall G" cancelled: a kiosk that types it is refused\n')
  })

  test('a code already used is not cancelled: the operator is told which kiosk used it, and to revoke that one', async (t) => {
    const running = await startTestServer()
    t.after(() => running.stop())
    const code = codeIn((await cli(running.dataDir, 'enroll-kiosk', '--name', 'Hall C')).stdout)
    const enrolled = await call(running.server.url, 'POST', apiPaths.enroll, { code, name: 'kiosk 1' })

    const answer = await refused(running.dataDir, 'enrollment-codes', 'cancel', code)

    assert.equal(answer.code, 1)
    const kioskId = enrolled.body.kioskId
    assert.match(
      answer.stderr,
      new RegExp(
        `^that code was used ${localTime} by kiosk ${kioskId}: it cannot be cancelled; to shut that kiosk out, kiosks revoke ${kioskId}\n$`,
      ),
    )
  })

  test('a kiosk that enrols while the administrator writes to central.db (a code made for another hall) is enrolled once that write is done, not answered INTERNAL', async (t) => {
    const running = await startTestServer()
    t.after(() => running.stop())
    const code = codeIn((await cli(running.dataDir, 'enroll-kiosk', '--name', 'Hall W')).stdout)
    // enroll-kiosk, kiosks revoke or enrollment-codes cancel, committing at that moment.
    const command = await holdWriteLock(running.dataDir, 300)

    const enrolled = await call(running.server.url, 'POST', apiPaths.enroll, { code, name: 'kiosk 1' })

    // Before: 500 INTERNAL (SQLITE_BUSY at once: the code was read, then the write lock was asked for).
    assert.equal(enrolled.status, 200, JSON.stringify(enrolled.body))
    await command.released
    assert.match((await cli(running.dataDir, 'kiosks', 'list')).stdout, new RegExp(`^${enrolled.body.kioskId}  active .* Hall W / kiosk 1$`, 'm'))
  })

  test("the usage names the commands, and says the times are the machine's local time", async () => {
    const { stdout } = await serverCommand('--help')

    assert.match(stdout, /enrollment-codes list \[--data/)
    assert.match(stdout, /enrollment-codes cancel <id, or the code>/)
    assert.match(stdout, /Times are the server machine's local time with its offset from UTC/)
  })

  test('a code past its 24 h: the kiosk gets NOT_ENROLLED, as for a wrong code; the operator sees it listed as expired, and the log names the hall and when', async (t) => {
    const log = logCapture()
    const running = await startTestServer({ logger: log.logger })
    t.after(() => running.stop())
    // Made yesterday, for a hall whose kiosk was set up today.
    const db = openDatabaseForCommand(running.dataDir, 'write')
    const madeAt = Date.now() - 25 * hour
    const code = createEnrollmentCode(db, 'Hall E', madeAt)
    db.close()
    const wizard = createCentralClient({ baseUrl: running.server.url })
    t.after(() => wizard.close())

    const answer = await wizard.enroll({ code, name: 'kiosk 1' })

    // The wizard reads it as 登记码无效、已过期或已被使用，请向中心索取新的登记码.
    assert.equal(answer.ok, false)
    assert.equal(!answer.ok && answer.error.code, 'NOT_ENROLLED')
    const listed = (await cli(running.dataDir, 'enrollment-codes', 'list')).stdout
    const expired = new RegExp(`^[0-9a-f]{8}  expired (${localTime}) +made (${localTime})  Hall E$`).exec(
      listed.trimEnd(),
    )
    assert.ok(expired, listed)
    assert.equal(printed(expired[1]!), Math.floor((madeAt + 24 * hour) / 1000) * 1000)
    const refusal = log.lines().find((line) => /enrolment refused/.test(line.msg))
    assert.equal(refusal?.hall, 'Hall E')
    assert.equal(refusal?.reason, 'expired')
    assert.match(
      refusal?.msg,
      new RegExp(`the code for this hall expired ${localTime}; make a new one \\(enroll-kiosk\\)`),
    )
    assert.ok(!log.text().includes(code), 'never the code')
  })
})

describe("the administrator's listings", () => {
  test("`kiosks list`, `kiosks revoke` and `appeals list` show the server machine's local time with its offset, not UTC", async (t) => {
    const running = await startTestServer()
    t.after(() => running.stop())
    const kiosk = await TestKiosk.enrol(running, 'Hall L')
    await kiosk.apply('appeal', appealPayload())
    await cli(running.dataDir, 'kiosks', 'revoke', kiosk.kioskId)

    const kiosks = (await cli(running.dataDir, 'kiosks', 'list')).stdout
    const appeals = (await cli(running.dataDir, 'appeals', 'list')).stdout
    const revokedAgain = await refused(running.dataDir, 'kiosks', 'revoke', kiosk.kioskId)

    // Before: 2026-11-30T06:05:12.345Z, eight hours from the clock on the operator's wall.
    const line = new RegExp(
      `^${kiosk.kioskId}  revoked (${localTime}) +enrolled (${localTime})  Hall L / kiosk 1$`,
    ).exec(kiosks.trimEnd())
    assert.ok(line, kiosks)
    assert.ok(Math.abs(printed(line[2]!) - Date.now()) < 60_000, line[2])
    assert.match(appeals, new RegExp(`  ${localTime}  \\(identifier now free\\)\n$`))
    assert.match(revokedAgain.stderr, new RegExp(`was already revoked \\(${localTime}\\): nothing changed`))
    assert.ok(!/\d\dZ\b/.test(kiosks + appeals + revokedAgain.stderr), 'no UTC time')
  })
})
