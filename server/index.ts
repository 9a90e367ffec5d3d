import type { Logger } from 'pino'
import { buildApp } from './app'
import { createAccounts } from './accounts'
import { createCodes, defaultSendLimits, type SendLimits } from './codes'
import type { ServerContext } from './context'
import { isDamage, isDiskError, makeDataFolder, openDatabase, openDatabaseForCommand, type Db } from './database'
import { lockDataFolder } from './dataFolderLock'
import { createEnrollmentCode as createCode } from './enrollment'
import { createGroupCommit } from './groupCommit'
import { createLogger } from './logger'
import { createDevSink, providerFromEnv, type MessageProvider } from './messages'
import { createOpener } from './opener'
import { createMemoryKeys, loadOrCreateKeys, type ServerKeys } from './sealingKeys'
import { loadPasswordDictionary } from '../src-common/rules/passwordStrength'

export { decideAppeal, listAppeals } from './appeals'
export { isDamage } from './database'
export type { MessageProvider, OutgoingMessage } from './messages'

/** The server's data: its database and its keys. */
export interface CentralStore {
  db: Db
  keys: ServerKeys
  /** The last server on the data folder did not stop cleanly, so central.db was checked at the open (and is whole). */
  checked?: boolean
  /** A read found central.db damaged: the data folder stays marked at close, so that the next start checks it. */
  markDamaged(): void
  close(): void
}

/**
 * The data folder's database and keys, or with dataDir null a store in memory only: fresh keys and
 * an empty database that nothing writes to disk and that is gone at close (the kiosk's demo mode).
 */
export async function openCentralStore(dataDir: string | null, nativeBinding?: string): Promise<CentralStore> {
  if (dataDir === null) {
    const db = openDatabase(null, nativeBinding)
    return { db, keys: await createMemoryKeys(), markDamaged: () => undefined, close: () => db.close() }
  }
  // Locked before central.db is opened: a second server neither migrates nor writes anything.
  makeDataFolder(dataDir)
  const lock = lockDataFolder(dataDir, nativeBinding)
  let db: Db | undefined
  try {
    db = openDatabase(dataDir, nativeBinding, { check: lock.leftUnclean })
    const keys = await loadOrCreateKeys(dataDir)
    const opened = db
    let damaged = false
    return {
      db,
      keys,
      checked: lock.leftUnclean,
      markDamaged: () => void (damaged = true),
      close: () => {
        opened.close()
        lock.release(!damaged)
      },
    }
  } catch (error) {
    db?.close()
    // A damaged database stays marked: the next start checks it again. So does one whose check was
    // owed and did not get to an answer (another program holding central.db, a disk error, a full
    // disk): without server.pid the next start would serve on it unchecked.
    const owed = lock.leftUnclean && !isDamage(error)
    lock.release(!owed && !isDamage(error))
    if (owed && error instanceof Error) Object.assign(error, { checkOwed: true })
    throw error
  }
}

/** The start failed with central.db's check still owed (openCentralStore): the next start runs it. */
export function isCheckOwed(error: unknown): boolean {
  return (error as { checkOwed?: unknown } | null)?.checkOwed === true
}

/**
 * Where the data is: a data folder, which the server opens and closes; or a store the caller opened
 * and closes, which outlives the server (the kiosk's demo server, stopped and started again on it).
 */
export type StartOptions = ServerOptions & ({ dataDir: string; store?: never } | { store: CentralStore; dataDir?: never })

export interface ServerOptions {
  /** 0 picks a free port. */
  port: number
  /** Development sink for SMS/email at GET /dev/outbox, and POST /dev/enroll-code. Never in production. */
  dev?: boolean
  host?: string
  /** A pino logger, or false for none. Default: pino to stdout. */
  logger?: Logger | false
  /** Message delivery; default: the dev sink with --dev, else SMTP from the environment. */
  messages?: MessageProvider
  limits?: Partial<SendLimits>
  /** Milliseconds since the epoch; tests move it to cross limits and expiries. */
  clock?: () => number
  publicUrl?: string
  /**
   * The addresses of the reverse proxies in front (the TLS terminator): their X-Forwarded-For names
   * the client, so that per-address limits (enrolment) count each client, not the proxy. None by default.
   */
  trustProxy?: string[]
  /** better-sqlite3's Electron build (the kiosk's demo mode runs this server inside Electron). */
  nativeBinding?: string
  /**
   * A commit the disk refused: the server already answers 503 to everything (groupCommit.ts). The
   * CLI exits here so that its supervisor restarts it; embedded (demo mode), the kiosk keeps running.
   */
  onCommitFailure?: (error: unknown) => void
}

export interface RunningServer {
  url: string
  keyId: string
  publicKey: string
  /** A fresh one-time enrolment code (as `enroll-kiosk` prints). */
  createEnrollmentCode(name: string): string
  close(): Promise<void>
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  if (options.store !== undefined) return serve(options.store, false, options)
  const store = await openCentralStore(options.dataDir, options.nativeBinding)
  try {
    return await serve(store, true, options)
  } catch (error) {
    // Not started (its port taken, say): the data folder is unlocked for the next try.
    store.close()
    throw error
  }
}

/** The server on `store`; `owned`: it closes the store when it closes. */
async function serve(store: CentralStore, owned: boolean, options: ServerOptions): Promise<RunningServer> {
  const log = options.logger === false ? createLogger({ level: 'silent' }) : (options.logger ?? createLogger())
  const clock = options.clock ?? Date.now
  const { db, keys } = store
  if (store.checked) log.info('the last server on this data folder did not stop cleanly: central.db was checked (quick_check) and is whole')
  const dev = options.dev ?? false
  const limits = { ...defaultSendLimits, ...options.limits }
  const commits = createGroupCommit(db, (error) => {
    log.fatal({ err: error }, 'commit failed: answering 503 from now on, so that no answer reports what was not saved')
    options.onCommitFailure?.(error)
  })
  const reportDamage = onceOnDamage(store, log)
  const reportDiskError = atMostOncePerMinuteOnDiskError(log, clock)
  const ctx: ServerContext = {
    db,
    commits,
    keys,
    reportReadFault: (error) => {
      if (isDamage(error)) reportDamage(error)
      // A commit the disk refused was logged already, as fatal, with what follows from it (groupCommit.ts).
      else if (isDiskError(error) && commits.failed === undefined) reportDiskError(error)
    },
    opener: await createOpener(keys.privateKey, keys.publicKey),
    accounts: createAccounts(db, keys.pepper),
    codes: createCodes(db, keys.pepper, limits),
    messages: options.messages ?? (dev ? createDevSink(db, clock) : providerFromEnv(process.env, log)),
    log,
    dev,
    clock,
    limits,
    publicUrl: options.publicUrl ?? process.env.PUBLIC_URL ?? 'https://passport.etest.local',
    trustProxy: options.trustProxy ?? [],
  }
  const app = await buildApp(ctx)
  // Before the first request: the password rules' common-password list (about 100 ms to load).
  await loadPasswordDictionary()
  const host = options.host ?? '127.0.0.1'
  await app.listen({ port: options.port, host })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  return {
    url,
    keyId: keys.keyId,
    publicKey: keys.publicKey,
    createEnrollmentCode: (name) => createCode(db, name, clock()),
    async close() {
      await app.close()
      if (ctx.commits.failed === undefined) ctx.commits.flush()
      if (owned) store.close()
    },
  }
}

/**
 * ServerContext.reportReadFault: a page of central.db that a request read and found damaged. Writes
 * that touch it fail-stop at their commit (groupCommit.ts), but a damage met only by reads would
 * otherwise be a 500 and a stack trace per request, for as long as the server runs. Said once, with
 * what to do; the folder stays marked, so that the start after a clean stop finds it (quick_check).
 */
function onceOnDamage(store: CentralStore, log: Logger): (error: unknown) => void {
  let said = false
  return (error) => {
    store.markDamaged()
    if (said) return
    said = true
    log.error(
      { reason: error instanceof Error ? error.message : String(error) },
      "central.db is damaged: requests that read the damaged part are answered 503. Stop the server and restore the data folder from its last backup (start the server with --data on a folder made by 'npm run server -- backup'); keep this folder as it is for support. Started on it again, the server checks it (quick_check) and refuses it",
    )
  }
}

/** Between two lines of a disk error met by reads: enough for the operator to see it goes on, not a line per request. */
const diskErrorLogIntervalMs = 60_000

/**
 * ServerContext.reportReadFault: the disk failed a read of central.db (SQLITE_IOERR). Unlike a damage,
 * it may pass (a loose cable, a controller reset), so the folder is not marked damaged; while it lasts,
 * each request that meets it is answered 503 and the kiosks try again later. Said at most once a
 * minute, with how many requests met it since the last line, and SQLite's words, not a stack.
 */
function atMostOncePerMinuteOnDiskError(log: Logger, clock: () => number): (error: unknown) => void {
  let saidAt: number | undefined
  let metSince = 0
  return (error) => {
    const now = clock()
    // A clock set back (ServerOptions.clock follows the system's) does not silence it until it catches up.
    if (saidAt !== undefined && Math.abs(now - saidAt) < diskErrorLogIntervalMs) {
      metSince += 1
      return
    }
    log.error(
      {
        sqliteCode: (error as { code?: unknown }).code,
        reason: error instanceof Error ? error.message : String(error),
        ...(saidAt === undefined ? {} : { metSinceLastLine: metSince }),
      },
      "central.db could not be read: the disk reported an I/O error, and requests that read it are answered 503 (kiosks keep their ops and try again later). Check the disk that holds the data folder: the system log names its errors (journalctl -k, dmesg), then its cable, mount and health (smartctl). Said at most once a minute while it lasts; if it does not pass, stop the server and restore the data folder from its last backup onto a sound disk",
    )
    saidAt = now
    metSince = 0
  }
}

/** An enrolment code written straight into a data folder's database (the server may be running). */
export function createEnrollmentCode(dataDir: string, name: string): string {
  const db = openDatabaseForCommand(dataDir, 'write')
  try {
    return createCode(db, name)
  } finally {
    db.close()
  }
}
