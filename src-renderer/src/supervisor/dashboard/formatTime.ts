import { currentLocale } from '../../i18n'
import { localTime } from './localTime'

/** A moment for staff: local date and time in the current language. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return localTime(date, currentLocale())
}

/** A waiting time in the largest unit that fits, for supervisor.age.* messages. */
export function ageParts(seconds: number): { unit: 'seconds' | 'minutes' | 'hours' | 'days'; n: number } {
  if (seconds < 60) return { unit: 'seconds', n: Math.floor(seconds) }
  if (seconds < 3600) return { unit: 'minutes', n: Math.floor(seconds / 60) }
  if (seconds < 86_400) return { unit: 'hours', n: Math.floor(seconds / 3600) }
  return { unit: 'days', n: Math.floor(seconds / 86_400) }
}
