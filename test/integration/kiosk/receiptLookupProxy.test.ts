import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createKioskHandlers } from '../../../src-main/services/kioskHandlers'
import type { KioskServices } from '../../../src-main/services/kioskServices'
import type { CentralClient } from '../../../sync/centralClient'
import { passAll, type FaultProxy } from '../../faults/faultProxy'
import type { Central } from '../sync/central'
import { withCentralBehindProxy } from '../sync/engineKit'

// 查询办理进度's limit counts the central API's own "no such receipt" only: what something in between
// says (a proxy's 404 page while the server is redeployed), or no answer, says nothing of the code.
let central: Central
let proxy: FaultProxy
withCentralBehindProxy((c, p) => {
  central = c
  proxy = p
})

/** The kiosk's handlers with only a link to the central API (no outbox): every code goes to the server. */
function lookupThrough(client: CentralClient) {
  const services = {
    session: {},
    captcha: {},
    supervisor: {},
    config: { centralUrl: null },
    outbox: undefined,
    engine: null,
    central: { client },
    candidateIdle: { during: <T>(work: () => Promise<T>) => work() },
  }
  const handlers = createKioskHandlers(services as unknown as KioskServices)
  return (receipt: string) => handlers.ops.lookup({ receipt })
}

const codes = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`)

describe('查询办理进度 behind a proxy', () => {
  test("a proxy's 404 page and no answer are not misses; the central API's own answer is", async () => {
    const lookup = lookupThrough(central.clientFor(proxy.url, { timeoutMs: 2_000 }))
    try {
      proxy.setSchedule(() => ({ kind: 'page', status: 404 }))
      for (const code of codes('ZZZZZX', 12)) assert.equal((await lookup(code)).ok, false)
      proxy.setSchedule(() => ({ kind: 'refuse', ms: 0 }))
      for (const code of codes('ZZZZZW', 12)) {
        const answer = await lookup(code)
        assert.equal(!answer.ok && answer.error.code, 'NETWORK_UNAVAILABLE')
      }
      // None of those counted: ten real misses are still allowed, then the limit.
      proxy.setSchedule(passAll)
      for (const code of codes('ZZZZZV', 10))
        assert.deepEqual(await lookup(code), { ok: false, error: { code: 'OP_NOT_FOUND' } })
      const limited = await lookup('ZZZZZTZZ')
      assert.equal(!limited.ok && limited.error.code, 'RATE_LIMITED')
    } finally {
      proxy.setSchedule(passAll)
    }
  })
})
