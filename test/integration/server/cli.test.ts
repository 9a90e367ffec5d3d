import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { startServer } from '../../../server/index'
import { noStackTrace, serverCommand, serverCommandAs, spawnServer, startTestServer } from './kiosk'

const server = serverCommand

describe("the operator's mistakes at the command line", () => {
  test('a mistyped option is named, with the usage, and exits 2, not a stack trace', async () => {
    const typo = await server('--prot', '8787')

    assert.equal(typo.code, 2)
    assert.match(typo.stderr, /Unknown option '--prot'/)
    assert.match(typo.stderr, /Usage:/)
    noStackTrace(typo.stderr)

    const noValue = await server('--port', '--dev')
    assert.equal(noValue.code, 2)
    assert.match(noValue.stderr, /--port/)
    noStackTrace(noValue.stderr)

    // An empty value (a shell variable never set) is not "any free port", where no kiosk would look.
    for (const port of ['', ' ', '0x1F']) {
      const notAPort = await server('--port', port)
      assert.notEqual(notAPort.code, 0, JSON.stringify(port))
      assert.match(notAPort.stderr, /--port must be a port number/)
    }
  })

  test('a mistyped --data makes no new data folder for enroll-kiosk, kiosks or appeals', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'central-cli-'))
    try {
      const typo = join(parent, 'centraldata')
      for (const args of [
        ['enroll-kiosk', '--name', 'Hall A'],
        ['kiosks', 'list'],
        ['kiosks', 'revoke', 'some-id'],
        ['appeals', 'list'],
      ]) {
        const answer = await server(...args, '--data', typo)

        // Before: a fresh empty database, and a code no server knows, or "no kiosks".
        assert.equal(answer.code, 1, `${args.join(' ')}: ${answer.stdout}`)
        assert.match(answer.stderr, new RegExp(`no central database in ${typo}: check --data`))
        assert.equal(answer.stdout, '')
        assert.equal(existsSync(typo), false, args.join(' '))
      }
    } finally {
      rmSync(parent, { recursive: true, force: true })
    }
  })

  test('a hall name with spaces left unquoted is refused, not cut to its first word', async (t) => {
    const running = await startTestServer()
    t.after(() => running.stop())

    const answer = await server('enroll-kiosk', '--name', 'Hall', 'A', '--data', running.dataDir)

    assert.equal(answer.code, 2)
    assert.match(answer.stderr, /quote a name with spaces, --name "Hall A"/)
    assert.doesNotMatch(answer.stdout, /enrolment code/)
  })

  test('a port already in use says so and exits non-zero', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'central-cli-'))
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    t.after(() => {
      taken.close()
      rmSync(dataDir, { recursive: true, force: true })
    })
    const port = String((taken.address() as { port: number }).port)

    const answer = await server('--port', port, '--data', dataDir)

    assert.equal(answer.code, 1)
    assert.match(
      answer.stderr,
      new RegExp(`port ${port} on 127.0.0.1 is already in use.*choose another --port`),
    )
    noStackTrace(answer.stderr)
  })

  test('a damaged central.db stops the start with what to do, and is left as it was', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'central-cli-'))
    t.after(() => rmSync(dataDir, { recursive: true, force: true }))
    const file = join(dataDir, 'central.db')
    const damaged = Buffer.alloc(8192, 'not a database ')
    writeFileSync(file, damaged, { mode: 0o600 })

    for (const args of [
      ['--port', '0'],
      ['kiosks', 'list'],
    ]) {
      const answer = await server(...args, '--data', dataDir)

      assert.equal(answer.code, 1, args.join(' '))
      assert.match(
        answer.stderr,
        new RegExp(
          `${file} is damaged or is not a central database.*restore the data folder from its backup`,
          'i',
        ),
      )
      noStackTrace(answer.stderr)
    }
    assert.deepEqual(readFileSync(file), damaged)
  })

  test("the administrator's commands on a data folder this user cannot write to say what to do, not a stack trace", async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'central-cli-'))
    t.after(() => {
      chmodSync(dataDir, 0o700)
      rmSync(dataDir, { recursive: true, force: true })
    })
    const made = await startServer({ port: 0, dataDir, logger: false })
    await made.close()
    // Root writes anywhere: from root, the commands run as a user of their own (nobody's id) that
    // owns the folder, as the server's user would.
    const uid = process.getuid?.() === 0 ? 65534 : undefined
    if (uid !== undefined) {
      if (spawnSync('setpriv', ['--version']).status !== 0) return t.skip('run as root without setpriv')
      for (const path of [dataDir, ...readdirSync(dataDir).map((name) => join(dataDir, name))]) chownSync(path, uid, uid)
    }
    // A read-only folder: SQLite cannot make central.db's -shm there, which even reading needs.
    chmodSync(dataDir, 0o500)

    for (const args of [['kiosks', 'list'], ['enrollment-codes', 'list'], ['enroll-kiosk', '--name', 'Hall R']]) {
      const answer = await serverCommandAs(uid, ...args, '--data', dataDir)

      // Before: SqliteError: attempt to write a readonly database, and its stack (SQLITE_READONLY_DIRECTORY).
      assert.equal(answer.code, 1, args.join(' '))
      assert.match(
        answer.stderr,
        new RegExp(`^cannot write to the data folder ${dataDir} \\(.+\\): make it writable by this user and check the disk has room, then try again\n$`),
        args.join(' '),
      )
    }
  })

  test('a --data that names a file, not a folder, says so', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'central-cli-'))
    t.after(() => rmSync(dataDir, { recursive: true, force: true }))
    const file = join(dataDir, 'notes.txt')
    writeFileSync(file, 'hello')

    const answer = await server('--port', '0', '--data', file)

    assert.equal(answer.code, 1)
    assert.match(answer.stderr, new RegExp(`--data ${file} is not a folder`))
    noStackTrace(answer.stderr)
  })

  test('a mistyped appeal status is refused, not answered "no appeals" with appeals waiting', async (t) => {
    const running = await startTestServer()
    t.after(() => running.stop())

    const answer = await server('appeals', 'list', '--status', 'pendng', '--data', running.dataDir)

    assert.equal(answer.code, 2)
    assert.match(answer.stderr, /--status must be one of pending, accepted, rejected/)
    assert.doesNotMatch(answer.stdout, /no appeals/)
  })

  test('revoking an id no kiosk has says to give the whole id', async (t) => {
    const running = await startTestServer()
    t.after(() => running.stop())

    const answer = await server('kiosks', 'revoke', '0193f2c4', '--data', running.dataDir)

    assert.equal(answer.code, 1)
    assert.match(answer.stderr, /no kiosk 0193f2c4: give its whole id, as kiosks list shows it/)
  })

  test('a server started on a new data folder says so, once: a mistyped --data at a restart is seen', async (t) => {
    const parent = mkdtempSync(join(tmpdir(), 'central-cli-'))
    t.after(() => rmSync(parent, { recursive: true, force: true }))
    const dataDir = join(parent, 'central-data')
    /** What the server printed up to "listening on", then it is stopped (and stops cleanly). */
    const start = async () => {
      const running = await spawnServer(dataDir)
      assert.equal(await running.stop(), 0)
      return running.stdout()
    }

    const first = await start()
    const second = await start()

    assert.match(first, new RegExp(`new data folder ${dataDir}: an empty central database and new keys`))
    assert.doesNotMatch(second, /new data folder/)
  })

  test("an administrator's command run from a checkout newer than the database changes nothing under the running server: it says to start the server from that checkout first", async (t) => {
    const running = await startTestServer()
    t.after(() => running.stop())
    // A database the running server keeps at an older version than this checkout's.
    const db = new Database(join(running.dataDir, 'central.db'))
    const current = db.pragma('user_version', { simple: true }) as number
    db.pragma(`user_version = ${current - 1}`)

    for (const args of [['kiosks', 'list'], ['kiosks', 'revoke', 'some-id'], ['enroll-kiosk', '--name', 'Hall N']]) {
      const answer = await server(...args, '--data', running.dataDir)

      // Before: it migrated the live database (here: a table made twice, and a stack trace).
      assert.equal(answer.code, 1, args.join(' '))
      assert.equal(
        answer.stderr,
        `${join(running.dataDir, 'central.db')} is older than this checkout (at version ${current - 1}, this checkout's at ${current}): start the server from this checkout once (it brings the database up to date), then run the command again\n`,
      )
    }
    assert.equal(db.pragma('user_version', { simple: true }), current - 1)
    db.close()
  })
})
