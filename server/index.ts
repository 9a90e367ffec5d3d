import type { Logger } from 'pino'
import { buildApp } from './app'
import { createAccounts } from './accounts'
import { createCodes, defaultSendLimits, type SendLimits } from './codes'
import type { ServerContext } from './context'
import { openDatabase } from './database'
import { createEnrollmentCode as createCode } from './enrollment'
import { createGroupCommit } from './groupCommit'
import { createLogger } from './logger'
import { createDevSink, providerFromEnv, type MessageProvider } from './messages'
import { createOpener } from './opener'
import { loadOrCreateKeys } from './sealingKeys'

export { decideAppeal, listAppeals } from './appeals'
export type { MessageProvider, OutgoingMessage } from './messages'

export interface StartOptions {
  /** 0 picks a free port. */
  port: number
  dataDir: string
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
  /** better-sqlite3's Electron build (the kiosk's demo mode runs this server inside Electron). */
  nativeBinding?: string
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
  const log = options.logger === false ? createLogger({ level: 'silent' }) : (options.logger ?? createLogger())
  const clock = options.clock ?? Date.now
  const db = openDatabase(options.dataDir, options.nativeBinding)
  const keys = await loadOrCreateKeys(options.dataDir)
  const dev = options.dev ?? false
  const limits = { ...defaultSendLimits, ...options.limits }
  const ctx: ServerContext = {
    db,
    commits: createGroupCommit(db),
    keys,
    opener: await createOpener(keys.privateKey, keys.publicKey),
    accounts: createAccounts(db, keys.pepper),
    codes: createCodes(db, keys.pepper, limits),
    messages: options.messages ?? (dev ? createDevSink(db, clock) : providerFromEnv(process.env, log)),
    log,
    dev,
    clock,
    limits,
    publicUrl: options.publicUrl ?? process.env.PUBLIC_URL ?? 'https://passport.etest.local',
  }
  const app = await buildApp(ctx)
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
      ctx.commits.flush()
      db.close()
    },
  }
}

/** An enrolment code written straight into a data folder's database (the server may be running). */
export function createEnrollmentCode(dataDir: string, name: string): string {
  const db = openDatabase(dataDir)
  try {
    return createCode(db, name)
  } finally {
    db.close()
  }
}
