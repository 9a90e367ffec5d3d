/**
 * One audit entry's detail as staff read it: 回执编号 TM1XKE58 · 撤销原因：重复提交 rather than
 * `opId: 01a2…, reason: duplicate`. The stored entry and the CSV keep the raw keys; this is display only.
 * A key this file does not know yet is still shown, as `key: value`.
 */
interface Translate {
  t: (key: string, named?: Record<string, unknown>) => string
  te: (key: string) => boolean
}

const base = 'supervisor.audit.details'

function label({ t, te }: Translate, group: string, value: unknown): string {
  const key = `${group}.${String(value)}`
  return te(key) ? t(key) : String(value)
}

function settingPart(i18n: Translate, key: unknown, value: unknown): string {
  const { t, te } = i18n
  const nameKey = [`supervisor.settings.${String(key)}`, `${base}.settings.${String(key)}`].find((k) => te(k))
  const name = nameKey ? t(nameKey) : String(key)
  let shown: string
  if (key === 'defaultLocale') shown = label(i18n, 'supervisor.settings.locales', value)
  else if (key === 'centralUrl' && value === null) shown = t(`${base}.demoCentral`)
  else if (key === 'accountKey' && value === 'renewed') shown = t(`${base}.accountKeyRenewed`)
  else if (key === 'enrolment') shown = value === null ? t(`${base}.enrolmentCleared`) : t(`${base}.kioskId`, { id: String(value) })
  else shown = String(value)
  return t(`${base}.setting`, { name, value: shown })
}

export function describeAuditDetail(action: string, detail: Record<string, unknown>, i18n: Translate): string {
  const { t } = i18n
  const parts: string[] = []
  const rest = { ...detail }
  const take = (key: string): unknown => {
    const value = rest[key]
    delete rest[key]
    return value
  }
  const receipt = take('receipt')
  const opId = take('opId')
  if (receipt !== undefined) parts.push(t(`${base}.receipt`, { receipt: String(receipt) }))
  else if (opId !== undefined) parts.push(t(`${base}.opId`, { id: String(opId) }))
  if (action === 'cancel' && 'reason' in rest) parts.push(t(`${base}.cancelReason`, { reason: label(i18n, 'supervisor.cancelReasons', take('reason')) }))
  if (action === 'leave' && 'reason' in rest) parts.push(label(i18n, `${base}.leave`, take('reason')))
  if (action === 'quit' && 'to' in rest) parts.push(label(i18n, `${base}.quit`, take('to')))
  if (action === 'setup' && 'demo' in rest) parts.push(t(take('demo') === true ? `${base}.setupDemo` : `${base}.setupCentral`))
  if (action === 'wrongPin' && 'failures' in rest) parts.push(t(`${base}.failures`, { n: String(take('failures')) }))
  if (action === 'lockout' && 'seconds' in rest) {
    take('lock')
    parts.push(t(`${base}.lockedFor`, { seconds: String(take('seconds')) }))
  }
  if (action === 'settingChanged' && 'key' in rest) parts.push(settingPart(i18n, take('key'), take('value')))
  for (const [key, value] of Object.entries(rest)) parts.push(`${key}: ${String(value)}`)
  return parts.join(' · ')
}
