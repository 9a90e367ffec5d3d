import { drainBench } from './drainBench'
import { enqueueBench } from './enqueueBench'
import { modelledDiskBench } from './modelledDiskBench'
import { rendererBench } from './rendererBench'
import { format, met, type Bench, type Figure } from './figures'
import { mainJsFlags } from '../../src-main/services/mainJsFlags'

/**
 * `npm run bench`: every bench, each figure printed beside the target it is measured against in
 * the same run. A missed target is said plainly. Add a bench as its own file and list it here.
 * BENCH_ONLY=enqueue,drain runs a subset.
 */
const benches: Bench[] = [enqueueBench, modelledDiskBench, drainBench, rendererBench]

const rssAtStart = process.memoryUsage().rss
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim())
const missed: string[] = []
const os = await import('node:os')
// Figures are only as quiet as the machine: say how busy it was.
console.log(`node ${process.version}, ${os.availableParallelism()} cores, ${process.platform}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`)
// The kiosk side runs as main does (mainJsFlags.ts); `npm run bench` passes the flag, tsx alone does not.
const semiSpace = process.execArgv.find((a) => a.startsWith('--max-semi-space-size='))
console.log(
  semiSpace === mainJsFlags
    ? `V8 young generation as main's: ${mainJsFlags}`
    : `V8 young generation: ${semiSpace ?? "V8's default"}, not main's ${mainJsFlags} (run it as npm run bench does)`,
)
for (const bench of benches) {
  if (only && !only.includes(bench.name)) continue
  console.log(`\n== ${bench.name}`)
  const skip = bench.unavailable?.()
  if (skip !== undefined) {
    console.log(`  skipped: ${skip}`)
    continue
  }
  let figures: Figure[]
  try {
    figures = await bench.run()
  } catch (error) {
    console.log(`  FAILED to run: ${error instanceof Error ? error.message : String(error)}`)
    missed.push(`${bench.name} (did not run)`)
    continue
  }
  for (const f of figures) {
    const verdict = met(f)
    const target = f.target ? `   target ${f.target.op} ${format(f.target.value)} (${f.target.label}): ${verdict ? 'met' : 'MISSED'}` : ''
    console.log(`  ${f.name.padEnd(44)} ${format(f.value).padStart(10)} ${f.unit}${target}`)
    if (f.note) console.log(`  ${''.padEnd(44)} ${f.note}`)
    if (verdict === false) missed.push(`${bench.name}: ${f.name}`)
  }
}
console.log(
  `\npeak RSS of the kiosk-side process: ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB (${(rssAtStart / 1024 / 1024).toFixed(1)} MiB at start, tsx included)`,
)
console.log(missed.length === 0 ? 'all targets met' : `targets MISSED: ${missed.join('; ')}`)
