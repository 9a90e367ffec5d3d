import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { z } from 'zod'
import { fail, ok } from '../../../src-common/errors'
import { kioskCalls, listCallChannels } from '../../../src-common/kioskApi'
import { createKioskDispatcher, type KioskHandlers } from '../../../src-main/services/kioskDispatcher'

const info = { version: '1', demo: true, kioskName: '', examCentre: '', defaultLocale: 'zh-CN', idleTimeoutSec: 120, idleWarningSec: 20 } as const

function dispatcherWith(overrides: Partial<KioskHandlers['app']> = {}) {
  const bugs: string[] = []
  // Every other call answers INTERNAL: these tests are about the dispatcher, not the handlers.
  const others = Object.fromEntries(
    Object.entries(kioskCalls).map(([namespace, methods]) => [
      namespace,
      Object.fromEntries(Object.keys(methods).map((method) => [method, async () => fail('INTERNAL')])),
    ]),
  )
  const handlers = {
    ...others,
    app: { info: async () => ok(info), wipe: async () => ok({ wiped: true as const }), ...overrides },
  } as unknown as KioskHandlers
  return { dispatcher: createKioskDispatcher(handlers, { onBug: (channel) => bugs.push(channel) }), bugs }
}

describe('the kiosk dispatcher', () => {
  test('routes every contract call to its handler', async () => {
    const { dispatcher } = dispatcherWith()
    assert.deepEqual(dispatcher.channels.sort(), listCallChannels().map((c) => c.channel).sort())
    assert.deepEqual(await dispatcher.invoke('kiosk:app.info', {}), { ok: true, value: info })
  })

  test('answers a bad input with INVALID_FIELD before the handler runs', async () => {
    let ran = false
    const { dispatcher } = dispatcherWith({ info: async () => ((ran = true), ok(info)) })
    for (const bad of [{ extra: 1 }, 'text', 42, null]) {
      const answer = await dispatcher.invoke('kiosk:app.info', bad)
      assert.equal(answer.ok, false)
      assert.ok(!answer.ok && ['INVALID_FIELD', 'BAD_REQUEST'].includes(answer.error.code))
    }
    assert.equal(ran, false)
  })

  test('answers an unknown channel with BAD_REQUEST', async () => {
    const { dispatcher } = dispatcherWith()
    assert.deepEqual(await dispatcher.invoke('kiosk:app.format', {}), { ok: false, error: { code: 'BAD_REQUEST' } })
  })

  test('turns a handler that throws into INTERNAL and reports the bug', async () => {
    const { dispatcher, bugs } = dispatcherWith({
      info: async () => {
        throw new Error('boom')
      },
    })
    assert.deepEqual(await dispatcher.invoke('kiosk:app.info', {}), { ok: false, error: { code: 'INTERNAL' } })
    assert.deepEqual(bugs, ['kiosk:app.info'])
  })

  test('refuses to answer off-contract output', async () => {
    const { dispatcher, bugs } = dispatcherWith({ info: async () => ok({ ...info, version: 7 } as never) })
    assert.deepEqual(await dispatcher.invoke('kiosk:app.info', {}), { ok: false, error: { code: 'INTERNAL' } })
    assert.equal(bugs.length, 1)
  })

  test("refuses an op's payload no screen could send before main walks it: a huge name, thousands of fields, deep nesting", async () => {
    // Every other handler answers INTERNAL here: reaching one would have been a handler masking and
    // normalising a 20-million-character name (16 s of a stalled main for a Chinese one).
    const { dispatcher } = dispatcherWith()
    const register = { email: 'li.na@example.com', mobile: '13812345678', idType: 'resident', agreed: true }
    const deep: Record<string, unknown> = {}
    let level = deep
    for (let i = 0; i < 50; i++) level = level.next = {}
    for (const payload of [
      { ...register, name: '王'.repeat(20_000_000) },
      Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`field${i}`, 'x'])),
      { ...register, name: deep },
      { ...register, name: Array.from({ length: 1000 }, () => '王') },
    ]) {
      for (const [channel, input] of [
        ['kiosk:ops.submit', { kind: 'register', payload }],
        ['kiosk:supervisor.fileAppeal', { payload }],
      ] as const) {
        assert.deepEqual(await dispatcher.invoke(channel, input), { ok: false, error: { code: 'INVALID_FIELD', field: 'payload' } })
      }
    }
  })

  test("lets every form a screen sends through to its handler, an attestation's nested fields too", async () => {
    const { dispatcher } = dispatcherWith()
    const appeal = {
      occupied: 'mobile',
      idType: 'resident',
      idNumber: '110105199001011234',
      name: '王五',
      mobile: '13812345678',
      email: 'li.na@example.com',
      statement: '本人手机号被他人占用，申请核实处理。'.repeat(50),
      attestation: { staffId: 'T01', staffName: '张老师', checkedAt: new Date().toISOString() },
      pendingEmail: null,
    }
    // INTERNAL: the stand-in handler ran (the real one says who may send an attestation).
    assert.deepEqual(await dispatcher.invoke('kiosk:ops.submit', { kind: 'appeal', payload: appeal }), { ok: false, error: { code: 'INTERNAL' } })
  })

  test('bounds every string any call takes, so that no input makes main walk megabytes', () => {
    type Def = {
      type: string
      innerType?: z.ZodType
      in?: z.ZodType
      shape?: Record<string, z.ZodType>
      options?: z.ZodType[]
      left?: z.ZodType
      right?: z.ZodType
      checks?: { _zod: { def: { check: string } } }[]
    }
    const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def
    const unboundedIn = (schema: z.ZodType, root: string): string[] => {
      const unbounded: string[] = []
      const walk = (schema: z.ZodType, path: string): void => {
        const def = defOf(schema)
        if (def.innerType) return walk(def.innerType, path)
        if (def.type === 'pipe' && def.in) return walk(def.in, path)
        if (def.shape) return Object.entries(def.shape).forEach(([key, field]) => walk(field, `${path}.${key}`))
        // Each branch of a union (discriminated too) and both sides of an intersection.
        if (def.options) return def.options.forEach((option, i) => walk(option, `${path}|${i}`))
        if (def.type === 'intersection' && def.left && def.right) return [def.left, def.right].forEach((side) => walk(side, path))
        if (def.type === 'string' && !def.checks?.some((check) => check._zod.def.check === 'max_length')) unbounded.push(path)
        // A record or an array is walked by zod whatever its size: the payload's own check comes first (custom).
        if (['record', 'array', 'unknown', 'any'].includes(def.type)) unbounded.push(`${path} (${def.type})`)
      }
      walk(schema, root)
      return unbounded
    }
    // The walk finds an unbounded string wherever an input could come to hold one.
    const hidden = z.object({ a: z.union([z.object({ k: z.literal('x'), s: z.string().max(8) }), z.object({ k: z.literal('y'), s: z.string() })]) })
    assert.deepEqual(unboundedIn(hidden, 'probe'), ['probe.a|1.s'])
    assert.deepEqual(unboundedIn(z.object({ a: z.discriminatedUnion('k', [z.object({ k: z.literal('x'), s: z.string() })]).and(z.object({ t: z.string().optional() })) }), 'probe'), ['probe.a|0.s', 'probe.a.t'])
    const unbounded = listCallChannels().flatMap(({ namespace, method }) =>
      unboundedIn((kioskCalls as unknown as Record<string, Record<string, { input: z.ZodType }>>)[namespace]![method]!.input, `${namespace}.${method}`),
    )
    assert.deepEqual(unbounded, [])
  })
})
