import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import Database from 'better-sqlite3'
import { build } from 'esbuild'
import { openOutbox } from '../../sync/outbox'
import { startCentral, type Central } from '../integration/sync/central'
import { memoryTmp, tempDir } from '../integration/sync/harness'
import { startFaultProxy, type FaultProxy } from './faultProxy'
import { between, seededRandom } from './random'
import { openServerLedger, type ServerLedger } from './serverLedger'

/**
 * kill -9 of the kiosk's sync process at random points (while it enqueues, while batches are in
 * flight, between the server applying a batch and the kiosk recording it), then a restart: no op
 * is lost and none is applied twice.
 */

const runs = Number(process.env.SYNC_KILL_RUNS ?? 5)
const seed = Number(process.env.SYNC_FAULT_SEED ?? 20_250_301)
// The child is bundled once (esbuild, which tsx runs on) so that each restart costs a plain node
// start, not a TypeScript compile. Inside node_modules so its package imports resolve.
const childScript = join(import.meta.dirname, '../../node_modules/.cache/etest-sync-tests/syncChild.mjs')

let central: Central
let proxy: FaultProxy
let ledger: ServerLedger
const dir = tempDir('sync-kill-', memoryTmp)

before(async () => {
  await build({
    entryPoints: [join(import.meta.dirname, 'syncChild.ts')],
    outfile: childScript,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  })
  central = await startCentral(memoryTmp)
  ledger = openServerLedger(central.dataDir)
  const random = seededRandom(seed)
  // Slow the ops path a little, so that kills land while batches are in flight.
  proxy = await startFaultProxy(central.server.url, (r) =>
    r.path.startsWith('/v1/ops') ? (random() < 0.15 ? { kind: 'loseResponse' } : { kind: 'delay', ms: between(random, 5, 25) }) : { kind: 'pass' },
  )
})
after(async () => {
  await proxy.close()
  ledger.close()
  await central.close()
  dir.cleanup()
})

interface ChildRun {
  committed: string[]
  drained: boolean
  killed: boolean
}

function runChild(file: string, enqueue: { from: number; count: number } | null, killAfterMs: number | null): Promise<ChildRun> {
  const config = { file, url: proxy.url, credential: central.credential, publicKey: central.server.publicKey, keyId: central.server.keyId, enqueue }
  const child = spawn(process.execPath, [childScript], {
    env: { ...process.env, SYNC_CHILD: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const result: ChildRun = { committed: [], drained: false, killed: false }
  let buffer = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error('child did not finish in 30 s'))
    }, 30_000)
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString()
      let nl: number
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + 1)
        if (line === 'ready' && killAfterMs !== null) {
          setTimeout(() => {
            result.killed = child.kill('SIGKILL')
          }, killAfterMs)
        } else if (line.startsWith('committed ')) result.committed.push(line.slice(10))
        else if (line === 'drained') result.drained = true
      }
    })
    child.on('exit', () => {
      clearTimeout(timer)
      resolve(result)
    })
  })
}

test(`kill -9 of the sync process at random points, then a restart, loses and doubles nothing (${runs} runs)`, { timeout: 300_000 }, async (t) => {
  const random = seededRandom(seed + 1)
  const problems: string[] = []
  let kills = 0
  for (let run = 0; run < runs; run++) {
    const file = join(dir.dir, `kiosk-${run}.db`)
    const committed: string[] = []
    const first = await runChild(file, { from: 500_000 + run * 100, count: 20 }, between(random, 0, 120))
    committed.push(...first.committed)
    if (first.killed && !first.drained) kills++
    for (let k = 0; k < 2; k++) {
      const again = await runChild(file, null, between(random, 0, 120))
      if (again.killed && !again.drained) kills++
    }
    const last = await runChild(file, null, null)
    assert.ok(last.drained, `run ${run}: the last child did not drain`)

    const db = new Database(file, { readonly: true })
    const rows = db.prepare<[], { id: string; account_key: string | null }>('SELECT id, account_key FROM ops ORDER BY seq').all()
    db.close()
    const ids = rows.map((r) => r.id)
    for (const id of committed) if (!ids.includes(id)) problems.push(`run ${run}: committed op ${id} lost`)
    const lines = new Map<string, string[]>()
    for (const r of rows) if (r.account_key) lines.set(r.account_key, [...(lines.get(r.account_key) ?? []), r.id])
    const outbox = openOutbox({ file, centralPublicKey: central.server.publicKey, keyId: central.server.keyId, accountKeySecret: 'kill-test-kiosk' })
    problems.push(...ledger.check(outbox, ids, [...lines.values()]).map((p) => `run ${run}: ${p}`))
    outbox.close()
  }
  t.diagnostic(`${kills} kills landed before the child had finished`)
  assert.deepEqual(problems, [])
  // The test means something only if most kills landed before the child was done.
  assert.ok(kills >= Math.ceil(runs / 2), `only ${kills} kills landed before the child finished`)
})
