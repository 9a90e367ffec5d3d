import Database from 'better-sqlite3'

/**
 * A full disk under kiosk.db, made by SQLite itself: `max_page_count` at the file's size makes every
 * write that needs a new page fail with SQLITE_FULL, as a disk with no room left does. It is set per
 * connection, so the connections the kiosk opens are watched from the moment this is called (by the
 * pragmas each applies when it opens).
 */
export interface FullDisk {
  /** No room left on any kiosk.db connection opened since `watchKioskDb()`. */
  fill(): void
  /** Room again (staff deleted something), and writable again. */
  free(): void
  /** Every write refused with SQLITE_READONLY, as on a disk remounted read-only after I/O errors. */
  readOnly(): void
  /** Stops watching (the connections keep their limit until freed). */
  stop(): void
}

export function watchKioskDb(): FullDisk {
  const connections = new Set<Database.Database>()
  const original = Database.prototype.pragma
  Database.prototype.pragma = function (this: Database.Database, ...args: Parameters<Database.Database['pragma']>) {
    if (this.name.endsWith('kiosk.db')) connections.add(this)
    return original.apply(this, args)
  } as Database.Database['pragma']
  const limit = (pages: (db: Database.Database) => number) => {
    for (const db of connections) if (db.open) original.call(db, `max_page_count = ${pages(db)}`)
  }
  return {
    fill: () => limit((db) => original.call(db, 'page_count', { simple: true }) as number),
    free: () => {
      limit(() => 1_073_741_823)
      for (const db of connections) if (db.open) original.call(db, 'query_only = 0')
    },
    readOnly: () => {
      for (const db of connections) if (db.open) original.call(db, 'query_only = 1')
    },
    stop: () => {
      Database.prototype.pragma = original
    },
  }
}

/** A real SQLITE_FULL, as better-sqlite3 throws it, for a stand-in of a method the limit cannot reach. */
export function sqliteFullError(): Error {
  const db = new Database(':memory:')
  try {
    db.exec('CREATE TABLE t (x BLOB)')
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`)
    db.prepare('INSERT INTO t VALUES (?)').run(Buffer.alloc(100_000))
  } catch (error) {
    return error as Error
  } finally {
    db.close()
  }
  throw new Error('SQLite found room: no SQLITE_FULL to show')
}
