import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fields } from '../../../src-common/fields'
import { loadedPasswordDictionary } from '../../../src-common/rules/passwordStrength'

// Every form imports fields.ts: the half-megabyte password dictionary must wait until it is asked for.
test('importing and using the field schemas does not load the password dictionary', () => {
  assert.equal(fields.password.safeParse('Kx9#mq2Lp_').success, true)
  assert.equal(loadedPasswordDictionary(), undefined)
})
