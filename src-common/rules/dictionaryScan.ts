import type { ZxcvbnFactory } from '@zxcvbn-ts/core'

/**
 * zxcvbn-ts's dictionary scan, pruned by prefix: the same matches, in the same order. A whole check
 * takes a third to a half of the time it did (p50 0.8 to 0.25 ms on the bench's random passwords,
 * 0.75 to 0.4 ms on passwords built from words) and makes a fifth less garbage (170 to 132 KB).
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
 * factory, a factory whose dictionaries were replaced since (`setOptions`), and a factory using
 * Levenshtein distance (which looks at the whole password whatever its prefixes) keep zxcvbn's scan.
 * A test compares the matches and whole results with an unpruned factory; package.json pins the
 * zxcvbn-ts version this was written against.
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

// zxcvbn's scan also takes `useLevenshtein`, which only matters with Levenshtein distance on: such a
// factory is never given the pruned scan.
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

// The prefixes of every word of a pruned factory's dictionaries, as `prefixCode`s, by its dictionaries
// object (which each of its matchers reaches as `this.options.rankedDictionaries`, and which
// `setOptions` replaces: new dictionaries are scanned as zxcvbn does).
const prefixesByDictionaries = new WeakMap<object, Set<number>>()
const replaced = new WeakSet<object>()

/**
 * Prunes the dictionary scan of this factory (built with the dictionaries it will keep). Returns false,
 * leaving zxcvbn as it is, when the library's insides are not what this was written against.
 */
export function pruneScan(factory: ZxcvbnFactory): boolean {
  const matcher = matchersOf(factory)?.dictionary
  if (!isDictionaryMatcher(matcher)) return false
  const dictionaries = matcher.options.rankedDictionaries
  prefixesByDictionaries.set(dictionaries, prefixesOf(Object.values(dictionaries)))
  const scanClass = Object.getPrototypeOf(matcher) as DictionaryMatcher
  if (!replaced.has(scanClass)) {
    const zxcvbnScan = scanClass.match
    scanClass.match = function (this: DictionaryMatcher, options: ScanOptions) {
      const prefixes = prefixesByDictionaries.get(this.options.rankedDictionaries)
      return prefixes && !this.options.useLevenshteinDistance
        ? prunedScan(this, options, prefixes)
        : zxcvbnScan.call(this, options)
    }
    replaced.add(scanClass)
  }
  return true
}

/** Whether this factory's scans, plain, l33t and reversed, all reach the pruned scan. */
export function scanIsPruned(factory: ZxcvbnFactory): boolean {
  const matchers = matchersOf(factory)
  const matcher = matchers?.dictionary
  if (!isDictionaryMatcher(matcher) || !prefixesByDictionaries.has(matcher.options.rankedDictionaries)) return false
  const scanClass = Object.getPrototypeOf(matcher) as object
  if (!replaced.has(scanClass)) return false
  // The l33t and reversed matchers call the scan through `super`: their classes must extend its class.
  return ['dictionaryL33t', 'dictionaryReverse'].every((name) => {
    const variant = matchers?.[name]
    return typeof variant === 'object' && variant !== null && Object.getPrototypeOf(Object.getPrototypeOf(variant)) === scanClass
  })
}

function matchersOf(factory: ZxcvbnFactory): Record<string, unknown> | undefined {
  return (factory as unknown as { matching?: { matchers?: Record<string, unknown> } }).matching?.matchers
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
  // zxcvbn's dictionaries are plain objects, so its lookups also find Object.prototype's names
  // ('constructor', '__proto__'): they are words to its scan, and so to this one.
  const words = [...dictionaries.flatMap((dictionary) => Object.keys(dictionary)), ...Object.getOwnPropertyNames(Object.prototype)]
  for (const word of words) {
    let code = 0
    for (let k = 0; k < Math.min(prefixLength, word.length); k++) {
      const c = word.charCodeAt(k)
      if (c >= 0x80) break
      code = (code << 7) | c
      prefixes.add(prefixCode(k + 1, code))
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
  const userInputsKey = typeof userInputsOptions === 'object' && userInputsOptions !== null ? userInputsOptions : undefined
  const wordSequence = matcher.wordSequenceCheck === true
  const known = userInputsKey && dictionariesByCheck.get(userInputsKey)?.get(wordSequence)
  if (known) return known
  const { rankedDictionaries, rankedDictionariesMaxWordSize } = matcher.getRangedDictionaries(userInputsOptions)
  const made: Dictionaries = {
    rankedDictionaries,
    rankedDictionariesMaxWordSize,
    dictionaryNames: Object.keys(rankedDictionaries),
    maxSearchWidth: Math.max(0, ...Object.values(rankedDictionariesMaxWordSize)),
    userInputs: Object.keys(rankedDictionaries.userInputs ?? {}),
  }
  if (userInputsKey) dictionariesByCheck.set(userInputsKey, (dictionariesByCheck.get(userInputsKey) ?? new Map()).set(wordSequence, made))
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
