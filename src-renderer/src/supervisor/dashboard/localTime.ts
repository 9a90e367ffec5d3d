import type { Locale } from '../../../../src-common/errors'

const format = new Intl.DateTimeFormat('en', {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  // Not hour12: false, which some ICU versions read as h24 (midnight as 24:00:00).
  hourCycle: 'h23',
})

/**
 * A moment in the kiosk's local time, year first and every field two digits, in both languages:
 * 2026/05/06 07:05:09 and 2026-05-06 07:05:09. English's own order (5/6/2026) reads as 5 June to
 * much of the world, on a screen whose staff switch languages; and a month or day of one digit in
 * Chinese (2026/5/6) made the times of one list jump in width.
 */
export function localTime(date: Date, locale: Locale): string {
  const parts = Object.fromEntries(format.formatToParts(date).map(({ type, value }) => [type, value]))
  const day = [parts.year, parts.month, parts.day].join(locale === 'zh-CN' ? '/' : '-')
  return `${day} ${parts.hour}:${parts.minute}:${parts.second}`
}
