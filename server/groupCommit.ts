import type { Db } from './database'

/**
 * Group commit: the many small transactions of a burst of ops (each op's effect + its stored
 * answer) run as savepoints inside one outer transaction, committed once the burst has run
 * (setImmediate) and always before any answer leaves the server (flush() in onSend). A commit
 * costs far more than an op, so this is what lets POST /v1/ops apply thousands of ops a second.
 * Each op stays atomic: a failing op rolls back its own savepoint only.
 *
 * What leaves the server other than an answer (an SMS, an email) waits for the commit too
 * (`afterCommit`): a crash before it would otherwise announce a change or a code that was never
 * saved, and the kiosk's resend would announce it a second time.
 */
export function createGroupCommit(db: Db, onCommitFailure?: (error: unknown) => void) {
  let open = false
  let waiting: (() => void)[] = []
  // A burst the disk refused (full, an I/O error). Other requests wrote in it and are about to
  // answer: carrying on, the next one's flush would find nothing open and answer "applied" for
  // effects that are gone. So nothing is answered or written any more (fail-stop, as databases do
  // when a sync fails): every flush and every op throws, the app answers 503, and the kiosks keep
  // their ops until the server is restarted. The CLI exits (onCommitFailure), for its supervisor.
  let failed: unknown
  function failStop(error: unknown): never {
    failed = error
    open = false
    // Nothing of the burst was saved: nothing it announces is sent.
    waiting = []
    try {
      if (db.inTransaction) db.exec('ROLLBACK')
    } catch {
      // SQLite rolled it back itself.
    }
    onCommitFailure?.(error)
    throw error
  }
  /**
   * A statement that hits a full disk, an I/O error or no memory makes SQLite roll back the whole
   * open transaction, the burst's earlier ops with it, while better-sqlite3 only rethrows: the next
   * op would then commit on its own, outside the burst, and its notices wait for a commit that never
   * comes. Seen as soon as it happens, and failed-stop like a refused commit.
   */
  function checkBurstAlive(cause?: unknown): void {
    if (open && !db.inTransaction) failStop(cause ?? new Error('the open burst was rolled back by SQLite'))
  }
  function flush(): void {
    if (failed !== undefined) throw failed
    checkBurstAlive()
    if (!open) return
    open = false
    // Taken before the commit: if it fails, nothing it announces was saved, so nothing is sent.
    const due = waiting
    waiting = []
    try {
      db.exec('COMMIT')
    } catch (error) {
      failStop(error)
    }
    for (const send of due) send()
  }
  return {
    flush,
    /** The refused commit's error once one was refused (see above), else undefined. */
    get failed(): unknown {
      return failed
    },
    run<T>(body: () => T): T {
      if (failed !== undefined) throw failed
      if (!open) {
        db.exec('BEGIN IMMEDIATE')
        open = true
        setImmediate(() => {
          try {
            flush()
          } catch {
            // Refused: `failed` is set, and every answer from now on is 503 (app.ts).
          }
        })
      }
      checkBurstAlive()
      try {
        return db.transaction(body)()
      } catch (error) {
        checkBurstAlive(error)
        throw error
      }
    },
    /** Runs `send` once what has been written so far is committed: now, when no burst is open. */
    afterCommit(send: () => void): void {
      if (open) waiting.push(send)
      else send()
    },
  }
}

export type GroupCommit = ReturnType<typeof createGroupCommit>
