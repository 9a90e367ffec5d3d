import type { OperationKind } from '../../src-common/operations'

/**
 * What main remembers about the candidate at the kiosk right now. It lives only in memory and is
 * forgotten on log-out and on idle wipe, so nothing of one candidate reaches the next.
 */
export interface CandidateSession {
  sessionToken: string
  /** Kept to order this account's ops in the outbox (as a keyed hash there, never in clear). */
  idNumber: string
  expiresAt: number
}

type SmsPurpose = 'register' | 'resetPassword' | 'changeMobile' | 'verifyMobile' | 'updateProfile'

export class CandidateSessionHolder {
  #current: CandidateSession | null = null
  /** Verification tokens from sms.verify, by purpose and mobile, for the candidate's next op. */
  readonly #verifications = new Map<string, string>()
  #visitStartedAt = Date.now()

  /** When this visitor's turn began (start-up or the last wipe): demo mode's simulated phone shows nothing older. */
  get visitStartedAt(): number {
    return this.#visitStartedAt
  }

  get current(): CandidateSession | null {
    if (this.#current && this.#current.expiresAt <= Date.now()) this.#current = null
    return this.#current
  }

  begin(session: CandidateSession): void {
    this.#current = session
  }

  keepVerification(purpose: SmsPurpose, mobile: string, token: string): void {
    this.#verifications.set(`${purpose}:${mobile}`, token)
  }

  /** The token for an op of this kind to this mobile, if the candidate verified it on this visit. */
  verificationFor(kind: OperationKind, mobile: string): string | undefined {
    return this.#verifications.get(`${kind}:${mobile}`)
  }

  wipe(): void {
    this.#current = null
    this.#verifications.clear()
    this.#visitStartedAt = Date.now()
  }
}
