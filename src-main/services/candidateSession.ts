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

export class CandidateSessionHolder {
  #current: CandidateSession | null = null

  get current(): CandidateSession | null {
    if (this.#current && this.#current.expiresAt <= Date.now()) this.#current = null
    return this.#current
  }

  begin(session: CandidateSession): void {
    this.#current = session
  }

  wipe(): void {
    this.#current = null
  }
}
