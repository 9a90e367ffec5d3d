import { Worker } from 'node:worker_threads'
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { openThreadClock } from '../../bench/threadClock'

const clock = openThreadClock()
const cpuUsedMs = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

describe("the enqueue bench's thread clock", { skip: clock === undefined && 'no /proc/thread-self/schedstat on this system' }, () => {
  test('counts what the thread computed as time on a CPU, as getrusage does, however busy the machine', () => {
    const before = clock!.read()
    const used = cpuUsedMs()
    while (cpuUsedMs() - used < 100) {
      // computing, for 100 ms of CPU time by the process's clock (its other threads count there too)
    }
    const onCpu = clock!.read().cpuMs - before.cpuMs
    assert.ok(onCpu >= 60 && onCpu <= cpuUsedMs() - used + 5, `100 ms of CPU by getrusage, ${onCpu} ms by the thread clock`)
  })

  test('is up to date for a step of half a millisecond, the size of a bare commit', () => {
    // The kernel adds a running thread's time to its file only at a tick or a switch: read alone, a
    // 0.5 ms step read 0 ms at the median and up to 4 ms at its tail.
    const errors: number[] = []
    for (let i = 0; i < 200; i++) {
      const before = clock!.read()
      const t0 = performance.now()
      while (performance.now() - t0 < 0.5) {
        // computing
      }
      const ms = performance.now() - t0
      const after = clock!.read()
      errors.push(after.cpuMs - before.cpuMs + (after.waitMs - before.waitMs) - ms)
    }
    const median = errors.sort((a, b) => a - b)[100] as number
    assert.ok(Math.abs(median) < 0.1, `a 0.5 ms step of computing: on a CPU or waiting for one read ${median.toFixed(3)} ms off its wall time at the median`)
  })

  test('counts time asleep as neither on a CPU nor waiting for one', () => {
    const before = clock!.read()
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 40)
    const after = clock!.read()
    assert.ok(after.cpuMs - before.cpuMs < 10, `asleep 40 ms, on a CPU ${after.cpuMs - before.cpuMs} ms`)
    assert.ok(after.waitMs - before.waitMs < 10, `asleep 40 ms, waiting for a CPU ${after.waitMs - before.waitMs} ms`)
  })

  test("counts another thread's computing as the process's other threads' time, not the caller's", async () => {
    const before = clock!.read()
    // A worker computes for 100 ms of its own CPU time, says so, then sleeps until told to end: its
    // time is read while it still exists (an ended thread leaves the process's listing, its time too).
    const release = new Int32Array(new SharedArrayBuffer(4))
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads')
      const { readFileSync } = require('node:fs')
      const own = () => Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]) / 1e6
      const start = own()
      while (own() - start < 100) {}
      parentPort.postMessage('computed')
      Atomics.wait(workerData, 0, 0)`,
      { eval: true, workerData: release },
    )
    await new Promise((resolve) => worker.once('message', resolve))
    const during = clock!.read()
    Atomics.store(release, 0, 1)
    Atomics.notify(release, 0)
    await new Promise((resolve) => worker.once('exit', resolve))
    const others = during.othersCpuMs - before.othersCpuMs
    assert.ok(others >= 100, `a worker computed 100 ms, the other threads' clock moved ${others} ms`)
    assert.ok(during.cpuMs - before.cpuMs < 60, `this thread mostly slept, yet was on a CPU ${during.cpuMs - before.cpuMs} ms`)
    clock!.close()
  })
})
