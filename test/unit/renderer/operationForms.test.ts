import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { KioskError } from '../../../src-common/errors'
import type { OpOutcome } from '../../../src-common/kioskApi'
import { operationKinds } from '../../../src-common/operations'

// A renderer file, typed by tsconfig.web.json, not this project's: loaded by URL (as locales.test.ts does).
type Form = { path: string; needsLogIn: boolean }
const { formToRedo, operationForms } = (await import(new URL('../../../src-renderer/src/views/progress/operationForms.ts', import.meta.url).href)) as {
  formToRedo(outcome: Pick<OpOutcome, 'kind' | 'status' | 'error'>): Form | null
  operationForms: Record<string, Form>
}

const badCode: KioskError = { code: 'BAD_SMS_CODE' }

describe('查询办理进度: where a refused op is done again', () => {
  test('every kind of operation has a candidate screen, the account’s behind the log-in', () => {
    for (const kind of operationKinds) assert.ok(operationForms[kind], kind)
    assert.deepEqual(formToRedo({ kind: 'register', status: 'rejected', error: badCode }), { path: '/register', needsLogIn: false })
    assert.deepEqual(formToRedo({ kind: 'verifyMobile', status: 'rejected', error: badCode }), { path: '/account/verify-mobile', needsLogIn: true })
  })

  test('a cancelled op is done again too; one not refused is not', () => {
    assert.equal(formToRedo({ kind: 'resetPassword', status: 'cancelled', error: null })?.path, '/reset')
    for (const status of ['queued', 'sending', 'pending', 'applied', 'blocked'] as const) assert.equal(formToRedo({ kind: 'register', status, error: null }), null, status)
  })

  test('an appeal the centre did not uphold is not offered again (its message sends to the desk); one refused as filed is', () => {
    assert.equal(formToRedo({ kind: 'appeal', status: 'rejected', error: { code: 'ID_OCCUPIED' } }), null)
    assert.equal(formToRedo({ kind: 'appeal', status: 'rejected', error: { code: 'INVALID_FIELD' } })?.path, '/appeal')
  })
})
