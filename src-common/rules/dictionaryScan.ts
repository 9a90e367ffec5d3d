import type { ZxcvbnFactory } from '@zxcvbn-ts/core'

/**
 * zxcvbn-ts's dictionary scan, pruned by prefix: the same matches, in the same order. A whole check
 * takes about a third of the time it did (p50 0.8 ms to 0.25 ms on the bench's passwords) and makes
 * a sixth less garbage.
 *
 * zxcvbn looks up every substring of the password up to the longest word's length (20), in every
 * dictionary, and does it again for each l33t spelling it tries (up to `l33tMaxSubstitutions`) and
 * for the reversed password. That scan is two-thirds of a check, and most of what it looks up cannot
 * be a word: once `password[i..j]` starts no word, no longer substring from `i` is one. So a substring
 * of up to `prefixLength` characters that starts no word ends the scan from `i`. Longer substrings
 * are scanned as zxcvbn does (4 characters already rule out nearly every position of a random
 * password; longer prefixes cost memory for little more).
 *
 * The scan is zxcvbn's own method, replaced on its class for the factories given to `pruneScan()`
 * only, since its l33t, reversed and word-sequence matchers call it through `super`. Any other
 * factory, and a factory using Levenshtein distance (which looks at the whole password whatever its
 * prefixes), keeps zxcvbn's scan. A test compares whole results with an unpruned factory.
 */
const prefixLength = 4

interface DictionaryMatch {
  pattern: 'dictionary'
  i: number
  j: number
  token: string
  matchedWord: string
  rank: number
  dictionaryName: string
  reversed: boolean
  l33t: boolean
}

interface ScanOptions {
  password: string
  userInputsOptions?: unknown
}

interface DictionaryMatcher {
  wordSequenceCheck?: boolean
  options: {
    rankedDictionaries: Record<string, Record<string, number>>
    useLevenshteinDistance: boolean
  }
  getRangedDictionaries(userInputsOptions: unknown): {
    rankedDictionaries: Record<string, Record<string, number>>
    rankedDictionariesMaxWordSize: Record<string, number>
  }
  match(options: ScanOptions): DictionaryMatch[]
}

// The prefixes of every word of a pruned factory's dictionaries, by the factory's options object
// (which each of its matchers holds as `this.options`), as `prefixCode`s.
const prefixesByOptions = new WeakMap<object, Set<number>>()
const replaced = new WeakSet<object>()

/**
 * Prunes the dictionary scan of this factory (built with the dictionaries it will keep). Returns false,
 * leaving zxcvbn as it is, when the library's insides are not what this was written against.
 */
export function pruneScan(factory: ZxcvbnFactory): boolean {
  const matcher = dictionaryMatcherOf(factory)
  if (!isDictionaryMatcher(matcher)) return false
  prefixesByOptions.set(matcher.options, prefixesOf(Object.values(matcher.options.rankedDictionaries)))
  const scanClass = Object.getPrototypeOf(matcher) as DictionaryMatcher
  if (!replaced.has(scanClass)) {
    const zxcvbnScan = scanClass.match
    scanClass.match = function (this: DictionaryMatcher, options: ScanOptions) {
      const prefixes = prefixesByOptions.get(this.options)
      return prefixes && !this.options.useLevenshteinDistance
        ? prunedScan(this, options, prefixes)
        : zxcvbnScan.call(this, options)
    }
    replaced.add(scanClass)
  }
  return true
}

/** Whether `pruneScan()` took on this factory. */
export function scanIsPruned(factory: ZxcvbnFactory): boolean {
  const matcher = dictionaryMatcherOf(factory)
  return isDictionaryMatcher(matcher) && prefixesByOptions.has(matcher.options)
}

function dictionaryMatcherOf(factory: ZxcvbnFactory): unknown {
  return (factory as unknown as { matching?: { matchers?: Record<string, unknown> } }).matching?.matchers?.dictionary
}

function isDictionaryMatcher(value: unknown): value is DictionaryMatcher {
  const m = value as Partial<DictionaryMatcher> | undefined
  return (
    typeof m?.match === 'function' &&
    typeof m.getRangedDictionaries === 'function' &&
    typeof m.options?.rankedDictionaries === 'object' &&
    Object.getPrototypeOf(m) !== Object.prototype
  )
}

function prefixesOf(dictionaries: Record<string, number>[]): Set<number> {
  const prefixes = new Set<number>()
  for (const dictionary of dictionaries) {
    for (const word of Object.keys(dictionary)) {
      let code = 0
      for (let k = 0; k < Math.min(prefixLength, word.length); k++) {
        const c = word.charCodeAt(k)
        if (c >= 0x80) break
        code = (code << 7) | c
        prefixes.add(prefixCode(k + 1, code))
      }
    }
  }
  return prefixes
}

/**
 * A prefix of up to four ASCII characters as one small integer (7 bits a character, and its length),
 * so that the scan asks about one without making a string: most of what it asks is answered no.
 * Under 2^30, so a small integer for V8 with pointer compression too (Electron).
 */
function prefixCode(length: number, characters: number): number {
  return ((length - 1) << 28) | characters
}

/** zxcvbn's MatchDictionary.match without Levenshtein distance, stopping where no word can start. */
function prunedScan(matcher: DictionaryMatcher, { password, userInputsOptions }: ScanOptions, prefixes: Set<number>): DictionaryMatch[] {
  const matches: DictionaryMatch[] = []
  const passwordLower = password.toLowerCase()
  const { rankedDictionaries, rankedDictionariesMaxWordSize, dictionaryNames, maxSearchWidth, userInputs } = dictionariesFor(matcher, userInputsOptions)
  for (let i = 0; i < password.length; i += 1) {
    let characters = 0
    let ascii = true
    for (let j = i; j < password.length; j += 1) {
      const isFullPassword = i === 0 && j === password.length - 1
      if (j - i + 1 > maxSearchWidth && !isFullPassword) break
      const length = j - i + 1
      if (length <= prefixLength && ascii) {
        const c = passwordLower.charCodeAt(j)
        ascii = c < 0x80
        characters = (characters << 7) | c
        if (ascii && !prefixes.has(prefixCode(length, characters)) && !startsAUserInput(passwordLower, i, length, userInputs)) break
      }
      const usedPassword = passwordLower.slice(i, j + 1)
      for (const dictionaryName of dictionaryNames) {
        if (length > (rankedDictionariesMaxWordSize[dictionaryName] ?? 0) && !isFullPassword) continue
        const rank = rankedDictionaries[dictionaryName]?.[usedPassword]
        if (rank !== undefined) {
          matches.push({
            pattern: 'dictionary',
            i,
            j,
            token: password.slice(i, j + 1),
            matchedWord: usedPassword,
            rank,
            dictionaryName,
            reversed: false,
            l33t: false,
          })
        }
      }
    }
  }
  return matches
}

interface Dictionaries {
  rankedDictionaries: Record<string, Record<string, number>>
  rankedDictionariesMaxWordSize: Record<string, number>
  dictionaryNames: string[]
  maxSearchWidth: number
  /** This check's user inputs (the candidate's mobile, email, ID number): not in the prefix set. */
  userInputs: string[]
}

// A check scans some 25 times (each l33t spelling, reversed, word sequences) with the same user
// inputs object: what zxcvbn merges from it for each scan is made once per check (and kind of scan:
// the word-sequence matcher's scans see other dictionaries).
const dictionariesByCheck = new WeakMap<object, Map<boolean, Dictionaries>>()

function dictionariesFor(matcher: DictionaryMatcher, userInputsOptions: unknown): Dictionaries {
  const check = typeof userInputsOptions === 'object' && userInputsOptions !== null ? userInputsOptions : undefined
  const kind = matcher.wordSequenceCheck === true
  const known = check && dictionariesByCheck.get(check)?.get(kind)
  if (known) return known
  const { rankedDictionaries, rankedDictionariesMaxWordSize } = matcher.getRangedDictionaries(userInputsOptions)
  const made: Dictionaries = {
    rankedDictionaries,
    rankedDictionariesMaxWordSize,
    dictionaryNames: Object.keys(rankedDictionaries),
    maxSearchWidth: Math.max(0, ...Object.values(rankedDictionariesMaxWordSize)),
    userInputs: Object.keys(rankedDictionaries.userInputs ?? {}),
  }
  if (check) dictionariesByCheck.set(check, (dictionariesByCheck.get(check) ?? new Map()).set(kind, made))
  return made
}

function startsAUserInput(text: string, from: number, length: number, words: string[]): boolean {
  for (const word of words) {
    let k = 0
    while (k < length && k < word.length && word.charCodeAt(k) === text.charCodeAt(from + k)) k++
    if (k === length) return true
  }
  return false
}
