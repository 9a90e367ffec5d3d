import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
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
})
