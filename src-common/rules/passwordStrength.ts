import type { ZxcvbnFactory } from '@zxcvbn-ts/core'
import { pruneScan } from './dictionaryScan'

/**
 * zxcvbn-ts with its common-password dictionary: about 100 ms to import, then 40-50 ms and 4 MB of
 * heap to build (and 25 ms and 0.7 MB for dictionaryScan.ts's prefix index), so it is loaded on
 * first use (a separate chunk in the renderer) instead of whenever a form imports the rules. The
 * server calls `loadPasswordDictionary()` at start-up, main a few seconds after (kioskServices.ts),
 * the renderer when a password field appears.
 */
let factory: ZxcvbnFactory | undefined
let loading: Promise<ZxcvbnFactory> | undefined

export function loadPasswordDictionary(): Promise<ZxcvbnFactory> {
  loading ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]).then(
    ([core, common]) => {
      factory = new core.ZxcvbnFactory({
        // An empty user-input list of its own, which each check's candidate details then fill: zxcvbn
        // otherwise adds the property to a fresh copy of its dictionary table on every check, and
        // that shape change makes each check leave ~0.5 MB behind that survives the next young
        // collection (pauses of 2-9 ms instead of under 1). Same matches, same scores.
        dictionary: { ...common.dictionary, userInputs: [] },
        graphs: common.adjacencyGraphs,
        useLevenshteinDistance: false,
        // zxcvbn tries up to 100 combinations of l33t substitutions by default: a random password
        // with many digits then costs 10-30 ms. Ten still unmasks the usual spellings (P@$$w0rd,
        // Passw0rd!, 1qaz@WSX) and keeps a check near a millisecond, at a measured price: of 3,000
        // l33t spellings of list passwords it refuses 95 % (98 % at 100; 96 % at 20, 97.5 % at 50),
        // each step costing roughly proportionally more time. A policy choice to revisit together.
        l33tMaxSubstitutions: 10,
      })
      // The same results in a third to a half of the time (dictionaryScan.ts): a registration's enqueue
      // is mostly this check.
      pruneScan(factory)
      return factory
    },
  ).catch((error: unknown) => {
    // A failed load is not kept: the next check tries again.
    loading = undefined
    throw error
  })
  return loading
}

/** The loaded estimator, or undefined until `loadPasswordDictionary()` has finished. */
export function loadedPasswordDictionary(): ZxcvbnFactory | undefined {
  return factory
}

export type StrengthScore = 0 | 1 | 2 | 3 | 4

export interface Strength {
  /** 0 (too guessable) to 4 (very unguessable), for the meter. */
  score: StrengthScore
  /** True when the password is, or is a light variation of, a password from the common-password list. */
  common: boolean
}

// zxcvbn's warnings that mean "this is on, or close to, a list of leaked passwords".
const commonWarnings = new Set(['topTen', 'topHundred', 'common', 'similarToCommon'])

export function estimate(zxcvbn: ZxcvbnFactory, password: string, userInputs: readonly string[]): Strength {
  const result = zxcvbn.check(password, [...userInputs])
  const common =
    commonWarnings.has(result.feedback.warning ?? '') ||
    result.sequence.some(
      (m) =>
        m.pattern === 'dictionary' &&
        m.dictionaryName === 'passwords-common' &&
        m.token.length >= password.length - 2,
    )
  // zxcvbn's scorer keeps the last password it scored, and its matches, until the next check: the
  // factory lives as long as the process (main, the renderer), so the candidate's password would stay
  // in memory after their visit (a crash dump's, a swapped page's). An empty check (about 20 µs)
  // makes it let go of it now.
  zxcvbn.check('')
  return { score: result.score, common }
}

/** The strength of a password for the meter under the password field (loads the dictionary if needed). */
export async function passwordStrength(
  password: string,
  userInputs: readonly string[] = [],
): Promise<Strength> {
  return estimate(await loadPasswordDictionary(), password, userInputs)
}
