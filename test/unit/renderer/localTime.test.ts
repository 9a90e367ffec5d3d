import { describe, test } from 'node:test'
import assert from 'node:assert/strict'

// The renderer's files are typed by tsconfig.web.json, not this project's: loaded by URL, as locales.test.ts does.
const { localTime } = (await import(
  new URL('../../../src-renderer/src/supervisor/dashboard/localTime.ts', import.meta.url).href
)) as {
  localTime: (date: Date, locale: 'zh-CN' | 'en') => string
}

describe('staff screens’ times', () => {
  // 6 May, in the local time of whatever zone the tests run in.
  const may6 = new Date(2026, 4, 6, 7, 5, 9)

  test('English puts the year first, as Chinese does: 05/06 cannot be read as 5 June', () => {
    assert.equal(localTime(may6, 'en'), '2026-05-06 07:05:09')
    assert.equal(localTime(new Date(2026, 10, 30, 19, 44, 36), 'en'), '2026-11-30 19:44:36')
  })

  test('a 24-hour clock in both languages, midnight as 00', () => {
    assert.equal(localTime(new Date(2026, 0, 1, 0, 0, 0), 'en'), '2026-01-01 00:00:00')
    assert.equal(localTime(new Date(2026, 0, 1, 0, 0, 0), 'zh-CN'), '2026/01/01 00:00:00')
  })

  test('Chinese as before, with two-digit months and days (the dashboard’s tests read them so)', () => {
    assert.equal(localTime(may6, 'zh-CN'), '2026/05/06 07:05:09')
  })
})
