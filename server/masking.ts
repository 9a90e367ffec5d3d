// Masked display values: what an answer or a log may carry instead of the personal data itself.
// (src-common will hold the shared masking rules once issue 3 lands; these follow the same shapes.)

export function maskIdNumber(value: string): string {
  if (value.length <= 8) return value.slice(0, 1) + '*'.repeat(Math.max(value.length - 1, 0))
  return value.slice(0, 4) + '*'.repeat(value.length - 8) + value.slice(-4)
}

export function maskName(value: string): string {
  const chars = [...value]
  return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(chars.length - 1)
}

export function maskMobile(value: string): string {
  return value.length < 7 ? '*'.repeat(value.length) : value.slice(0, 3) + '****' + value.slice(-4)
}

export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@')
  if (at < 1) return '***'
  return value.slice(0, 1) + '***' + value.slice(at)
}

/** Mobile or email, whichever it looks like. */
export function maskRecipient(value: string): string {
  return value.includes('@') ? maskEmail(value) : maskMobile(value)
}
