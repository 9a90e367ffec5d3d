import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { baseCompile } from '@intlify/message-compiler'
import { mainlandProvinceCodes, minimumPasswordScore } from '../../../src-common/rules'

// The renderer's files are typed by tsconfig.web.json, not this project's: loaded by URL, checked here at run time.
const load = async (path: string): Promise<Record<string, unknown>> =>
  (await import(new URL(`../../../src-renderer/src/${path}`, import.meta.url).href)) as Record<string, unknown>
// As i18n.ts merges them: the candidate screens' messages and supervisor mode's.
const zhCN = { ...((await load('locales/zh-CN.ts')).default as object), ...((await load('supervisor/locales/zh-CN.ts')).default as object) }
const en = { ...((await load('locales/en.ts')).default as object), ...((await load('supervisor/locales/en.ts')).default as object) }
const provinces = (await load('views/login/provinces.ts')).provinces as { code: string; name: Record<'zh-CN' | 'en', string> }[]

/** Every message string with its key path. */
function messages(tree: unknown, path = ''): [string, string][] {
  if (typeof tree === 'string') return [[path, tree]]
  if (tree && typeof tree === 'object')
    return Object.entries(tree).flatMap(([key, value]) => messages(value, path ? `${path}.${key}` : key))
  return []
}

describe('screen texts (candidates and supervisor mode)', () => {
  for (const [name, locale] of [
    ['zh-CN', zhCN],
    ['en', en],
  ] as const) {
    test(`every ${name} message compiles in vue-i18n (no stray @ { } | that would break a screen)`, () => {
      const broken: string[] = []
      for (const [key, text] of messages(locale)) {
        baseCompile(text, { onError: (error) => broken.push(`${key}: ${error.message}`) })
      }
      assert.deepEqual(broken, [])
    })
  }

  test('English has a message for every Chinese one, and none left in Chinese', () => {
    const zhKeys = messages(zhCN).map(([key]) => key)
    const enMessages = new Map(messages(en))
    assert.deepEqual([...enMessages.keys()].sort(), zhKeys.sort())
    // A language's own name (the language switch, 默认语言's choices) stays in that language.
    const ownName = new Set(['common.language', 'supervisor.settings.locales.zh-CN'])
    const untranslated = [...enMessages].filter(([key, text]) => !ownName.has(key) && /[\u4e00-\u9fff]/.test(text))
    assert.deepEqual(untranslated, [])
  })

  test(`English uses straight quotes: the kiosk's Chinese-first font draws ’ “ ” full-width ("account’ s")`, () => {
    const curly = messages(en).filter(([, text]) => /[‘’“”]/.test(text))
    assert.deepEqual(curly, [])
  })

  for (const [name, locale] of [
    ['zh-CN', zhCN],
    ['en', en],
  ] as const) {
    test(`${name}: the strength meter's labels follow the policy, refused scores weak and accepted ones not`, () => {
      const common = (locale as { common: { strengthLevels: string[]; strengthNone: string } }).common
      const levels = common.strengthLevels
      assert.equal(levels.length, 5, 'one label per zxcvbn score, 0-4')
      const weak = levels[0]
      const refused = levels.slice(0, minimumPasswordScore)
      const accepted = levels.slice(minimumPasswordScore)
      // Two passwords with one label must not get different verdicts.
      assert.deepEqual(refused, refused.map(() => weak))
      assert.equal(new Set([weak, ...accepted]).size, 1 + accepted.length, 'each accepted score reads differently, and none as weak')
      // An empty field is not rated: it reads as nothing typed, not as a weak password.
      assert.ok(common.strengthNone && !levels.includes(common.strengthNone))
    })
  }

  test('CET报名登录 offers the 31 provinces, each a province code the ID number rules know', () => {
    assert.equal(provinces.length, 31)
    assert.equal(new Set(provinces.map((p) => p.code)).size, 31)
    for (const province of provinces) {
      assert.ok(mainlandProvinceCodes.has(province.code), province.code)
      assert.ok(province.name['zh-CN'] && province.name.en)
    }
  })
})

describe('English counts read as English (vue-i18n plural forms)', () => {
  test('1 digit entered, 2 digits entered; Chinese, with no plural forms, is the same for every count', async () => {
    // Typed loosely: vue-i18n's types over these message trees are too deep for tsc.
    type PluralI18n = { global: { t: (key: string, named: Record<string, unknown>, plural: number) => string; locale: { value: string } } }
    const { createI18n } = (await import('vue-i18n')) as unknown as { createI18n: (options: object) => PluralI18n }
    const i18n = createI18n({ legacy: false, locale: 'en', messages: { 'zh-CN': zhCN, en } })
    const t = i18n.global.t
    assert.equal(t('supervisor.pinPad.pinDots', { count: 1 }, 1), '1 digit entered')
    assert.equal(t('supervisor.pinPad.pinDots', { count: 2 }, 2), '2 digits entered')
    assert.equal(t('supervisor.pinPad.pinDots', { count: 0 }, 0), '0 digits entered')
    assert.equal(t('supervisor.age.days', { n: 1 }, 1), '1 day')
    assert.equal(t('supervisor.audit.total', { total: 3 }, 3), '3 rows')
    assert.match(t('supervisor.dashboard.quitUnsent', { n: 1 }, 1), /^1 request is not yet/)
    assert.match(t('supervisor.dashboard.quitUnsent', { n: 4 }, 4), /^4 requests are not yet/)
    i18n.global.locale.value = 'zh-CN'
    for (const n of [0, 1, 2]) assert.doesNotMatch(t('supervisor.pinPad.pinDots', { count: n }, n), /\|/)
  })
})
