/*
 * The bench's model of a fast disk (test/bench/modelledDiskBench.ts): loaded with LD_PRELOAD into a
 * process whose SQLite files are on tmpfs, it makes each fsync/fdatasync take a modelled flush time
 * instead of the real one. The thread keeps its CPU meanwhile (a sub-millisecond flush is awaited
 * by polling, not by sleeping), as on a host whose commit p99 is under a millisecond.
 *
 *   BENCH_FSYNC_US       the flush time in microseconds (default 300), jittered by +-20 %
 *   BENCH_FSYNC_TAIL_US  extra microseconds for a slow flush (default 0)
 *   BENCH_FSYNC_TAIL_PM  how many flushes in a thousand are slow (default 0)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

static long flush_us = -1, tail_us = 0, tail_pm = 0;
static unsigned int seed = 12345;

static long env_long(const char *name, long fallback) {
  const char *value = getenv(name);
  return value ? atol(value) : fallback;
}

static void model_flush(void) {
  if (flush_us < 0) {
    flush_us = env_long("BENCH_FSYNC_US", 300);
    tail_us = env_long("BENCH_FSYNC_TAIL_US", 0);
    tail_pm = env_long("BENCH_FSYNC_TAIL_PM", 0);
  }
  long us = flush_us * (80 + (long)(rand_r(&seed) % 41)) / 100;
  if (tail_pm > 0 && (long)(rand_r(&seed) % 1000) < tail_pm) us += tail_us;
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  do clock_gettime(CLOCK_MONOTONIC, &now);
  while ((now.tv_sec - start.tv_sec) * 1000000000L + (now.tv_nsec - start.tv_nsec) < us * 1000L);
}

int fsync(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  model_flush();
  return real(fd);
}

int fdatasync(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  model_flush();
  return real(fd);
}
