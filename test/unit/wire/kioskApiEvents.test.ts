import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildKioskApi, kioskEvents } from '../../../src-common/kioskApi'

test('window.kiosk.on listens only on the contract\'s own events, not on names every object inherits', () => {
  const subscribed: string[] = []
  const api = buildKioskApi({ invoke: async () => ({ ok: true, value: {} }), subscribe: (channel) => (subscribed.push(channel), () => undefined) })
  const on = api.on as unknown as (event: string, listener: () => void) => () => void
  for (const inherited of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
    assert.throws(() => on(inherited, () => undefined), /unknown kiosk event/, inherited)
  }
  const [event] = Object.keys(kioskEvents)
  assert.ok(event)
  on(event, () => undefined)
  assert.equal(subscribed.length, 1)
})
