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

  test('counts time asleep as neither on a CPU nor waiting for one', () => {
    const before = clock!.read()
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 40)
    const after = clock!.read()
    assert.ok(after.cpuMs - before.cpuMs < 10, `asleep 40 ms, on a CPU ${after.cpuMs - before.cpuMs} ms`)
    assert.ok(after.waitMs - before.waitMs < 10, `asleep 40 ms, waiting for a CPU ${after.waitMs - before.waitMs} ms`)
    clock!.close()
  })
})
