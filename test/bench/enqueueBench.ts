import { join } from 'node:path'
import { getHeapCodeStatistics } from 'node:v8'
import { PerformanceObserver, constants as perfConstants, type PerformanceEntry } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import { parseOperation, splitPayload } from '../../src-common/operations'
import { loadPasswordDictionary } from '../../src-common/rules/passwordStrength'
import { generateSealingKeyPair, sealingAad } from '../../src-common/sealing'
import { createSealer } from '../../sync/sealer'
import { applyPragmas, checkpoint } from '../../sync/migrations'
import { openOutbox } from '../../sync/outbox'
import { candidate, maskedSummary, payloadOf } from '../integration/sync/fixtures'
import { tempDir } from '../integration/sync/harness'
import { percentile, type Bench, type Figure } from './figures'
import { openThreadClock, type ThreadTimes } from './threadClock'

/**
 * Enqueue latency (validate + seal + one committed transaction) beside the floor it sits on: one
 * bare SQLite insert+commit of a row of the same size, with the same pragmas, on the same disk.
 *
 * Both files are checkpointed after each sample, untimed, as the kiosk's are: the sync pass an
 * enqueue starts when online ends with one, and the engine's tick runs one when offline (every 30 s,
 * against an enqueue every few minutes at a kiosk). Without them the WAL grew by ~30 KB per enqueue
 * to SQLite's backstop (10,000 pages, ~41 MB), whose checkpoint then ran inside a timed enqueue; no
 * kiosk's WAL grows so. On a fast disk the outbox's inserts, appending to that growing file, reached
 * 3-14 ms at their tail (timed with instrumentation not kept here).
 */
const samples = Number(process.env.BENCH_ENQUEUE_SAMPLES ?? 2000)
// Untimed first, on the timed files: statements are prepared, and the outbox holds as many ops when
// timing starts as it did in earlier sessions' figures.
const warmup = Number(process.env.BENCH_ENQUEUE_WARMUP ?? 2000)
// Before that, on scratch files: V8 compiles the path (warmUpCompiler below). At most this many
// enqueues; 0 skips it (to compare with figures taken without it).
const compilerWarmupMax = Number(process.env.BENCH_ENQUEUE_COMPILER_WARMUP ?? 12_000)
// What a kiosk's first enqueues after start take, before V8 has optimised anything of the path.
const firstAfterStart = 100

export const enqueueBench: Bench = {
  name: 'enqueue',
  async run(): Promise<Figure[]> {
    const { dir, cleanup } = tempDir('bench-enqueue-')
    try {
      const keys = await generateSealingKeyPair()
      // Main loads it a few seconds after start (kioskServices.ts), before any candidate submits.
      await loadPasswordDictionary()
      const compiler = await warmUpCompiler(dir, keys.publicKey)
      const rig = openRig(dir, 'kiosk.db', 'bare.db', keys.publicKey)
      const latencies: Record<'register' | 'appeal', number[]> = { register: [], appeal: [] }
      const bareTimes: number[] = []
      const checkpointTimes: number[] = []
      // Which timed enqueues a collection stopped, and for how long: one cause of the tail, counted.
      const spans: { kind: 'register' | 'appeal'; start: number; ms: number }[] = []
      // Where each timed step's wall time went, by the scheduler's clock (Linux): the figures below.
      const clock = openThreadClock()
      const enqueueSplits: Split[] = []
      const bareSplits: Split[] = []
      const collections: PerformanceEntry[] = []
      const gcObserver = new PerformanceObserver((list) => collections.push(...list.getEntries()))
      gcObserver.observe({ entryTypes: ['gc'] })
      // The candidates' data is made first: the fixtures hash to vary passwords, and each hash leaves
      // a native object for the enqueues' collections to finalise, which the kiosk's enqueue never has.
      const inputs = Array.from({ length: samples + warmup }, (_, i) => inputOf(i))
      for (let i = 0; i < samples + warmup; i++) {
        const input = inputs[i] as Input
        const { start, ms, bareMs, checkpointMs, enqueueSplit, bareSplit } = await rig.sample(input, clock)
        const { kind } = input
        if (i >= warmup) {
          spans.push({ kind, start, ms })
          latencies[kind].push(ms)
          bareTimes.push(bareMs)
          checkpointTimes.push(checkpointMs)
          if (enqueueSplit && bareSplit) {
            enqueueSplits.push(enqueueSplit)
            bareSplits.push(bareSplit)
          }
        }
      }
      clock?.close()
      // The observer's entries arrive on a later turn of the event loop.
      await turnOfEventLoop()
      gcObserver.disconnect()
      const bodyBytes = rig.close()
      const compilerNote =
        `on scratch files, until V8's compiled code grew under 1 % over the last 1,000 ` +
        `(${(compiler.codeBytes[0] / 1024).toFixed(0)} to ${(compiler.codeBytes[1] / 1024).toFixed(0)} KB)` +
        (compiler.enqueues >= compilerWarmupMax ? `: stopped at the limit, still growing` : '') +
        `, then ${warmup} on the timed files`

      // Where an enqueue's time goes: the two src-common steps it starts with, measured alone.
      const parseTimes: number[] = []
      const sealTimes: number[] = []
      const sealer = createSealer(keys.publicKey)
      for (let i = 0; i < Math.min(samples, 300); i++) {
        const kind = i % 2 === 0 ? 'register' : 'appeal'
        let t = performance.now()
        const parsed = await parseOperation(kind, payloadOf(kind, i))
        parseTimes.push(performance.now() - t)
        if (!parsed.ok) throw new Error('fixture invalid')
        t = performance.now()
        await sealer.seal(splitPayload(kind, parsed.value as Record<string, unknown>).sealed, sealingAad('bench', kind))
        sealTimes.push(performance.now() - t)
      }

      const sort = (xs: number[]) => [...xs].sort((a, b) => a - b)
      const all = sort([...latencies.register, ...latencies.appeal])
      const reg = sort(latencies.register)
      const app = sort(latencies.appeal)
      const bareSorted = sort(bareTimes)
      const bareP99 = percentile(bareSorted, 99)
      const note = `bare insert+commit p50 ${percentile(bareSorted, 50).toFixed(3)} ms, p99 ${bareP99.toFixed(3)} ms (${bodyBytes}-byte row, WAL, synchronous=FULL)`
      const cold = sort(compiler.first.enqueues)
      const coldBare = sort(compiler.first.bare)
      return [
        { name: 'untimed enqueues before timing', value: compiler.enqueues, unit: 'enqueues', note: compilerNote },
        ...(cold.length === 0
          ? []
          : [
              {
                name: `first ${cold.length} enqueues after start p50`,
                value: percentile(cold, 50),
                unit: 'ms',
                note:
                  `slowest ${(cold.at(-1) as number).toFixed(3)} ms; bare commits beside them p50 ${percentile(coldBare, 50).toFixed(3)}, ` +
                  `slowest ${(coldBare.at(-1) as number).toFixed(3)} ms. What a kiosk's first candidates meet, before V8 has optimised the path (no target)`,
              },
            ]),
        collectionsFigure(spans, collections, Math.ceil(all.length / 100)),
        splitFigure('enqueues', enqueueSplits),
        splitFigure('bare commits', bareSplits),
        { name: 'enqueue p50 (register+appeal)', value: percentile(all, 50), unit: 'ms' },
        { name: 'enqueue p99 (register+appeal)', value: percentile(all, 99), unit: 'ms' },
        { name: 'enqueue p50 / p99 register', value: percentile(reg, 50), unit: 'ms', note: `p99 ${percentile(reg, 99).toFixed(3)} ms` },
        { name: 'enqueue p50 / p99 appeal', value: percentile(app, 50), unit: 'ms', note: `p99 ${percentile(app, 99).toFixed(3)} ms` },
        { name: 'bare SQLite insert+commit p99', value: bareP99, unit: 'ms', note },
        {
          name: 'of which validate (parseOperation) p50',
          value: percentile(sort(parseTimes), 50),
          unit: 'ms',
          note: `p99 ${percentile(sort(parseTimes), 99).toFixed(3)} ms (register: password strength check)`,
        },
        {
          name: 'of which seal p50',
          value: percentile(sort(sealTimes), 50),
          unit: 'ms',
          note: `p99 ${percentile(sort(sealTimes), 99).toFixed(3)} ms (AES-256-GCM under a per-minute key exported from an HPKE context, sync/sealer.ts)`,
        },
        {
          name: 'checkpoint after each enqueue p50',
          value: percentile(sort(checkpointTimes), 50),
          unit: 'ms',
          note: `p99 ${percentile(sort(checkpointTimes), 99).toFixed(3)} ms (untimed in the enqueue figures: the sync pass or tick runs it, not the candidate's submit)`,
        },
        {
          name: 'of which appeals: p99 / bare insert p99',
          value: percentile(app, 99) / bareP99,
          unit: 'x',
          note: `non-hashing ops; registrations ${(percentile(reg, 99) / bareP99).toFixed(2)}x: their p99 is the password dictionary check (zxcvbn-ts), and the collections of its garbage where the first line says so`,
        },
        {
          name: 'enqueue p99 / bare insert p99',
          value: percentile(all, 99) / bareP99,
          unit: 'x',
          target: { op: '<=', value: 3, label: '3x the bare insert+commit p99' },
        },
      ]
    } finally {
      cleanup()
    }
  },
}

/**
 * One turn of the event loop. Without one between samples the whole loop ran as one task (every await
 * in an enqueue settles as a microtask), and V8's own young collection, which it runs as a task of the
 * event loop once the young generation is 80 % full (its scavenge task), never had a turn: every
 * collection came when an allocation found the space full, inside a timed enqueue about once in 500,
 * and 4 of the slowest 20 were such. A kiosk's main turns its loop between two IPC calls. With a turn
 * here V8 collects in its task between samples (`--trace-gc` says "task" where it said "allocation
 * failure"), and no timed enqueue met a collection in eight runs.
 */
const turnOfEventLoop = () => new Promise((resolve) => setImmediate(resolve))

/** The i-th candidate's op: registrations and appeals in turn. */
function inputOf(i: number) {
  const kind = i % 2 === 0 ? 'register' : 'appeal'
  const c = candidate(i)
  return { kind, payload: payloadOf(kind, i), options: { accountIdNumber: c.idNumber, summary: maskedSummary(c) } } as const
}
type Input = ReturnType<typeof inputOf>

/**
 * An outbox, and a bare table of the same pragmas beside it on the same disk. A sample is one enqueue
 * and one bare commit of a row of the same size, interleaved so that both see the same disk and the
 * same load from the rest of the machine; then both files' checkpoints and a turn of the event loop,
 * untimed in the enqueue figures.
 */
function openRig(dir: string, outboxFile: string, bareFile: string, centralPublicKey: string) {
  const outbox = openOutbox({ file: join(dir, outboxFile), centralPublicKey, keyId: 'bench', accountKeySecret: 'bench' })
  const bare = new Database(join(dir, bareFile))
  applyPragmas(bare)
  bare.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)')
  const insert = bare.prepare('INSERT INTO t (body) VALUES (?)')
  const commit = bare.transaction((body: string) => insert.run(body))
  let row = ''
  return {
    async sample({ kind, payload, options }: Input, clock?: ThreadClock) {
      let before = clock?.read()
      const start = performance.now()
      const r = await outbox.enqueue(kind, payload, options)
      const ms = performance.now() - start
      const enqueueSplit = since(clock, before, ms)
      if (!r.ok) throw new Error(`enqueue failed: ${JSON.stringify(r.error)}`)
      if (row === '') row = 'x'.repeat(outbox.claimBatch({ maxOps: 1, maxBytes: 1e6 }).bytes)
      before = clock?.read()
      let t = performance.now()
      commit(row)
      const bareMs = performance.now() - t
      const bareSplit = since(clock, before, bareMs)
      t = performance.now()
      outbox.checkpoint()
      const checkpointMs = performance.now() - t
      checkpoint(bare)
      // Main's event loop turns between two calls, as each IPC call is a task of its own: what waits
      // for a turn runs there, untimed, as it does at a kiosk between two submits.
      await turnOfEventLoop()
      return { start, ms, bareMs, checkpointMs, enqueueSplit, bareSplit }
    },
    /** Closes both files; returns the size of the row the bare commits wrote. */
    close(): number {
      outbox.close()
      bare.close()
      return row.length
    },
  }
}

type ThreadClock = NonNullable<ReturnType<typeof openThreadClock>>

function since(clock: ThreadClock | undefined, before: ThreadTimes | undefined, ms: number): Split | undefined {
  if (before === undefined || clock === undefined) return undefined
  const after = clock.read()
  return {
    ms,
    cpuMs: after.cpuMs - before.cpuMs,
    waitMs: after.waitMs - before.waitMs,
    othersCpuMs: after.othersCpuMs - before.othersCpuMs,
  }
}

/**
 * V8 gives a function to its optimising compiler, on a helper thread, only after many calls, and an
 * enqueue runs each of its functions about once. 2,000 enqueues in, V8 still made some 50 optimised
 * compilations while the timed ones ran (`--trace-opt`: the password check's, the sealer's, the
 * bench loop's own, up to 27 ms each), taking the second core from the commits; its compiled code
 * grew until about 5,000 enqueues and then by a few KB per thousand (8 compilations in the timed
 * part after 6,000). So the path (enqueue, bare commit, checkpoints, as below) first runs on
 * scratch files until V8's compiled code grows under 1 % over 1,000 enqueues; the files timed then
 * start as they did before this was added. The first enqueues of this run are a kiosk's first after
 * start, and are reported as such.
 */
async function warmUpCompiler(dir: string, centralPublicKey: string) {
  const rig = openRig(dir, 'scratch-kiosk.db', 'scratch-bare.db', centralPublicKey)
  const first = { enqueues: [] as number[], bare: [] as number[] }
  const codeBytes = () => getHeapCodeStatistics().code_and_metadata_size
  const sizes = [codeBytes()]
  let enqueues = 0
  try {
    for (; enqueues < compilerWarmupMax; enqueues++) {
      if (enqueues > 0 && enqueues % 250 === 0) {
        sizes.push(codeBytes())
        const before = sizes.at(-5)
        if (before !== undefined && (sizes.at(-1) as number) - before < before / 100) break
      }
      // Other people than the timed files': nothing of theirs is met again there.
      const { ms, bareMs } = await rig.sample(inputOf(100_000 + enqueues))
      if (enqueues < firstAfterStart) {
        first.enqueues.push(ms)
        first.bare.push(bareMs)
      }
    }
  } finally {
    rig.close()
  }
  return { enqueues, codeBytes: [sizes[0] as number, codeBytes()] as const, first }
}

/**
 * How many timed enqueues a young collection (scavenge) stopped, how long those took, and how many of
 * the slowest 1 % they are: the figure behind "the collections of its garbage" in the ratio's note.
 * V8's timeline and performance.now() share an origin, so a collection belongs to the enqueue it
 * started in.
 */
function collectionsFigure(
  spans: readonly { kind: 'register' | 'appeal'; start: number; ms: number }[],
  collections: readonly PerformanceEntry[],
  slowest: number,
): Figure {
  const young = collections.filter((e) => (e as { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MINOR)
  const hit = spans.filter((s) => young.some((g) => g.startTime >= s.start && g.startTime < s.start + s.ms))
  const pauses = young.map((g) => g.duration).sort((a, b) => a - b)
  const inSlowest = [...spans].sort((a, b) => b.ms - a.ms).slice(0, slowest).filter((s) => hit.includes(s)).length
  const byKind = (kind: string) => hit.filter((s) => s.kind === kind).length
  return {
    name: 'timed enqueues a young collection stopped',
    value: (100 * hit.length) / spans.length,
    unit: `% (${hit.length} of ${spans.length})`,
    note:
      `registrations ${byKind('register')}, appeals ${byKind('appeal')}; ${inSlowest} of the slowest ${slowest} (the p99 line); ` +
      `young collections in the run ${young.length}, pause p50 ${percentile(pauses, 50).toFixed(2)} ms, max ${(pauses.at(-1) ?? Number.NaN).toFixed(2)} ms`,
  }
}

interface Split {
  ms: number
  cpuMs: number
  waitMs: number
  /** The process's other threads' time on a CPU meanwhile. */
  othersCpuMs: number
}

/**
 * Where the slowest 1 % of a step's samples (the ones above its p99 line) spent their time, beside
 * where its median samples did: on a CPU (its own code, V8's collections, the kernel's writes for
 * it), waiting for a CPU while another thread or process ran, or asleep (the disk's flush; on a
 * virtual machine, also time the host gave the CPU to another guest). It tells a tail the code makes
 * from one the machine makes; and, by the process's other threads' time meanwhile, whether what took
 * the CPU it waited for was the process's own helpers (V8's collector and compiler) or the machine.
 */
function splitFigure(what: string, splits: readonly Split[]): Figure {
  const name = `where the slowest 1 % of ${what} went`
  if (splits.length === 0) return { name, value: Number.NaN, unit: 'ms', note: 'not measured: no /proc/thread-self/schedstat here' }
  const byTime = [...splits].sort((a, b) => a.ms - b.ms)
  const slowest = byTime.slice(-Math.ceil(byTime.length / 100))
  const middle = byTime.slice(Math.floor(byTime.length * 0.45), Math.ceil(byTime.length * 0.55))
  const mean = (xs: readonly Split[], f: (s: Split) => number) => xs.reduce((sum, s) => sum + f(s), 0) / xs.length
  const parts = (xs: readonly Split[]) => {
    const cpu = mean(xs, (s) => s.cpuMs)
    const wait = mean(xs, (s) => s.waitMs)
    const asleep = mean(xs, (s) => Math.max(0, s.ms - s.cpuMs - s.waitMs))
    const others = mean(xs, (s) => s.othersCpuMs)
    return `on a CPU ${cpu.toFixed(2)}, waiting for one ${wait.toFixed(2)}, asleep ${asleep.toFixed(2)} ms (the process's other threads on a CPU meanwhile ${others.toFixed(2)} ms)`
  }
  const mostlyWaiting = slowest.filter((s) => s.waitMs > s.ms / 2).length
  return {
    name,
    value: mean(slowest, (s) => s.ms),
    unit: `ms mean (${slowest.length} samples)`,
    note:
      `${parts(slowest)}; ${mostlyWaiting} of the ${slowest.length} spent over half their time waiting for a CPU ` +
      `(another thread or process ran). Median samples: ${mean(middle, (s) => s.ms).toFixed(2)} ms, ${parts(middle)}`,
  }
}
