import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { staffIdSchema, staffNameSchema, staffProblem } from '../../../src-common/rules/staffRule'
import { auditActorSchema, checkActor } from '../../../src-main/services/supervisor/auditLog'

test('the PIN pad names what is wrong: missing, the 工号, the 姓名', () => {
  assert.equal(staffProblem('T07', '王老师'), null)
  assert.equal(staffProblem(' T07 ', ' 王老师 '), null)
  assert.equal(staffProblem('', '王老师'), 'staff.required')
  assert.equal(staffProblem('T07', '  '), 'staff.required')
  for (const id of ['-01', '.x', '_a', 'T 07', 'T07!', 'x'.repeat(33), '工号1']) assert.equal(staffProblem(id, '王老师'), 'staff.id', id)
  for (const name of ['王老师2', '=1+1', '+王', '-王', '@王', '王\u0007', 'x'.repeat(33)]) assert.equal(staffProblem('T07', name), 'staff.name', name)
})

test('what the PIN pad lets through, the audit log takes; what it refuses, the log refuses with the same rule', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (staffId, name) => {
      const rule = staffProblem(staffId, name)
      const logged = checkActor({ staffId, name })
      if (rule === null) {
        assert.ok(logged.ok, JSON.stringify({ staffId, name }))
        assert.ok(auditActorSchema.safeParse({ staffId, name }).success)
      } else {
        assert.deepEqual(logged, { ok: false, error: { code: 'INVALID_FIELD', field: 'actor', rule } })
      }
    }),
    { numRuns: 2_000 },
  )
})

test('the two schemas trim what staff typed', () => {
  assert.equal(staffIdSchema.parse('  T07 '), 'T07')
  assert.equal(staffNameSchema.parse(' 王老师 '), '王老师')
})
