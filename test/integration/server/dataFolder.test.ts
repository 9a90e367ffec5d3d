// One data folder, one server: what the operator meets when a second server is started on it, when
// the first was killed, and when central.db is damaged deep inside. The servers run as the CLI runs
// them, in processes of their own.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { openCentralStore, startServer } from '../../../server/index'
import type { Db } from '../../../server/database'
import { apiPaths } from '../../../src-common/wire'
import { appealPayload, call, candidate, cli, logCapture, noStackTrace, residentId, serverCommand, smsCode as codeFor, spawnServer, TestKiosk } from './kiosk'

function tempFolder(t: { after(fn: () => void): void }): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'central-folder-'))
  t.after(() => rmSync(dataDir, { recursive: true, force: true }))
  return dataDir
}

describe('one server per data folder', () => {
  test('a second server on the same folder refuses to start, saying which folder, by whom and how to stop it; the first serves on, beside the administrator', async (t) => {
    const dataDir = tempFolder(t)
    const first = await spawnServer(dataDir)
    t.after(() => first.stop())

    const second = await serverCommand('--port', '0', '--data', dataDir)

    // Before: it started as well, and each took central.db's write lock from the other.
    assert.equal(second.code, 1, second.stdout)
    const pid = first.child.pid
    assert.equal(
      second.stderr.trim(),
      `the data folder ${dataDir} is in use by another server (pid ${pid}): stop that server first (Ctrl-C where it runs, or kill ${pid}), or give this one another --data`,
    )
    assert.doesNotMatch(second.stdout, /listening on/)
    noStackTrace(second.stderr)
    assert.equal((await call(first.url, 'GET', apiPaths.health)).status, 200)
    // The administrator's commands work beside it, those that read and those that write.
    const { stdout: made } = await cli(dataDir, 'enroll-kiosk', '--name', 'Hall A')
    const code = /: (\S+)$/m.exec(made)![1]!
    assert.match((await cli(dataDir, 'enrollment-codes', 'list')).stdout, /Hall A/)
    const enrolled = await call(first.url, 'POST', apiPaths.enroll, { code, name: 'kiosk 1' })
    assert.equal(enrolled.status, 200)
    assert.match(
      (await cli(dataDir, 'kiosks', 'list')).stdout,
      new RegExp(`${enrolled.body.kioskId}\\s+active`),
    )
    const kiosk = new TestKiosk(
      first.url,
      enrolled.body.kioskId,
      enrolled.body.secret,
      enrolled.body.keyId,
      enrolled.body.publicKey,
    )
    assert.equal((await kiosk.apply('appeal', appealPayload())).status, 'pending')
    const appealId = (await cli(dataDir, 'appeals', 'list')).stdout.split(/\s+/)[0]!
    assert.match((await cli(dataDir, 'appeals', 'reject', appealId)).stdout, /rejected/)
    assert.match((await cli(dataDir, 'kiosks', 'revoke', kiosk.kioskId)).stdout, /revoked/)
    assert.equal((await kiosk.push([await kiosk.op('appeal', appealPayload())])).status, 401)
    assert.equal(await first.stop(), 0)
  })

  test('a server killed with kill -9 leaves the folder usable: the next one starts on it, with its data, checking it first', async (t) => {
    const dataDir = tempFolder(t)
    const killed = await spawnServer(dataDir)
    await cli(dataDir, 'enroll-kiosk', '--name', 'Hall K')
    killed.child.kill('SIGKILL')
    await killed.exited
    // What the lock leaves is server.lock and server.pid, no journal of its own beside central.db's.
    assert.deepEqual(readdirSync(dataDir).filter((name) => name.startsWith('server.')).sort(), ['server.lock', 'server.pid'])

    const next = await spawnServer(dataDir)
    t.after(() => next.stop())

    assert.match(next.stdout(), /did not stop cleanly: central.db was checked \(quick_check\) and is whole/)
    assert.match((await cli(dataDir, 'enrollment-codes', 'list')).stdout, /Hall K/)
    // Stopped cleanly, it is not checked at the next start.
    assert.equal(await next.stop(), 0)
    const after = await spawnServer(dataDir)
    t.after(() => after.stop())
    assert.doesNotMatch(after.stdout(), /did not stop cleanly/)
  })

  test('a check owed after a kill -9 that cannot run (another program holds central.db) stops the start naming that, and is still owed at the next start', async (t) => {
    const dataDir = tempFolder(t)
    const file = join(dataDir, 'central.db')
    const killed = await spawnServer(dataDir)
    killed.child.kill('SIGKILL')
    await killed.exited
    // Another program keeps central.db to itself (SQLite's exclusive locking mode): nothing is
    // damaged, but the check cannot read it.
    const holder = new Database(file)
    holder.pragma('locking_mode = EXCLUSIVE')
    holder.exec('BEGIN EXCLUSIVE')
    holder.exec('COMMIT')

    const refused = await serverCommand('--port', '0', '--data', dataDir)
    holder.close()

    assert.equal(refused.code, 1, refused.stdout)
    // Before: server.pid was removed, as after a clean stop, and the next start skipped the check.
    assert.ok(existsSync(join(dataDir, 'server.pid')), 'server.pid kept: the check is still owed')
    assert.match(
      refused.stderr,
      new RegExp(
        `^${file} is locked by another program \\(database is locked\\): wait for it to finish, or stop it, then try again\\. The last server on this folder did not stop cleanly: the next start checks central\\.db first`,
      ),
    )
    assert.doesNotMatch(refused.stderr, /damaged/)
    noStackTrace(refused.stderr)
    const next = await spawnServer(dataDir)
    t.after(() => next.stop())
    assert.match(next.stdout(), /did not stop cleanly: central.db was checked \(quick_check\) and is whole/)
  })

  test('a server.lock that is not a lock file (garbled) stops the start naming server.lock and what to do; central.db is not blamed', async (t) => {
    const dataDir = tempFolder(t)
    const made = await startServer({ port: 0, dataDir, logger: false })
    await made.close()
    const lockFile = join(dataDir, 'server.lock')
    const database = readFileSync(join(dataDir, 'central.db'))
    writeFileSync(lockFile, 'copied over by mistake\n')

    const refused = await serverCommand('--port', '0', '--data', dataDir)

    assert.equal(refused.code, 1, refused.stdout)
    // Before: "…central.db is damaged or is not a central database (file is not a database). … Restore the data folder from its backup".
    assert.equal(
      refused.stderr.trim(),
      `${lockFile} is not the server's lock file (file is not a database): it holds no data, and central.db was not opened. Check that no server runs on ${dataDir}, delete ${lockFile}, then start again`,
    )
    noStackTrace(refused.stderr)
    assert.deepEqual(readFileSync(join(dataDir, 'central.db')), database)
    // Done as it says, the server starts on its data; an empty server.lock (as a server leaves it) is taken as it is.
    rmSync(lockFile)
    writeFileSync(lockFile, '')
    const again = await startServer({ port: 0, dataDir, logger: false })
    await again.close()
  })

  test('within one process too, a second server on the folder is refused until the first has closed', async (t) => {
    const dataDir = tempFolder(t)
    const first = await startServer({ port: 0, dataDir, logger: false })

    await assert.rejects(startServer({ port: 0, dataDir, logger: false }), {
      code: 'DATA_FOLDER_IN_USE',
      pid: process.pid,
    })

    await first.close()
    const again = await startServer({ port: 0, dataDir, logger: false })
    await again.close()
  })
})

describe('a database damaged deep inside', () => {
  /**
   * A data folder with a kiosk and an op, then the root page of the ops table (or of the b-trees
   * `where` selects from sqlite_schema) overwritten, as a failing disk would.
   */
  async function damagedFolder(t: { after(fn: () => void): void }, where = "name = 'ops'") {
    const dataDir = tempFolder(t)
    const made = await startServer({ port: 0, dataDir, logger: false })
    const enrolled = await call(made.url, 'POST', apiPaths.enroll, {
      code: made.createEnrollmentCode('Hall D'),
      name: 'kiosk 1',
    })
    const credential = enrolled.body as { kioskId: string; secret: string; keyId: string; publicKey: string }
    const applied = await new TestKiosk(
      made.url,
      credential.kioskId,
      credential.secret,
      credential.keyId,
      credential.publicKey,
    ).apply('appeal', appealPayload())
    await made.close()
    const file = join(dataDir, 'central.db')
    const db = new Database(file, { readonly: true })
    const pages = db.prepare(`SELECT rootpage FROM sqlite_schema WHERE ${where} AND rootpage > 0`).pluck().all() as number[]
    const pageSize = db.pragma('page_size', { simple: true }) as number
    db.close()
    const fd = openSync(file, 'r+')
    for (const page of pages) writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (page - 1) * pageSize)
    closeSync(fd)
    return { dataDir, file, credential, opId: applied.id as string }
  }

  test('the server stops at the first commit saying the database is damaged and to restore it from a backup; started again, it finds the damage before it serves', async (t) => {
    const { dataDir, file, credential } = await damagedFolder(t)
    // A clean stop before the damage: nothing is checked at this start, which passes.
    const running = await spawnServer(dataDir)
    t.after(() => running.stop())
    const kiosk = new TestKiosk(
      running.url,
      credential.kioskId,
      credential.secret,
      credential.keyId,
      credential.publicKey,
    )

    await kiosk.push([await kiosk.op('appeal', appealPayload())]).catch(() => undefined)

    assert.equal(await running.exited, 70)
    // Before: only pino's JSON line on stdout, 'commit failed: answering 503 from now on'.
    assert.match(
      running.stderr(),
      new RegExp(
        `^${file} is damaged \\(database disk image is malformed\\): the server stopped \\(exit 70\\), and a restart on this folder stops again\\. Restore it from its last backup: start the server with --data on a folder made by 'npm run server -- backup'`,
      ),
    )
    noStackTrace(running.stderr())

    // Its supervisor starts it again: it stops before it listens, and says why (exit 1).
    const restarted = await serverCommand('--port', '0', '--data', dataDir)
    assert.equal(restarted.code, 1)
    assert.doesNotMatch(restarted.stdout, /listening on/)
    assert.match(
      restarted.stderr,
      new RegExp(
        `^${file} is damaged or is not a central database \\(quick_check found: .+\\)\\. Nothing was changed\\. Restore the data folder from its backup`,
      ),
    )
    noStackTrace(restarted.stderr)
    // And so again at the next try: the folder stays marked until it is restored.
    assert.equal((await serverCommand('--port', '0', '--data', dataDir)).code, 1)
  })

  test('a damage met by reads only answers 503 to the requests that meet it, is logged once with what to do, and the next start finds it', async (t) => {
    const { dataDir, credential, opId } = await damagedFolder(t)
    const log = logCapture()
    // A clean stop before the damage: nothing is checked at this start, which passes.
    const running = await startServer({ port: 0, dataDir, logger: log.logger })
    let stopped: Promise<void> | undefined
    const stop = () => (stopped ??= running.close())
    t.after(stop)
    const kiosk = new TestKiosk(running.url, credential.kioskId, credential.secret, credential.keyId, credential.publicKey)

    // Each reads the damaged page of the ops table, and writes nothing of it.
    const answers = [
      await kiosk.signed('GET', `/v1/ops/${opId}`),
      await kiosk.signed('GET', `/v1/ops/${opId}`),
      await kiosk.push([await kiosk.op('appeal', appealPayload(), { id: opId })]),
    ]

    // Before: 500 INTERNAL to each, and pino's 'request failed' with a stack trace per request.
    for (const answer of answers) assert.deepEqual(answer, { status: 503, body: { error: { code: 'INTERNAL' } } })
    assert.equal((await call(running.url, 'GET', apiPaths.health)).status, 200)
    const lines = log.lines()
    const damage = lines.filter((line) => /damaged/.test(line.msg))
    assert.equal(damage.length, 1, 'once, not once per request')
    assert.match(
      damage[0].msg,
      /^central\.db is damaged: requests that read the damaged part are answered 503\. Stop the server and restore the data folder from its last backup/,
    )
    assert.equal(damage[0].reason, 'database disk image is malformed')
    assert.deepEqual(lines.filter((line) => line.err !== undefined || /request failed/.test(line.msg)), [])
    // Stopped cleanly after it, the folder stays marked: the next start checks it, and refuses.
    await stop()
    await assert.rejects(startServer({ port: 0, dataDir, logger: false }), { code: 'SQLITE_CORRUPT' })
  })

  test('an op that reads a damaged page is answered 503 with its batch, logged once, without a stack per op', async (t) => {
    const { dataDir, credential } = await damagedFolder(t, "tbl_name = 'accounts'")
    const log = logCapture()
    const running = await startServer({ port: 0, dataDir, dev: true, logger: log.logger })
    t.after(() => running.close())
    const kiosk = new TestKiosk(running.url, credential.kioskId, credential.secret, credential.keyId, credential.publicKey)
    const smsCode = await codeFor(kiosk, candidate.mobile, 'register')
    const registration = (idNumber: string) =>
      kiosk.op('register', { ...candidate, idNumber, smsCode, agreed: true })

    // The registration looks the ID number up among the accounts: that read meets the damage.
    const answer = await kiosk.push([await registration(candidate.idNumber), await registration(residentId('11010519900101001'))])

    // Before: 200, each op rejected INTERNAL, and 'op failed' with a stack trace per op.
    assert.deepEqual(answer, { status: 503, body: { error: { code: 'INTERNAL' } } })
    const lines = log.lines()
    assert.equal(lines.filter((line) => /damaged/.test(line.msg)).length, 1)
    assert.deepEqual(lines.filter((line) => line.err !== undefined || /op failed/.test(line.msg)), [])
  })
})

describe('a disk that fails reads of central.db', () => {
  /**
   * From `fail(pattern)` on, the statements that read and whose SQL matches `pattern` throw what
   * better-sqlite3 throws when the disk fails a read (a bad sector, a cable pulled, a controller
   * reset), until `fail(undefined)`: no file system in a test fails on demand, and the file stays whole.
   */
  function failingReads(db: Db) {
    let failing: RegExp | undefined
    const prepare = db.prepare.bind(db)
    db.prepare = ((source: string) => {
      const statement = prepare(source)
      for (const method of ['get', 'all', 'iterate'] as const) {
        const read = statement[method] as (...args: unknown[]) => unknown
        Object.assign(statement, {
          [method]: (...args: unknown[]) => {
            if (statement.reader && failing?.test(source)) throw new Database.SqliteError('disk I/O error', 'SQLITE_IOERR_READ')
            return read.apply(statement, args)
          },
        })
      }
      return statement
    }) as Db['prepare']
    return (pattern: RegExp | undefined) => void (failing = pattern)
  }

  async function serverOnFailingDisk(t: { after(fn: () => Promise<void> | void): void }) {
    const dataDir = tempFolder(t)
    const store = await openCentralStore(dataDir)
    const fail = failingReads(store.db)
    const log = logCapture()
    let now = Date.now()
    const running = await startServer({ port: 0, store, dev: true, logger: log.logger, clock: () => now })
    let stopped: Promise<void> | undefined
    const stop = () =>
      (stopped ??= running.close().then(() => {
        store.close()
      }))
    t.after(stop)
    const enrolled = await call(running.url, 'POST', apiPaths.enroll, { code: running.createEnrollmentCode('Hall D'), name: 'kiosk 1' })
    const { kioskId, secret, keyId, publicKey } = enrolled.body as { kioskId: string; secret: string; keyId: string; publicKey: string }
    const kiosk = new TestKiosk(running.url, kioskId, secret, keyId, publicKey)
    kiosk.clock = () => now
    const later = (ms: number) => void (now += ms)
    return { dataDir, running, kiosk, fail, log, later, stop }
  }

  const unavailable = { status: 503, body: { error: { code: 'INTERNAL' } } }
  const diskLines = (lines: ReturnType<ReturnType<typeof logCapture>['lines']>) => lines.filter((line) => /I\/O error/.test(line.msg))

  test('the requests that meet it are answered 503, it is logged at most once a minute with what to check, and the folder is not marked damaged', async (t) => {
    const { dataDir, running, kiosk, fail, log, later, stop } = await serverOnFailingDisk(t)
    const applied = await kiosk.apply('appeal', appealPayload())
    fail(/FROM (ops|kiosks)\b/)

    const answers = [
      await kiosk.signed('GET', `/v1/ops/${applied.id}`),
      await kiosk.signed('GET', `/v1/ops/${applied.id}`),
      await kiosk.push([await kiosk.op('appeal', appealPayload(), { id: applied.id as string })]),
    ]

    // Before: 500 INTERNAL to each, and pino's 'request failed' with a stack trace per request.
    for (const answer of answers) assert.deepEqual(answer, unavailable)
    assert.equal((await call(running.url, 'GET', apiPaths.health)).status, 200)
    const said = diskLines(log.lines())
    assert.equal(said.length, 1, 'not once per request')
    assert.match(
      said[0].msg,
      /^central\.db could not be read: the disk reported an I\/O error, and requests that read it are answered 503 \(kiosks keep their ops and try again later\)\. Check the disk that holds the data folder/,
    )
    assert.equal(said[0].reason, 'disk I/O error')
    assert.equal(said[0].sqliteCode, 'SQLITE_IOERR_READ')

    // A minute on, it is said again while it lasts, with how many requests met it meanwhile.
    later(61_000)
    assert.deepEqual(await kiosk.signed('GET', `/v1/ops/${applied.id}`), unavailable)
    const again = diskLines(log.lines())
    assert.equal(again.length, 2)
    assert.equal(again[1].metSinceLastLine, 2)
    assert.deepEqual(
      log.lines().filter((line) => line.err !== undefined || line.stack !== undefined || /request failed|damaged/.test(line.msg)),
      [],
    )

    // It passes: the same request is answered, and a clean stop leaves the folder unmarked (no check at the next start).
    fail(undefined)
    assert.equal((await kiosk.signed('GET', `/v1/ops/${applied.id}`)).status, 200)
    await stop()
    assert.equal(existsSync(join(dataDir, 'server.pid')), false)
  })

  test('an op whose read meets it is answered 503 with its batch, without a stack per op', async (t) => {
    const { kiosk, fail, log } = await serverOnFailingDisk(t)
    const smsCode = await codeFor(kiosk, candidate.mobile, 'register')
    fail(/FROM accounts\b/)

    // The registration looks the ID number up among the accounts: that read meets the disk error.
    const answer = await kiosk.push([await kiosk.op('register', { ...candidate, smsCode, agreed: true })])

    // Before: 200, the op rejected INTERNAL, and 'op failed' with a stack trace.
    assert.deepEqual(answer, unavailable)
    const lines = log.lines()
    assert.equal(diskLines(lines).length, 1)
    assert.deepEqual(lines.filter((line) => line.err !== undefined || /op failed|damaged/.test(line.msg)), [])
  })
})
