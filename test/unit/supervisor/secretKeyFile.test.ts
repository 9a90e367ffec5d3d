import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { createKeyFileProtector, openSupervisorStore } from '../../../src-main/services/supervisor/supervisorStore'

test('a key file the disk filled up under (empty, cut short) does not stop every later start: a new key is made', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-keyfile-'))
  try {
    const keyFile = join(dir, 'kiosk-secrets.key')
    // What a first start on a full disk left: 'wx' made the file, the write of the key failed.
    writeFileSync(keyFile, '')
    const protector = createKeyFileProtector(keyFile)
    assert.equal(protector.unprotect(protector.protect(Buffer.from('secret'))).toString(), 'secret')
    assert.equal(readFileSync(keyFile).length, 32)
    const store = openSupervisorStore({ file: join(dir, 'kiosk.db'), protector })
    assert.equal(store.setup.isSetUp(), false, 'the wizard opens, as on a first start')
    store.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a whole key is never replaced: what it sealed stays readable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-keyfile-'))
  try {
    const keyFile = join(dir, 'kiosk-secrets.key')
    const sealed = createKeyFileProtector(keyFile).protect(Buffer.from('secret'))
    const key = readFileSync(keyFile)
    assert.equal(createKeyFileProtector(keyFile).unprotect(sealed).toString(), 'secret')
    assert.deepEqual(readFileSync(keyFile), key)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a key file with something else in it (edited, hex) is moved aside, not destroyed, and a new key is made', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-keyfile-'))
  try {
    const keyFile = join(dir, 'kiosk-secrets.key')
    const hex = `${'ab'.repeat(32)}\n`
    writeFileSync(keyFile, hex)
    const protector = createKeyFileProtector(keyFile)
    assert.equal(protector.unprotect(protector.protect(Buffer.from('secret'))).toString(), 'secret')
    assert.equal(readFileSync(keyFile).length, 32)
    const aside = readdirSync(dir).filter((name) => name.startsWith('kiosk-secrets.key.bad-'))
    assert.equal(aside.length, 1)
    assert.equal(readFileSync(join(dir, aside[0]!), 'utf8'), hex)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
