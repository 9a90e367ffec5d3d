import assert from 'node:assert/strict'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import Database from 'better-sqlite3'
import { applyPragmas, migrate } from '../../../sync/migrations'
import {
  createKeyFileProtector,
  openSupervisorStore,
  type KioskSettingsPatch,
} from '../../../src-main/services/supervisor/supervisorStore'
import { isTrustedCentralUrl } from '../../../src-common/centralUrl'
import { kioskDir } from './supervisorFixture'

const enrolment = {
  kioskId: 'kiosk-0197a0c4',
  secret: 'c2VjcmV0LWhtYWMta2V5LW9mLXRoaXMta2lvc2s',
  keyId: 'central-2025-06',
  publicKey: 'BHx8c2VhbGluZy1wdWJsaWMta2V5LW9mLWNlbnRyYWw',
  centralUrl: 'https://passport.example.cn',
}

describe('kiosk settings', () => {
  test('a new kiosk starts with the documented defaults', () => {
    const store = kioskDir().open()
    assert.deepEqual(store.settings.get(), {
      kioskName: '',
      examCentre: '',
      centralUrl: null,
      idleTimeoutSec: 120,
      idleWarningSec: 20,
      supervisorIdleTimeoutSec: 60,
      defaultLocale: 'zh-CN',
      retentionDays: 30,
    })
  })

  test('a change is kept across restarts and audited, one row per changed setting', () => {
    const kiosk = kioskDir()
    const store = kiosk.open()
    const changed = store.settings.update(
      {
        idleTimeoutSec: 90,
        defaultLocale: 'en',
        retentionDays: 30,
        centralUrl: 'https://passport.example.cn/',
      },
      { staffId: 'T07' },
    )
    assert.equal(changed.ok, true)
    store.close()

    const restarted = kiosk.open()
    assert.equal(restarted.settings.get().idleTimeoutSec, 90)
    assert.equal(restarted.settings.get().defaultLocale, 'en')
    assert.equal(restarted.settings.get().centralUrl, 'https://passport.example.cn')
    assert.deepEqual(
      restarted.audit
        .list()
        .entries.map((entry) => `${String(entry.detail.key)}=${String(entry.detail.value)}`)
        .sort(),
      ['centralUrl=https://passport.example.cn', 'defaultLocale=en', 'idleTimeoutSec=90'],
    )
  })

  test('a bad value is refused by name and nothing of the change is written', () => {
    const store = kioskDir().open()
    const cases = [
      [{ idleTimeoutSec: 5 }, 'idleTimeoutSec'],
      [{ idleTimeoutSec: 60, idleWarningSec: 60 }, 'idleWarningSec'],
      [{ defaultLocale: 'fr' }, 'defaultLocale'],
      [{ retentionDays: 1.5 }, 'retentionDays'],
      [{ centralUrl: 'ftp://central.example.cn' }, 'centralUrl'],
      [{ centralUrl: 'https://admin:hunter2@central.example.cn' }, 'centralUrl'],
      // Plain http off this machine: anyone between could answer the enrolment with their own key.
      [{ centralUrl: 'http://passport.example.cn' }, 'centralUrl'],
      [{ centralUrl: 'http://10.0.0.5:8080' }, 'centralUrl'],
      [{ kioskName: '一号机\u0007' }, 'kioskName'],
      [{ pin: '123456' }, 'settings'],
    ] as const
    for (const [patch, field] of cases) {
      assert.deepEqual(
        // Wrong on purpose, as a renderer could send it.
        store.settings.update(patch as unknown as KioskSettingsPatch),
        { ok: false, error: { code: 'INVALID_FIELD', field } },
        JSON.stringify(patch),
      )
    }
    assert.equal(store.settings.get().idleTimeoutSec, 120)
    assert.equal(store.audit.list().total, 0)
  })

  test('plain http is taken only for a central server on this machine', () => {
    const store = kioskDir().open()
    for (const url of ['http://127.0.0.1:8080', 'http://localhost:3000', 'http://[::1]:3000', 'https://passport.example.cn']) {
      assert.equal(store.settings.update({ centralUrl: url }).ok, true, url)
      assert.equal(store.settings.get().centralUrl, url)
    }
    for (const url of ['http://passport.example.cn', 'http://127.0.0.1.evil.example', 'http://localhost.example.cn'])
      assert.equal(isTrustedCentralUrl(url), false, url)
  })

  test('enrolment is stored with the server that issued it, its secret readable only through the protector', () => {
    const kiosk = kioskDir()
    const store = kiosk.open()
    assert.deepEqual(store.settings.enrolment(), { ok: true, value: null })
    // The settings may name another address (KIOSK_CENTRAL_URL overrides them): the credential
    // remembers where it was issued, which is where it may be sent.
    store.settings.update({ centralUrl: 'https://typed-in-the-wizard.example.cn' })

    const saved = store.settings.saveEnrolment(enrolment, { staffId: 'T07' })

    assert.deepEqual(saved, {
      ok: true,
      value: {
        ...enrolment,
        centralUrl: 'https://passport.example.cn',
        enrolledAt: new Date(kiosk.clock.now).toISOString(),
      },
    })
    store.close()
    assert.equal(kiosk.bytesOnDisk().includes(enrolment.secret), false, 'the HMAC secret is not in kiosk.db')
    assert.deepEqual(kiosk.open().settings.enrolment(), saved)
  })

  test('a kiosk.db copied to another machine cannot give up its secrets: it must enrol again', () => {
    const kiosk = kioskDir()
    const store = kiosk.open()
    store.settings.saveEnrolment(enrolment)
    assert.equal(store.settings.accountKeySecret().ok, true)
    store.close()

    const elsewhere = openSupervisorStore({
      file: kiosk.file,
      protector: createKeyFileProtector(join(kiosk.dir, 'another-machine.key')),
    })
    assert.deepEqual(elsewhere.settings.enrolment(), { ok: false, error: { code: 'NOT_ENROLLED' } })
    assert.deepEqual(elsewhere.settings.accountKeySecret(), { ok: false, error: { code: 'INTERNAL' } })
    elsewhere.close()
  })

  test('a new enrolment on another machine makes a new account key, once, and says so in the audit log', () => {
    const kiosk = kioskDir()
    const store = kiosk.open()
    store.settings.saveEnrolment(enrolment)
    const lost = store.settings.accountKeySecret()
    assert.ok(lost.ok)
    store.close()

    const elsewhere = openSupervisorStore({
      file: kiosk.file,
      protector: createKeyFileProtector(join(kiosk.dir, 'another-machine.key')),
    })
    assert.equal(elsewhere.settings.accountKeySecret().ok, false)
    assert.ok(elsewhere.settings.saveEnrolment({ ...enrolment, kioskId: 'kiosk-2' }).ok)
    const renewed = elsewhere.settings.accountKeySecret()
    assert.ok(renewed.ok)
    assert.equal(renewed.value.length, 32)
    assert.notDeepEqual(renewed.value, lost.value)
    // Readable now: the next enrolment keeps it.
    assert.ok(elsewhere.settings.saveEnrolment({ ...enrolment, kioskId: 'kiosk-3' }).ok)
    assert.deepEqual(elsewhere.settings.accountKeySecret(), renewed)
    assert.deepEqual(
      elsewhere.audit.list().entries.map((entry) => entry.detail).slice(0, 3),
      [{ key: 'enrolment', value: 'kiosk-3' }, { key: 'accountKey', value: 'renewed' }, { key: 'enrolment', value: 'kiosk-2' }],
    )
    elsewhere.close()
  })

  test('a first enrolment leaves the account key to be made on first use, unannounced', () => {
    const store = kioskDir().open()
    store.settings.saveEnrolment(enrolment)
    assert.deepEqual(store.audit.list().entries.map((entry) => entry.detail), [{ key: 'enrolment', value: enrolment.kioskId }])
    assert.equal(store.settings.accountKeySecret().ok, true)
  })

  test('re-enrolment replaces the credential; clearing it leaves the kiosk unenrolled', () => {
    const store = kioskDir().open()
    store.settings.saveEnrolment(enrolment)
    const second = store.settings.saveEnrolment({
      ...enrolment,
      kioskId: 'kiosk-2',
      secret: 'bmV3LXNlY3JldC1mb3ItdGhlLWtpb3Nr',
    })
    assert.equal(second.ok && second.value.kioskId, 'kiosk-2')
    assert.equal(store.settings.clearEnrolment().ok, true)
    assert.deepEqual(store.settings.enrolment(), { ok: true, value: null })
    assert.deepEqual(
      store.audit.list().entries.map((entry) => entry.detail),
      [
        { key: 'enrolment', value: null },
        { key: 'enrolment', value: 'kiosk-2' },
        { key: 'enrolment', value: enrolment.kioskId },
      ],
    )
  })

  test('the account-key secret is 32 random bytes, made once and the same after a restart', () => {
    const kiosk = kioskDir()
    const first = kiosk.open().settings.accountKeySecret()
    const again = kiosk.open().settings.accountKeySecret()
    const otherKiosk = kioskDir().open().settings.accountKeySecret()

    assert.ok(first.ok && again.ok && otherKiosk.ok)
    assert.equal(first.value.length, 32)
    assert.deepEqual(again.value, first.value)
    assert.notDeepEqual(otherKiosk.value, first.value)
    assert.equal(kiosk.bytesOnDisk().includes(first.value.toString('latin1')), false)
  })

  test(
    'the key file of the Node protector is readable by its owner only',
    { skip: process.platform === 'win32' ? 'POSIX file modes do not apply on Windows' : false },
    () => {
      const kiosk = kioskDir()
      assert.equal(statSync(join(kiosk.dir, 'kiosk-secrets.key')).mode & 0o777, 0o600)
    },
  )

  test('a tampered secret blob is refused, not misread', () => {
    const kiosk = kioskDir()
    const blob = kiosk.protector.protect(Buffer.from('secret'))
    blob[blob.length - 1] = (blob[blob.length - 1] ?? 0) ^ 1
    assert.throws(() => kiosk.protector.unprotect(blob))
  })
})

describe('kiosk.db shared with the outbox', () => {
  test('supervisor and outbox migrations live side by side in either order, user_version untouched by ours', () => {
    const kiosk = kioskDir()
    const outboxFirst = new Database(kiosk.file)
    applyPragmas(outboxFirst)
    migrate(outboxFirst)
    const outboxVersion = outboxFirst.pragma('user_version', { simple: true })
    outboxFirst.close()

    const store = kiosk.open()
    store.settings.update({ retentionDays: 14 })
    store.close()

    const db = new Database(kiosk.file)
    migrate(db)
    assert.equal(db.pragma('user_version', { simple: true }), outboxVersion)
    const tables = db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
      )
      .pluck()
      .all()
    assert.deepEqual(tables, [
      'ops',
      'supervisor_audit',
      'supervisor_pin',
      'supervisor_schema',
      'supervisor_secrets',
      'supervisor_settings',
      'sync_state',
    ])
    assert.deepEqual(db.prepare(`SELECT version FROM supervisor_schema`).pluck().all(), [1])
    db.close()
    assert.equal(kiosk.open().settings.get().retentionDays, 14)
  })

  test('a kiosk.db from a newer build is refused rather than misread', () => {
    const kiosk = kioskDir()
    kiosk.open().close()
    const db = new Database(kiosk.file)
    db.prepare(`INSERT INTO supervisor_schema (version, applied_at) VALUES (99, 0)`).run()
    db.close()
    assert.throws(() => kiosk.open(), /newer than this build/)
  })
})
