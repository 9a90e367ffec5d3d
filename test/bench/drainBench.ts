import { spawn, type ChildProcess } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import argon2 from 'argon2'
import { argon2Options } from '../../server/passwords'
import { createCentralClient, type CentralClient } from '../../sync/centralClient'
import { openOutbox, type Outbox } from '../../sync/outbox'
import { createSyncEngine, type SyncStats } from '../../sync/syncEngine'
import { candidate, maskedSummary, payloadOf } from '../integration/sync/fixtures'
import { tempDir } from '../integration/sync/harness'
import type { Bench, Figure } from './figures'

/**
 * Drain throughput to the reference server on loopback (in its own process): 10,000 queued
 * non-hashing ops (appeals), and 2,000 registrations beside the server's argon2 ceiling (cores
 * divided by one argon2id hash time, measured here with the server's parameters).
 */
const nonHashing = Number(process.env.BENCH_DRAIN_OPS ?? 10_000)
const registrations = Number(process.env.BENCH_DRAIN_REGISTRATIONS ?? 2_000)
const batchMaxOps = Number(process.env.BENCH_BATCH ?? 200)
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 2)

interface CentralInfo {
  url: string
  publicKey: string
  keyId: string
  code: string
}

async function startCentralProcess(): Promise<{ info: CentralInfo; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'centralProcess.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve)
    child.once('exit', (code) => reject(new Error(`central process exited with ${code}`)))
  })
  return { info: JSON.parse(first) as CentralInfo, child }
}

async function inChunks<T>(items: readonly T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run))
}

let drainPeakRss = 0

async function drain(outbox: Outbox, client: CentralClient): Promise<{ seconds: number } & SyncStats> {
  const sampler = setInterval(() => {
    drainPeakRss = Math.max(drainPeakRss, process.memoryUsage().rss)
  }, 20)
  const engine = createSyncEngine({ outbox, client, batchMaxOps, concurrency, tickMs: 1_000, pollDeferredMs: 1e9 })
  const t = performance.now()
  engine.start()
  await engine.syncNow()
  while (outbox.summary().depth.queued + outbox.summary().depth.sending > 0) {
    await new Promise((r) => setTimeout(r, 5))
    await engine.idle()
  }
  const seconds = (performance.now() - t) / 1000
  clearInterval(sampler)
  await engine.stop()
  return { seconds, ...engine.stats() }
}

async function argon2HashMs(): Promise<number> {
  for (let i = 0; i < 2; i++) await argon2.hash(`warm-up-${i}`, argon2Options)
  const n = 10
  const t = performance.now()
  for (let i = 0; i < n; i++) await argon2.hash(`password-${i}`, argon2Options)
  return (performance.now() - t) / n
}

export const drainBench: Bench = {
  name: 'drain',
  async run(): Promise<Figure[]> {
    const { info, child } = await startCentralProcess()
    const { dir, cleanup } = tempDir('bench-drain-')
    const client = createCentralClient({ baseUrl: info.url, centralPublicKey: info.publicKey, keyId: info.keyId, timeoutMs: 60_000 })
    try {
      const enrolled = await client.enroll({ code: info.code, name: 'bench kiosk' })
      if (!enrolled.ok) throw new Error(`enrolment failed: ${JSON.stringify(enrolled.error)}`)
      client.setCredential({ kioskId: enrolled.value.kioskId, secret: enrolled.value.secret })
      const open = (name: string) => openOutbox({ file: join(dir, name), centralPublicKey: info.publicKey, keyId: info.keyId, accountKeySecret: 'bench' })

      // 1. Non-hashing ops.
      const appeals = open('appeals.db')
      await inChunks([...Array(nonHashing).keys()], 25, async (i) => {
        const c = candidate(300_000 + i)
        const r = await appeals.enqueue('appeal', payloadOf('appeal', 300_000 + i), { accountIdNumber: c.idNumber, summary: maskedSummary(c) })
        if (!r.ok) throw new Error(JSON.stringify(r.error))
      })
      const a = await drain(appeals, client)
      const appealsLeft = appeals.summary().depth
      appeals.close()

      // 2. Registrations, each with a real SMS code from the server's dev sink.
      const people = [...Array(registrations).keys()].map((i) => 600_000 + i)
      await inChunks(people, 16, async (i) => {
        const r = await client.smsSend({ mobile: candidate(i).mobile, purpose: 'register' })
        if (!r.ok) throw new Error(`smsSend: ${JSON.stringify(r.error)}`)
      })
      const outboxRes = await fetch(`${info.url}/dev/outbox`)
      const { messages } = (await outboxRes.json()) as { messages: { to: string; code: string | null }[] }
      const codes = new Map(messages.map((m) => [m.to, m.code]))
      const regs = open('registrations.db')
      await inChunks(people, 25, async (i) => {
        const c = candidate(i)
        const code = codes.get(c.mobile)
        if (!code) throw new Error(`no SMS code for candidate ${i}`)
        const r = await regs.enqueue('register', { ...payloadOf('register', i), smsCode: code }, { accountIdNumber: c.idNumber, summary: maskedSummary(c) })
        if (!r.ok) throw new Error(JSON.stringify(r.error))
      })
      // Measured before and after the drain: the machine's load drifts over a drain this long.
      const hashBefore = await argon2HashMs()
      const r = await drain(regs, client)
      const hashAfter = await argon2HashMs()
      const hashMs = (hashBefore + hashAfter) / 2
      const regDepth = regs.summary().depth
      regs.close()

      const cores = availableParallelism()
      const ceiling = cores / (hashMs / 1000)
      const regRate = registrations / r.seconds
      return [
        {
          name: `drain ${nonHashing} appeals`,
          value: nonHashing / a.seconds,
          unit: 'ops/s',
          target: { op: '>=', value: 3000, label: 'issue target' },
          note: `${a.seconds.toFixed(2)} s; ${a.pushes} pushes, ${(a.opsSent / a.pushes).toFixed(1)} ops per batch, server answered a batch in ${(a.waitMs / a.pushes).toFixed(0)} ms on average (${concurrency} in flight), kiosk.db work ${((a.localMs / a.opsSent) * 1000).toFixed(0)} µs per op; outcome ${appealsLeft.pending} pending (stored), ${appealsLeft.rejected} rejected`,
        },
        {
          name: `drain ${registrations} registrations`,
          value: regRate,
          unit: 'ops/s',
          target: { op: '>=', value: 0.8 * ceiling, label: `80% of the argon2 ceiling ${ceiling.toFixed(1)}/s` },
          note: `${r.seconds.toFixed(2)} s; ${regDepth.applied} applied, ${regDepth.rejected} rejected; ceiling = ${cores} cores / ${hashMs.toFixed(1)} ms per argon2id hash (m=19 MiB, t=2, p=1; ${hashBefore.toFixed(1)} ms before the drain, ${hashAfter.toFixed(1)} after); ${((regRate / ceiling) * 100).toFixed(0)}% of it`,
        },
        { name: 'batch size used (max ops per push)', value: batchMaxOps, unit: 'ops', note: `${concurrency} batches in flight, at most 1 MB each` },
        { name: 'peak RSS of the kiosk side while draining', value: drainPeakRss / 1024 / 1024, unit: 'MiB', note: 'sampled every 20 ms; the whole-process peak below includes setup (10,000 enqueues, the argon2 measurement)' },
      ]
    } finally {
      client.close()
      child.stdin?.end()
      await new Promise((resolve) => child.once('exit', resolve))
      cleanup()
    }
  },
}
