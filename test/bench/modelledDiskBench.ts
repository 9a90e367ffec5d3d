import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statfsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { format, met, type Bench, type Figure } from './figures'

/**
 * The enqueue bench again, on a modelled fast disk: this machine's disk has committed in 0.5 ms at
 * p50 and 3-5 ms at p99 on some days, and that slow tail hides most of an enqueue's CPU time from the
 * ratio. On other days, and on hosts of the same kind, it commits in 0.7-1.0 ms at p99, where the CPU
 * time decides it. Here kiosk.db and the
 * bare table are on tmpfs, and fsyncModel.c (built with the machine's C compiler, loaded with
 * LD_PRELOAD into a child process) makes each fsync take the modelled flush time, the CPU kept busy
 * meanwhile. Everything else is the real code. A model, not this machine: its ratio is reported
 * beside the target, and does not decide the run.
 *
 * BENCH_FSYNC_US (default 300), BENCH_FSYNC_TAIL_US (default 500) and BENCH_FSYNC_TAIL_PM (slow
 * flushes per thousand, default 20) set the model: by default a bare commit's p99 is about 0.9 ms.
 */
const here = fileURLToPath(new URL('.', import.meta.url))
const tmpfsMagic = 0x01021994
const model = {
  BENCH_FSYNC_US: process.env.BENCH_FSYNC_US ?? '300',
  BENCH_FSYNC_TAIL_US: process.env.BENCH_FSYNC_TAIL_US ?? '500',
  BENCH_FSYNC_TAIL_PM: process.env.BENCH_FSYNC_TAIL_PM ?? '20',
}

/** Why the model cannot run on this machine, or undefined. */
function unavailable(): string | undefined {
  if (process.platform !== 'linux') return 'the fsync model is loaded with LD_PRELOAD: Linux only'
  if (!existsSync('/dev/shm') || statfsSync('/dev/shm').type !== tmpfsMagic) return 'no tmpfs at /dev/shm'
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' })
  } catch {
    return 'no C compiler (cc) to build the fsync model'
  }
  return undefined
}

function runChild(preload: string): Promise<Figure[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, join(here, 'enqueueChild.ts')], {
      env: { ...process.env, ...model, LD_PRELOAD: [preload, process.env.LD_PRELOAD].filter(Boolean).join(' '), TMPDIR: '/dev/shm' },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
    child.on('error', reject)
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`the modelled-disk enqueue bench exited with ${code}`))
      else resolve(JSON.parse(out) as Figure[])
    })
  })
}

export const modelledDiskBench: Bench = {
  name: 'enqueue-modelled-disk',
  unavailable,
  async run(): Promise<Figure[]> {
    const dir = mkdtempSync(join(tmpdir(), 'bench-fsync-model-'))
    try {
      const preload = join(dir, 'fsyncModel.so')
      execFileSync('cc', ['-O2', '-shared', '-fPIC', '-o', preload, join(here, 'fsyncModel.c'), '-ldl'])
      const figures = await runChild(preload)
      // A commit faster than the modelled flush means the model was not loaded (a statically linked
      // SQLite, say): the figures would be tmpfs's, so none is reported.
      // Its p50, which a busy machine's tail cannot lift past the flush without the model.
      const bareP50 = Number(/p50 ([\d.]+) ms/.exec(figures.find((f) => f.name.startsWith('bare'))?.note ?? '')?.[1])
      if (!(bareP50 >= (0.8 * Number(model.BENCH_FSYNC_US)) / 1000)) throw new Error('the fsync model did not take effect')
      const wanted = /^enqueue p|^bare|appeals: p99/
      const said = `flush ${(Number(model.BENCH_FSYNC_US) / 1000).toFixed(2)} ms ±20 %, ${Number(model.BENCH_FSYNC_TAIL_PM) / 10} % of flushes ${(Number(model.BENCH_FSYNC_TAIL_US) / 1000).toFixed(2)} ms slower`
      return figures
        .filter((f) => wanted.test(f.name))
        .map(({ target, ...f }) => {
          if (target === undefined) return f
          const verdict = met({ ...f, target }) ? 'met' : 'missed'
          return { ...f, note: `a model (${said}), not this machine's disk: against ${target.op} ${format(target.value)} it would be ${verdict}` }
        })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  },
}
