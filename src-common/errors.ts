import { z } from 'zod'

/**
 * The closed list of error codes shared by the server, the kiosk's main process and the renderer.
 * Codes are stable and machine-readable; the messages are what a candidate reads.
 */
export const errorCodes = [
  'ID_OCCUPIED',
  'MOBILE_OCCUPIED',
  'EMAIL_OCCUPIED',
  'BAD_SMS_CODE',
  'SMS_CODE_EXPIRED',
  'SMS_RATE_LIMITED',
  'BAD_EMAIL_CODE',
  'BAD_CAPTCHA',
  'BAD_CREDENTIALS',
  'ACCOUNT_LOCKED',
  'WEAK_PASSWORD',
  'INVALID_FIELD',
  'SESSION_EXPIRED',
  'ACCOUNT_NOT_FOUND',
  'NETWORK_UNAVAILABLE',
  'CENTRAL_UNTRUSTED',
  'VERIFICATION_REQUIRED',
  'NOT_ENROLLED',
  'UNAUTHORIZED',
  'RATE_LIMITED',
  'OP_EXPIRED',
  'OP_NOT_FOUND',
  'BAD_REQUEST',
  'PIN_LOCKED',
  'BAD_PIN',
  'QUEUE_NOT_EMPTY',
  'STORAGE_UNAVAILABLE',
  'INTERNAL',
] as const

export type ErrorCode = (typeof errorCodes)[number]
export const errorCodeSchema = z.enum(errorCodes)

export type Locale = 'zh-CN' | 'en'

export const errorMessages: Record<ErrorCode, Record<Locale, string>> = {
  ID_OCCUPIED: {
    'zh-CN': '该证件号码已被其他账号占用，如非本人操作，请提交信息占用申诉',
    en: 'This ID number is already used by another account. If that was not you, file an information-occupied appeal.',
  },
  MOBILE_OCCUPIED: {
    'zh-CN': '该手机号已被其他账号占用，如非本人操作，请提交信息占用申诉',
    en: 'This mobile number is already used by another account. If that was not you, file an information-occupied appeal.',
  },
  EMAIL_OCCUPIED: {
    'zh-CN': '该电子邮箱已被其他账号占用，如非本人操作，请提交信息占用申诉',
    en: 'This email address is already used by another account. If that was not you, file an information-occupied appeal.',
  },
  BAD_SMS_CODE: { 'zh-CN': '短信验证码不正确，请重新输入', en: 'The SMS code is wrong. Please enter it again.' },
  SMS_CODE_EXPIRED: {
    'zh-CN': '短信验证码已失效，请重新获取',
    en: 'The SMS code has expired. Please request a new one.',
  },
  SMS_RATE_LIMITED: {
    'zh-CN': '验证码发送过于频繁，请稍后再试',
    en: 'Codes were sent too often. Please try again later.',
  },
  BAD_EMAIL_CODE: {
    'zh-CN': '邮箱验证码不正确或已失效，请重新获取',
    en: 'The email code is wrong or has expired. Please request a new one.',
  },
  BAD_CAPTCHA: { 'zh-CN': '验证码不正确，请重新输入', en: 'The verification code is wrong. Please try again.' },
  BAD_CREDENTIALS: {
    'zh-CN': '证件号码或密码不正确',
    en: 'The ID number or password is wrong.',
  },
  ACCOUNT_LOCKED: {
    'zh-CN': '登录失败次数过多，账号已暂时锁定，请稍后再试或重置密码',
    en: 'Too many failed log-ins: the account is locked for a while. Try later or reset the password.',
  },
  WEAK_PASSWORD: {
    'zh-CN': '密码过于简单，请换一个更安全的密码',
    en: 'This password is too easy to guess. Please choose a safer one.',
  },
  INVALID_FIELD: { 'zh-CN': '填写内容有误，请检查后重新提交', en: 'Something entered is not valid. Please check it.' },
  SESSION_EXPIRED: { 'zh-CN': '登录已过期，请重新登录', en: 'Your session has expired. Please log in again.' },
  ACCOUNT_NOT_FOUND: {
    'zh-CN': '未找到对应的ETEST通行证账号，请核对后重新输入',
    en: 'No ETEST passport account was found. Please check what you entered.',
  },
  NETWORK_UNAVAILABLE: {
    'zh-CN': '网络暂不可用，请稍后再试',
    en: 'The network is unavailable. Please try again later.',
  },
  // No answer either, but not the network's fault: the central server's TLS certificate failed
  // verification (expired, for another name, or from an issuer this kiosk does not trust). Staff
  // read that (supervisor.errorTexts); a candidate can do nothing about a certificate.
  CENTRAL_UNTRUSTED: {
    'zh-CN': '暂时无法连接报名服务器，请联系考点工作人员',
    en: "The registration server can't be reached right now. Please ask the exam-centre staff.",
  },
  VERIFICATION_REQUIRED: {
    'zh-CN': '请先完成手机或邮箱验证',
    en: 'Please verify your mobile or email first.',
  },
  NOT_ENROLLED: {
    'zh-CN': '本机尚未完成登记，请联系考点工作人员',
    en: 'This kiosk is not enrolled yet. Please ask the exam-centre staff.',
  },
  // The central server did not accept this kiosk's credential: for staff to fix (supervisor.errorTexts).
  UNAUTHORIZED: {
    'zh-CN': '本机暂时无法办理该业务，请联系考点工作人员',
    en: 'This kiosk cannot handle this request right now. Please ask the exam-centre staff.',
  },
  RATE_LIMITED: { 'zh-CN': '操作过于频繁，请稍后再试', en: 'Too many requests. Please try again later.' },
  OP_EXPIRED: {
    'zh-CN': '该业务提交时间过久，已失效，请重新办理',
    en: 'This request is too old and has expired. Please start again.',
  },
  OP_NOT_FOUND: { 'zh-CN': '未找到该业务，请核对回执编号', en: 'No such request. Please check the receipt code.' },
  // What a candidate reads when the server could not accept what this kiosk sent (on a receipt, too):
  // nothing of theirs to fix, so what to do next.
  BAD_REQUEST: {
    'zh-CN': '该业务未能被受理，请重新办理；如仍不成功，请联系考点工作人员',
    en: 'This request could not be accepted. Please start again; if it fails again, ask the exam-centre staff.',
  },
  PIN_LOCKED: {
    'zh-CN': 'PIN 错误次数过多，请稍后再试',
    en: 'Too many wrong PINs. Please wait and try again.',
  },
  BAD_PIN: { 'zh-CN': 'PIN 不正确', en: 'Wrong PIN.' },
  QUEUE_NOT_EMPTY: {
    'zh-CN': '本机还有业务未办结，请先同步（或撤销）后再重新登记',
    en: 'This kiosk still has requests that are not final. Sync them (or cancel them) before enrolling again.',
  },
  // kiosk.db refused a write (the disk full, read-only, damaged): nothing was saved, and waiting will
  // not mend it. The candidate's form stays on the screen; staff read what to check
  // (supervisor.errorTexts).
  STORAGE_UNAVAILABLE: {
    'zh-CN': '本机暂时无法保存，本次业务未提交，请联系考点工作人员',
    en: "This kiosk can't save right now, so your request was not submitted. Please ask the exam-centre staff.",
  },
  INTERNAL: { 'zh-CN': '系统繁忙，请稍后再试', en: 'Something went wrong. Please try again later.' },
}

/** An error as a value: what crosses every boundary (HTTP, IPC, outbox). */
export const kioskErrorSchema = z.object({
  code: errorCodeSchema,
  /** For INVALID_FIELD and WEAK_PASSWORD: which field, by its name in the payload. */
  field: z.string().max(64).optional(),
  /** For INVALID_FIELD: the id of the rule that failed (a key of fieldMessages in src-common/rules). */
  rule: z.string().max(64).optional(),
  /** Seconds until the caller may try again (rate limits, lockouts). */
  retryAfter: z.number().int().nonnegative().optional(),
  /** For BAD_PIN: wrong PINs still allowed before the pad locks (staff are told before the lock, not by it). */
  triesLeft: z.number().int().nonnegative().optional(),
})
export type KioskError = z.infer<typeof kioskErrorSchema>

export type Result<T> = { ok: true; value: T } | { ok: false; error: KioskError }

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })
export const fail = (code: ErrorCode, extra: Omit<KioskError, 'code'> = {}): { ok: false; error: KioskError } => ({
  ok: false,
  error: { code, ...extra },
})

export function errorMessage(error: KioskError | ErrorCode, locale: Locale): string {
  const code = typeof error === 'string' ? error : error.code
  return errorMessages[code][locale]
}
