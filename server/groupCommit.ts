import type { Db } from './database'

/**
 * Group commit: the many small transactions of a burst of ops (each op's effect + its stored
 * answer) run as savepoints inside one outer transaction, committed once the burst has run
 * (setImmediate) and always before any answer leaves the server (flush() in onSend). A commit
 * costs far more than an op, so this is what lets POST /v1/ops apply thousands of ops a second.
 * Each op stays atomic: a failing op rolls back its own savepoint only.
 */
export function createGroupCommit(db: Db) {
  let open = false
  function flush(): void {
    if (!open) return
    open = false
    db.exec('COMMIT')
  }
  return {
    flush,
    run<T>(body: () => T): T {
      if (!open) {
        db.exec('BEGIN IMMEDIATE')
        open = true
        setImmediate(flush)
      }
      return db.transaction(body)()
    },
  }
}

export type GroupCommit = ReturnType<typeof createGroupCommit>
