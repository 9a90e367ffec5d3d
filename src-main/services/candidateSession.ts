import type { OperationKind } from '../../src-common/operations'

/**
 * What main remembers about the candidate at the kiosk right now. It lives only in memory and is
 * forgotten on log-out and on idle wipe, so nothing of one candidate reaches the next.
 */
export interface CandidateSession {
  sessionToken: string
  /** Which log-in made it (random, not the token): the screen that asked may end that one only. */
  loginId: string
  /** When that log-in started among this holder's (`startLogin()`): a slower, older one never replaces it. */
  attempt: number
  /** Kept to order this account's ops in the outbox (as a keyed hash there, never in clear). */
  idNumber: string
  /** How long it lasts from now, by the server: its expiry less the server's time now. */
  expiresInMs: number
}

interface HeldSession extends Omit<CandidateSession, 'expiresInMs'> {
  /** By the clock nobody sets (performance.now): NTP correcting the wall clock mid-visit changes nothing. */
  endsAtSteady: number
}

type SmsPurpose = 'register' | 'resetPassword' | 'changeMobile' | 'verifyMobile' | 'updateProfile'

export class CandidateSessionHolder {
  #current: HeldSession | null = null
  /** Verification tokens from sms.verify, by purpose and mobile, for the candidate's next op. */
  readonly #verifications = new Map<string, string>()
  readonly #now: () => number
  readonly #steadyNow: () => number
  #visitStartedAt: number
  #visit = 0
  #loginsStarted = 0

  /** `now`: the kiosk's wall clock (kioskServices' clock option); `steadyNow`: one nobody sets. */
  constructor(now: () => number = Date.now, steadyNow: () => number = () => performance.now()) {
    this.#now = now
    this.#steadyNow = steadyNow
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

  get current(): Omit<CandidateSession, 'expiresInMs'> | null {
    if (this.#current && this.#current.endsAtSteady <= this.#steadyNow()) this.#current = null
    return this.#current
  }

  /** Whether main holds anything of this visitor: a log-in or a verified code. */
  get holdsAnything(): boolean {
    return this.current !== null || this.#verifications.size > 0
  }

  /** A log-in is sent to the server: its number, to tell later which of two answers is the newer. */
  startLogin(): number {
    this.#loginsStarted += 1
    return this.#loginsStarted
  }

  /**
   * True when the session held was made by a log-in started after `attempt`: the candidate came
   * back to 登录 and tried again, and that answer came first. The older answer must not replace it.
   */
  holdsNewerThan(attempt: number): boolean {
    const current = this.current
    return current !== null && current.attempt > attempt
  }

  /** An expiry that is not a number (a server's date nobody could read) counts as past: nothing is held. */
  begin({ expiresInMs, ...session }: CandidateSession): void {
    this.#current = { ...session, endsAtSteady: this.#steadyNow() + (Number.isFinite(expiresInMs) ? expiresInMs : 0) }
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

  /**
   * Ends the session this log-in made, if it is still the one held: a log-in the candidate walked away
   * from. Nothing else of the visit goes (their verified codes, the captcha they are typing), and a
   * later log-in's session stays. Returns the token, for the server to end it too.
   */
  endLogin(loginId: string): string | null {
    const current = this.current
    if (!current || current.loginId !== loginId) return null
    this.#current = null
    return current.sessionToken
  }

  wipe(): void {
    this.#current = null
    this.#verifications.clear()
    this.#visitStartedAt = this.#now()
    this.#visit += 1
  }
}
