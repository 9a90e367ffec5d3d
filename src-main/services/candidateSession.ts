import type { OperationKind } from '../../src-common/operations'

/**
 * What main remembers about the candidate at the kiosk right now. It lives only in memory and is
 * forgotten on log-out and on idle wipe, so nothing of one candidate reaches the next.
 */
export interface CandidateSession {
  sessionToken: string
  /** Kept to order this account's ops in the outbox (as a keyed hash there, never in clear). */
  idNumber: string
  /** In the kiosk's clock (the server's expiry less the clock offset the central client measured). */
  expiresAt: number
}

type SmsPurpose = 'register' | 'resetPassword' | 'changeMobile' | 'verifyMobile' | 'updateProfile'

export class CandidateSessionHolder {
  #current: CandidateSession | null = null
  /** Verification tokens from sms.verify, by purpose and mobile, for the candidate's next op. */
  readonly #verifications = new Map<string, string>()
  readonly #now: () => number
  #visitStartedAt: number
  #visit = 0

  /** `now`: the kiosk's clock, the one session expiries are kept in (kioskServices' clock option). */
  constructor(now: () => number = Date.now) {
    this.#now = now
    this.#visitStartedAt = now()
  }

  /**
   * Which visitor this is: it changes at every wipe. A call that waited on the network checks it
   * before keeping what came back, so a log-in or a verified code answered after a wipe is never
   * handed to the next person.
   */
  get visit(): number {
    return this.#visit
  }

  /** When this visitor's turn began (start-up or the last wipe), in the kiosk's clock: demo mode's simulated phone shows nothing older. */
  get visitStartedAt(): number {
    return this.#visitStartedAt
  }

  get current(): CandidateSession | null {
    if (this.#current && this.#current.expiresAt <= this.#now()) this.#current = null
    return this.#current
  }

  begin(session: CandidateSession): void {
    this.#current = session
  }

  keepVerification(purpose: SmsPurpose, mobile: string, token: string): void {
    this.#verifications.set(`${purpose}:${mobile}`, token)
  }

  /**
   * The token for an op of this kind to this mobile, if the candidate verified it on this visit. It is
   * for one op: taken, so that a second submit at the same time does not carry it too.
   */
  takeVerification(kind: OperationKind, mobile: string): string | undefined {
    const token = this.#verifications.get(`${kind}:${mobile}`)
    this.#verifications.delete(`${kind}:${mobile}`)
    return token
  }

  /** The op that took it was not saved (a field to correct): the candidate keeps the code they verified. */
  giveBackVerification(kind: OperationKind, mobile: string, token: string): void {
    this.#verifications.set(`${kind}:${mobile}`, token)
  }

  wipe(): void {
    this.#current = null
    this.#verifications.clear()
    this.#visitStartedAt = this.#now()
    this.#visit += 1
  }
}
