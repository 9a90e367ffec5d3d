import { closeSync, openSync, readSync } from 'node:fs'

/**
 * Times so far, in ms: the calling thread's on a CPU (its own code, the kernel's work for it) and
 * runnable but waiting for one; and its process's other threads' on a CPU (V8's collector and
 * compiler helpers, libuv's pool, threads that have ended).
 */
export interface ThreadTimes {
  cpuMs: number
  waitMs: number
  othersCpuMs: number
}

/**
 * The calling thread's scheduler clock (Linux's /proc/thread-self/schedstat: time on a CPU, time
 * waiting in a run queue). What a timed step's wall time has beyond the two is time it slept: for a
 * commit, the disk's flush; on a virtual machine also time the host gave its CPU to someone else.
 * When it waited while the process's other threads ran, on a 2-core machine the process itself
 * was the competition.
 *
 * The file alone lags: the kernel adds a running thread's time there only at its next tick or
 * switch, so a 0.5 ms step read 0 ms at its median and up to 4 ms at its tail. Asking the process's
 * total first (getrusage, which brings the calling thread's time up to date) makes it exact to a few
 * microseconds; the others' time is that total less the thread's own.
 * Read before and after a step, outside its timing. Undefined where the file is not there (another
 * OS, a kernel without scheduler statistics).
 */
export function openThreadClock(): { read(): ThreadTimes; close(): void } | undefined {
  let fd: number
  try {
    fd = openSync('/proc/thread-self/schedstat', 'r')
  } catch {
    return undefined
  }
  const buffer = Buffer.alloc(96)
  return {
    read() {
      const { user, system } = process.cpuUsage()
      const n = readSync(fd, buffer, 0, buffer.length, 0)
      const [onCpu, waiting] = buffer.toString('latin1', 0, n).split(' ')
      const cpuMs = Number(onCpu) / 1e6
      return { cpuMs, waitMs: Number(waiting) / 1e6, othersCpuMs: (user + system) / 1000 - cpuMs }
    },
    close: () => closeSync(fd),
  }
}
