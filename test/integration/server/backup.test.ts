import { test } from 'node:test'
import assert from 'node:assert/strict'
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from '../../../server/index'
import { appealPayload, cli, startTestServer, TestKiosk } from './kiosk'

test('a backup taken while the server runs holds every op it answered, and a server restored from it answers them again, applying none twice', async (t) => {
  const running = await startTestServer()
  t.after(() => running.stop())
  const kiosk = await TestKiosk.enrol(running)
  // Fresh ops sit in the -wal, not yet in central.db: what a copy of the files would miss.
  const ops = await Promise.all(Array.from({ length: 20 }, () => kiosk.op('appeal', appealPayload())))
  const first = await kiosk.push(ops)
  assert.equal(first.status, 200)
  const backups = mkdtempSync(join(tmpdir(), 'central-backup-'))
  t.after(() => rmSync(backups, { recursive: true, force: true }))
  const target = join(backups, 'monday')

  const { stdout } = await cli(running.dataDir, 'backup', target)

  assert.match(stdout, new RegExp(`to restore, start the server with --data ${target}`))
  assert.deepEqual(readdirSync(target).sort(), ['central.db', 'pepper.key', 'sealing-key.json'])
  for (const file of readdirSync(target)) assert.equal(statSync(join(target, file)).mode & 0o777, 0o600, file)
  const restored = await startServer({ port: 0, dataDir: target, logger: false })
  t.after(() => restored.close())
  const sameKiosk = new TestKiosk(restored.url, kiosk.kioskId, kiosk.secret, kiosk.keyId, kiosk.publicKey)
  const again = await sameKiosk.push(ops)
  assert.equal(again.status, 200)
  assert.deepEqual(again.body, first.body)
  const appeals = await cli(target, 'appeals', 'list')
  assert.equal(appeals.stdout.trim().split('\n').length, ops.length)
})

test('a backup is never written over another: a folder that is not empty is refused', async (t) => {
  const running = await startTestServer()
  t.after(() => running.stop())
  const target = mkdtempSync(join(tmpdir(), 'central-backup-'))
  t.after(() => rmSync(target, { recursive: true, force: true }))
  await cli(running.dataDir, 'backup', target)

  await assert.rejects(cli(running.dataDir, 'backup', target), (error: { code: number; stderr: string }) => {
    assert.equal(error.code, 1)
    assert.match(error.stderr, /is not empty: back up into a new folder/)
    return true
  })
  // A path with a space, unquoted: not a backup into its first half.
  await assert.rejects(cli(running.dataDir, 'backup', `${target}-new`, 'folder'), (error: { code: number; stderr: string }) => {
    assert.equal(error.code, 2)
    assert.match(error.stderr, /backup takes one folder: quote a path with spaces/)
    return true
  })
})

test('a backup that fails leaves nothing where it was going, says so about that folder, and the retry makes it whole', async (t) => {
  const running = await startTestServer()
  t.after(() => running.stop())
  const backups = mkdtempSync(join(tmpdir(), 'central-backup-'))
  t.after(() => rmSync(backups, { recursive: true, force: true }))
  const target = join(backups, 'monday')
  // Something of the copy that cannot be made (here a key that is not a file), after the database was.
  const pepper = join(running.dataDir, 'pepper.key')
  renameSync(pepper, `${pepper}.aside`)
  mkdirSync(pepper)

  await assert.rejects(cli(running.dataDir, 'backup', target), (error: { code: number; stderr: string }) => {
    assert.equal(error.code, 1)
    assert.match(error.stderr, new RegExp(`^could not back up .* to ${target}: .*No copy was left there`))
    return true
  })
  assert.deepEqual(readdirSync(backups), [])

  rmdirSync(pepper)
  renameSync(`${pepper}.aside`, pepper)
  await cli(running.dataDir, 'backup', target)
  assert.deepEqual(readdirSync(target).sort(), ['central.db', 'pepper.key', 'sealing-key.json'])
})

test('a backup into an empty folder the administrator made (a mounted drive) keeps that folder; one stopped midway is named at the next try', async (t) => {
  const running = await startTestServer()
  t.after(() => running.stop())
  const target = mkdtempSync(join(tmpdir(), 'central-backup-'))
  t.after(() => rmSync(target, { recursive: true, force: true }))
  chmodSync(target, 0o750)
  const made = statSync(target)

  await cli(running.dataDir, 'backup', target)

  const after = statSync(target)
  assert.equal(after.ino, made.ino)
  assert.equal(after.mode & 0o777, 0o750)
  assert.deepEqual(readdirSync(target).sort(), ['central.db', 'pepper.key', 'sealing-key.json'])

  // What a backup killed midway (Ctrl-C, a power cut) leaves: its files under their .partial- names.
  const stopped = mkdtempSync(join(tmpdir(), 'central-backup-'))
  t.after(() => rmSync(stopped, { recursive: true, force: true }))
  writeFileSync(join(stopped, '.partial-central.db'), '')
  await assert.rejects(cli(running.dataDir, 'backup', stopped), (error: { code: number; stderr: string }) => {
    assert.equal(error.code, 1)
    assert.match(error.stderr, /holds an unfinished backup \(\.partial-\* files/)
    return true
  })
})
