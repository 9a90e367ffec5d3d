import type { Logger } from 'pino'
import type { Accounts } from './accounts'
import type { Codes, SendLimits } from './codes'
import type { Db } from './database'
import type { GroupCommit } from './groupCommit'
import type { MessageProvider } from './messages'
import type { Opener } from './opener'
import type { ServerKeys } from './sealingKeys'

/** Everything a route or an op handler needs, built once by startServer. */
export interface ServerContext {
  db: Db
  /** Op effects run through this (see groupCommit.ts). */
  commits: GroupCommit
  keys: ServerKeys
  /**
   * A read met central.db damaged (isDamage: logged once) or its disk failing (isDiskError: logged at
   * most once a minute), with what to do; the answer is 503 (isReadFault).
   */
  reportReadFault(error: unknown): void
  opener: Opener
  accounts: Accounts
  codes: Codes
  messages: MessageProvider
  log: Logger
  dev: boolean
  clock: () => number
  limits: SendLimits
  /** Base of links in emails (the ETEST web site's reset page). */
  publicUrl: string
  /** Reverse proxies whose X-Forwarded-For is believed (ServerOptions.trustProxy). */
  trustProxy: string[]
}

/**
 * Delivers a notice once what it announces is committed (see groupCommit.ts), without holding up
 * the answer; a failure is logged, never thrown.
 */
export function notify(ctx: ServerContext, send: () => Promise<void>, what: string): void {
  ctx.commits.afterCommit(() => {
    Promise.resolve()
      .then(send)
      .catch((error: unknown) => ctx.log.error({ what, ...deliveryError(error) }, 'message delivery failed'))
  })
}

/**
 * The parts of a delivery error that name no person. A nodemailer error's message, `response` and
 * `rejected` carry the recipient's address, so only its code, SMTP reply code and command are kept
 * (`errorCode`, since the log censors any `code`: see logger.ts).
 */
export function deliveryError(error: unknown): { errorCode?: string; responseCode?: number; command?: string } {
  if (typeof error !== 'object' || error === null) return {}
  const { code, responseCode, command } = error as Record<string, unknown>
  return {
    ...(typeof code === 'string' ? { errorCode: code } : {}),
    ...(typeof responseCode === 'number' ? { responseCode } : {}),
    ...(typeof command === 'string' ? { command } : {}),
  }
}
