import { loadPasswordDictionary, estimate } from '../src-common/rules/passwordStrength'
import { password } from '../test/integration/sync/fixtures'
const z = await loadPasswordDictionary()
const N = Number(process.env.N ?? 3000)
for (let i = 0; i < 1000; i++) estimate(z, password(i), [])
const ts: number[] = []
for (let i = 1000; i < 1000 + N; i++) { const t = performance.now(); estimate(z, password(i), ['13800001234']); ts.push(performance.now() - t) }
ts.sort((a, b) => a - b)
console.log('p50', ts[Math.floor(N * 0.5)]!.toFixed(3), 'p90', ts[Math.floor(N * 0.9)]!.toFixed(3), 'p99', ts[Math.floor(N * 0.99)]!.toFixed(3), 'mean', (ts.reduce((a, b) => a + b) / N).toFixed(3))
