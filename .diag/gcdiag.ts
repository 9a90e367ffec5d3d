import { join } from 'node:path'
import { PerformanceObserver, constants } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import { generateSealingKeyPair } from '../src-common/sealing'
import { applyPragmas } from '../sync/migrations'
import { openOutbox } from '../sync/outbox'
import { loadPasswordDictionary } from '../src-common/rules/passwordStrength'
import { candidate, maskedSummary, payloadOf } from '../test/integration/sync/fixtures'
import { tempDir } from '../test/integration/sync/harness'

const gcs: { start: number; dur: number; kind: number }[] = []
new PerformanceObserver((l) => { for (const e of l.getEntries()) gcs.push({ start: e.startTime, dur: e.duration, kind: (e as any).detail?.kind ?? 0 }) }).observe({ entryTypes: ['gc'] })
const samples = 2000, warmup = 2000
const only = process.env.ONLY || undefined
const { dir, cleanup } = tempDir('diag-')
await loadPasswordDictionary()
const keys = await generateSealingKeyPair()
const outbox = openOutbox({ file: join(dir, 'kiosk.db'), centralPublicKey: keys.publicKey, keyId: 'b', accountKeySecret: 'b' })
const bare = new Database(join(dir, 'bare.db')); applyPragmas(bare)
bare.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)')
const ins = bare.prepare('INSERT INTO t (body) VALUES (?)'); const commit = bare.transaction((b: string) => ins.run(b))
const inputs = Array.from({ length: samples + warmup }, (_, i) => { const kind = only ?? (i % 2 === 0 ? 'register' : 'appeal'); const c = candidate(i); return { kind, payload: payloadOf(kind as any, i), options: { accountIdNumber: c.idNumber, summary: maskedSummary(c) } } })
const spans: { kind: string; t0: number; t1: number; b0: number; b1: number }[] = []
const mem0 = process.memoryUsage().heapUsed
for (let i = 0; i < samples + warmup; i++) {
  const { kind, payload, options } = inputs[i]!
  const t0 = performance.now(); const r = await outbox.enqueue(kind as any, payload, options); const t1 = performance.now()
  if (!r.ok) throw new Error(JSON.stringify(r))
  const b0 = performance.now(); commit('x'.repeat(600)); const b1 = performance.now()
  if (i >= warmup) spans.push({ kind, t0, t1, b0, b1 })
}
await new Promise((r) => setTimeout(r, 50))
const tStart = spans[0]!.t0, tEnd = spans.at(-1)!.b1
const timedGcs = gcs.filter((g) => g.start >= tStart && g.start <= tEnd)
const p = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((q / 100) * s.length) - 1)]! }
const hit = (s: { t0: number; t1: number }) => timedGcs.some((g) => g.start < s.t1 && g.start + g.dur > s.t0)
for (const k of ['register', 'appeal']) {
  const ks = spans.filter((s) => s.kind === k); if (!ks.length) continue
  const all = ks.map((s) => s.t1 - s.t0), clean = ks.filter((s) => !hit(s)).map((s) => s.t1 - s.t0)
  console.log(k, 'n', ks.length, 'p50', p(all, 50).toFixed(2), 'p99', p(all, 99).toFixed(2), 'gc-hit', ks.length - clean.length, 'clean p99', p(clean, 99).toFixed(2), 'p95', p(all, 95).toFixed(2))
}
const all = spans.map((s) => s.t1 - s.t0), bareT = spans.map((s) => s.b1 - s.b0)
const clean = spans.filter((s) => !hit(s)).map((s) => s.t1 - s.t0)
const bareClean = spans.filter((s) => !hit({ t0: s.b0, t1: s.b1 })).map((s) => s.b1 - s.b0)
console.log('mix p99', p(all, 99).toFixed(2), 'clean', p(clean, 99).toFixed(2), 'bare p50', p(bareT, 50).toFixed(2), 'p99', p(bareT, 99).toFixed(2), 'bare clean p99', p(bareClean, 99).toFixed(2), 'ratio', (p(all, 99) / p(bareT, 99)).toFixed(2))
const byKind: Record<number, number[]> = {}
for (const g of timedGcs) (byKind[g.kind] ??= []).push(g.dur)
for (const [k, ds] of Object.entries(byKind)) console.log('gc kind', k, 'n', ds.length, 'mean', (ds.reduce((a, b) => a + b, 0) / ds.length).toFixed(2), 'max', Math.max(...ds).toFixed(2))
console.log('timed span s', ((tEnd - tStart) / 1000).toFixed(2))
outbox.close(); bare.close(); cleanup()
