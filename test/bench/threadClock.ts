import { closeSync, openSync, readSync } from 'node:fs'

/** A thread's time so far, in ms: on a CPU (its own code, the kernel's work for it), and runnable but waiting for one. */
export interface ThreadTimes {
  cpuMs: number
  waitMs: number
}

/**
 * The calling thread's scheduler clock (Linux's /proc/thread-self/schedstat: time on a CPU, time
 * waiting in a run queue). What a timed step's wall time has beyond the two is time it slept: for a
 * commit, the disk's flush; on a virtual machine also time the host gave its CPU to someone else.
 * Read before and after a step, outside its timing (a read is one pread, a few microseconds).
 * Undefined where the file is not there (another OS, a kernel without scheduler statistics).
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
      const n = readSync(fd, buffer, 0, buffer.length, 0)
      const [onCpu, waiting] = buffer.toString('latin1', 0, n).split(' ')
      return { cpuMs: Number(onCpu) / 1e6, waitMs: Number(waiting) / 1e6 }
    },
    close: () => closeSync(fd),
  }
}
