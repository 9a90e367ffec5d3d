import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before } from 'node:test'
import type { CentralClient } from '../../../sync/centralClient'
import { openOutbox, type Outbox } from '../../../sync/outbox'
import { createSyncEngine, type SyncEngine, type SyncEngineOptions } from '../../../sync/syncEngine'
import { startFaultProxy, type FaultProxy } from '../../faults/faultProxy'
import { startCentral, type Central } from './central'
import { candidate, maskedSummary, payloadOf } from './fixtures'
import { tempDir } from './harness'

/** What the engine tests share: a kiosk.db and engine against the reference server, and small waits. */

/** The reference server on loopback behind a fault proxy, for one test file: started before its tests, stopped after. */
export function withCentralBehindProxy(ready: (central: Central, proxy: FaultProxy) => void): void {
  let central: Central
  let proxy: FaultProxy
  before(async () => {
    central = await startCentral()
    proxy = await startFaultProxy(central.server.url)
    ready(central, proxy)
  })
  after(async () => {
    await proxy.close()
    await central.close()
  })
}

/** Timings short enough for a test, in the same proportions as the defaults. */
export const fast = { backoff: { baseMs: 20, maxMs: 200 }, probeMs: 50, tickMs: 200, pollDeferredMs: 100 } satisfies Partial<SyncEngineOptions>

export interface TestKiosk {
  outbox: Outbox
  engine: SyncEngine
  /** Stops the engine, closes the outbox (if still open) and removes its folder. */
  done(): Promise<void>
}

/** A fresh kiosk.db sealed to `central`, its outbox only. */
export function openKioskDb(central: Central): { outbox: Outbox; cleanup: () => void } {
  const { dir, cleanup } = tempDir()
  const outbox = openOutbox({ file: join(dir, 'kiosk.db'), centralPublicKey: central.server.publicKey, keyId: central.server.keyId, accountKeySecret: 'kiosk-secret' })
  return { outbox, cleanup }
}

/** A started engine over a fresh kiosk.db, talking to `client` (usually through a fault proxy). */
export function startKiosk(central: Central, client: CentralClient, extra: Partial<SyncEngineOptions> = {}): TestKiosk {
  const { outbox, cleanup } = openKioskDb(central)
  const engine = createSyncEngine({ outbox, client, ...fast, ...extra })
  engine.start()
  return {
    outbox,
    engine,
    async done() {
      await engine.stop()
      if (outbox.open) outbox.close()
      cleanup()
    },
  }
}

export async function queueAppeal(outbox: Outbox, i: number): Promise<{ id: string; receipt: string }> {
  const c = candidate(i)
  const r = await outbox.enqueue('appeal', payloadOf('appeal', i), { accountIdNumber: c.idNumber, summary: maskedSummary(c) })
  assert.ok(r.ok, JSON.stringify(r))
  return r.value
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits until `check()` holds; throws after `ms`. */
export async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await sleep(10)
  }
}
