import { errorMessage, type KioskError, type Locale } from '../errors'

/**
 * Every rule a field can fail, by a stable id (what main and the server return as `rule` with
 * INVALID_FIELD or WEAK_PASSWORD), with what the candidate reads: the field and how to fix it.
 * `{char}` is replaced by the offending character, `{specials}` by the allowed special characters.
 */
export const passwordSpecials = '!@#%^&*_-'

export const fieldMessages = {
  'password.required': { 'zh-CN': '请输入密码', en: 'Please enter a password.' },
  'password.char': {
    'zh-CN': '密码不能包含字符{char}，只能使用字母、数字和特殊字符 {specials}',
    en: 'The password cannot contain {char}: use only letters, digits and the special characters {specials}',
  },
  'password.length': {
    'zh-CN': '密码长度须为8-18位字符',
    en: 'The password must be 8 to 18 characters long.',
  },
  'password.letter': {
    'zh-CN': '密码须包含至少一个字母',
    en: 'The password must contain at least one letter.',
  },
  'password.digit': {
    'zh-CN': '密码须包含至少一个数字',
    en: 'The password must contain at least one digit.',
  },
  'password.special': {
    'zh-CN': '密码须包含至少一个特殊字符 {specials}',
    en: 'The password must contain at least one special character {specials}',
  },
  'password.personal': {
    'zh-CN': '密码不能使用您的手机号、证件号码、电子邮箱或姓名，请换一个密码',
    en: 'The password must not be built from your mobile number, ID number, email or name. Please choose another.',
  },
  'password.common': {
    'zh-CN': '该密码过于常见，很容易被猜到，请换一个密码',
    en: 'This password is too common and easy to guess. Please choose another.',
  },
  'password.guessable': {
    'zh-CN': '密码过于简单，请避免重复、连续或键盘上相邻的字符',
    en: 'The password is too easy to guess: avoid repeated, sequential or keyboard-neighbour characters.',
  },
  'password.sameAsOld': {
    'zh-CN': '新密码不能与原密码相同',
    en: 'The new password must differ from the old one.',
  },
  'passwordConfirm.mismatch': {
    'zh-CN': '两次输入的密码不一致，请重新输入确认密码',
    en: 'The two passwords do not match. Please type the confirmation again.',
  },

  'idType.required': { 'zh-CN': '请选择证件类型', en: 'Please choose the ID document type.' },
  'idNumber.required': { 'zh-CN': '请输入证件号码', en: 'Please enter the ID number.' },
  'idNumber.char': {
    'zh-CN': '证件号码不能包含字符{char}，只能使用数字和英文字母',
    en: 'The ID number cannot contain {char}: use only digits and letters.',
  },
  'idNumber.format': {
    'zh-CN': '证件号码格式不正确，请核对证件类型和号码',
    en: 'The ID number is not valid. Please check the document type and number.',
  },
  // 登录 has no document type: a number no type's rules accept (a wrong check character) is no account's.
  'idNumber.anyType': {
    'zh-CN': '证件号码有误，请核对后重新输入',
    en: 'This is not a valid ID number. Please check it.',
  },
  'idNumber.residentFormat': {
    'zh-CN': '居民身份证号码须为18位，前17位为数字，最后一位为数字或X',
    en: 'A resident ID number has 18 characters: 17 digits, then a digit or X.',
  },
  'idNumber.residencePermitFormat': {
    'zh-CN':
      '港澳台居民居住证号码须为18位，以810000（香港）、820000（澳门）或830000（台湾）开头，最后一位为数字或X',
    en: 'A Hong Kong/Macao/Taiwan residence permit number has 18 characters starting 810000 (Hong Kong), 820000 (Macao) or 830000 (Taiwan), ending in a digit or X.',
  },
  'idNumber.foreignPermanentFormat': {
    'zh-CN': '外国人永久居留身份证号码须为18位（以9开头，最后一位为数字或X）或15位（3个英文字母加12位数字）',
    en: 'A foreign permanent resident ID number has 18 characters (starting with 9, ending in a digit or X) or 15 (3 letters, then 12 digits).',
  },
  'idNumber.hkMacauPermitFormat': {
    'zh-CN': '港澳居民来往内地通行证号码须为H或M加8位或10位数字，例如 H12345678',
    en: 'A Mainland Travel Permit for Hong Kong and Macao Residents number is H or M followed by 8 or 10 digits, e.g. H12345678.',
  },
  'idNumber.taiwanPermitFormat': {
    'zh-CN': '台湾居民来往大陆通行证号码须为8位或10位数字',
    en: 'A Mainland Travel Permit for Taiwan Residents number has 8 or 10 digits.',
  },
  'idNumber.passportFormat': {
    'zh-CN': '护照号码须为5-17位英文字母或数字',
    en: 'A passport number has 5 to 17 letters or digits.',
  },
  'idNumber.province': {
    'zh-CN': '证件号码前两位不是有效的省级行政区划代码，请核对',
    en: 'The first two digits of the ID number are not a valid province code. Please check the number.',
  },
  'idNumber.birthDate': {
    'zh-CN': '证件号码中的出生日期不是有效日期，请核对',
    en: 'The birth date inside the ID number is not a real date. Please check the number.',
  },
  'idNumber.futureBirthDate': {
    'zh-CN': '证件号码中的出生日期晚于今天，请核对',
    en: 'The birth date inside the ID number is in the future. Please check the number.',
  },
  'idNumber.checkDigit': {
    'zh-CN': '证件号码最后一位（校验码）不正确，请逐位核对号码',
    en: 'The last character (check digit) of the ID number does not match. Please check the number digit by digit.',
  },

  'mobile.required': { 'zh-CN': '请输入手机号', en: 'Please enter a mobile number.' },
  'mobile.char': {
    'zh-CN': '手机号不能包含字符{char}，只能使用数字',
    en: 'The mobile number cannot contain {char}: use digits only.',
  },
  'mobile.format': {
    'zh-CN': '手机号须为11位数字，以13-19开头，例如 13800138000',
    en: 'A mobile number has 11 digits starting with 13 to 19, e.g. 13800138000.',
  },
  'mobile.notAccount': {
    'zh-CN': '该手机号不是本账号绑定的手机号，请核对后重新输入',
    en: "This is not the mobile number of this account. Please check it.",
  },
  'mobile.sameAsCurrent': {
    'zh-CN': '新手机号与当前绑定的手机号相同，无需修改',
    en: 'This is the mobile number the account already has: nothing to change.',
  },

  'email.required': { 'zh-CN': '请输入电子邮箱', en: 'Please enter an email address.' },
  'email.length': {
    'zh-CN': '电子邮箱不能超过254个字符',
    en: 'The email address must be at most 254 characters long.',
  },
  'email.char': {
    'zh-CN': '电子邮箱不能包含字符{char}',
    en: 'The email address cannot contain {char}.',
  },
  'email.format': {
    'zh-CN': '电子邮箱格式不正确，应为 用户名@域名，例如 name@example.com',
    en: 'The email address must look like name@example.com.',
  },
  'email.local': {
    'zh-CN': '电子邮箱@前的用户名不正确：最多64个字符，点号不能在开头、结尾或连续出现',
    en: 'The part before @ is not valid: at most 64 characters, and dots not first, last or doubled.',
  },
  'email.domain': {
    'zh-CN': '电子邮箱@后的域名不正确，例如 qq.com、163.com',
    en: 'The part after @ is not a valid domain, e.g. qq.com or gmail.com.',
  },
  'email.notAccount': {
    'zh-CN': '该电子邮箱不是本账号绑定（或待验证）的邮箱，请核对后重新输入',
    en: "This is not the email address of this account (nor the one waiting to be verified). Please check it.",
  },

  'name.required': { 'zh-CN': '请输入姓名', en: 'Please enter your name.' },
  'name.chineseChar': {
    'zh-CN': '姓名不能包含字符{char}，请填写证件上的中文姓名（少数民族姓名可使用间隔号“·”）',
    en: 'The name cannot contain {char}: enter the Chinese name on the document (a middle dot “·” is allowed).',
  },
  'name.chineseLength': {
    'zh-CN': '姓名须为2-30个汉字',
    en: 'The name must have 2 to 30 Chinese characters.',
  },
  'name.dot': {
    'zh-CN': '姓名中的间隔号“·”不能在开头、结尾或连续出现',
    en: 'The middle dot “·” in a name cannot come first, last or twice in a row.',
  },
  'name.latinChar': {
    'zh-CN': '姓名不能包含字符{char}，请按证件填写英文字母，可使用空格、“-”和“.”',
    en: 'The name cannot contain {char}: enter the name as on the document in Latin letters, with spaces, “-” and “.” allowed.',
  },
  'name.latinLength': {
    'zh-CN': '姓名须为2-60个字符',
    en: 'The name must be 2 to 60 characters long.',
  },
  'name.chineseOrLatin': {
    'zh-CN': '姓名须为中文姓名或证件上的英文姓名',
    en: 'The name must be either a Chinese name or the Latin-letter name on the document.',
  },

  'smsCode.required': { 'zh-CN': '请输入短信验证码', en: 'Please enter the SMS code.' },
  'smsCode.format': { 'zh-CN': '短信验证码须为6位数字', en: 'The SMS code has 6 digits.' },
  'emailCode.required': { 'zh-CN': '请输入邮箱验证码', en: 'Please enter the email code.' },
  'emailCode.format': {
    'zh-CN': '邮箱验证码须为6-12位字母或数字',
    en: 'The email code has 6 to 12 letters or digits.',
  },
  'currentPassword.required': { 'zh-CN': '请输入原密码', en: 'Please enter your current password.' },
  'currentPassword.wrong': { 'zh-CN': '原密码不正确，请重新输入', en: 'The current password is wrong. Please enter it again.' },
  // The picture's code (the web site's 验证码), left empty: not "wrong", since nothing was typed.
  'captcha.required': { 'zh-CN': '请输入验证码', en: 'Please enter the code in the picture.' },
  // 重置密码's one field for either: a mobile (digits only) or an email (with @).
  'identifier.required': { 'zh-CN': '请输入手机号/邮箱', en: 'Please enter your mobile number or email.' },
  'identifier.format': {
    'zh-CN': '请输入正确的手机号/邮箱：手机号为11位数字，邮箱须包含“@”',
    en: 'Please enter a mobile number (11 digits) or an email (with “@”).',
  },
  'statement.length': {
    'zh-CN': '申诉说明须为10-1000个字符，请写明被占用的情况',
    en: 'The appeal statement must be 10 to 1000 characters: describe what happened.',
  },
  'occupied.required': {
    'zh-CN': '请选择被占用的信息：证件号码、手机号或电子邮箱',
    en: 'Please choose what is occupied: the ID number, the mobile number or the email.',
  },
  'agreed.required': {
    'zh-CN': '请阅读并勾选同意《用户服务协议》《用户隐私政策》',
    en: 'Please read and accept the User Service Agreement and the Privacy Policy.',
  },
  'token.format': {
    'zh-CN': '凭证无效，请重新操作',
    en: 'The token is not valid. Please start again.',
  },
} as const satisfies Record<string, Record<Locale, string>>

export type RuleId = keyof typeof fieldMessages
export const ruleIds = Object.keys(fieldMessages) as RuleId[]

/** Parameters of a message, e.g. the character that was rejected. */
export interface RuleParams {
  char?: string
}

export type LocalisedMessage = Record<Locale, string>

function describeChar(ch: string, locale: Locale): string {
  if (ch === ' ') return locale === 'zh-CN' ? '“空格”' : 'a space'
  if (/^[\p{L}\p{N}\p{P}\p{S}]$/u.test(ch)) return `“${ch}”`
  const code = `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
  return locale === 'zh-CN' ? `不可见字符 ${code}` : `the invisible character ${code}`
}

/** The candidate-facing message of a rule, in one locale. */
export function fieldMessage(rule: RuleId, locale: Locale, params: RuleParams = {}): string {
  return fieldMessages[rule][locale]
    .replace('{char}', params.char === undefined ? '' : describeChar(params.char, locale))
    .replace('{specials}', passwordSpecials)
}

/** The candidate-facing message of a rule, in every locale. */
export function fieldMessagesFor(rule: RuleId, params: RuleParams = {}): LocalisedMessage {
  return { 'zh-CN': fieldMessage(rule, 'zh-CN', params), en: fieldMessage(rule, 'en', params) }
}

export function isRuleId(value: string): value is RuleId {
  return Object.hasOwn(fieldMessages, value)
}

/** What a single rule check returns: the normalised value, or the rule that failed. */
export type RuleResult<T = string> = { ok: true; value: T } | { ok: false; rule: RuleId; params?: RuleParams }

export const passed = <T>(value: T): RuleResult<T> => ({ ok: true, value })
export const broken = (
  rule: RuleId,
  params?: RuleParams,
): { ok: false; rule: RuleId; params?: RuleParams } =>
  params === undefined ? { ok: false, rule } : { ok: false, rule, params }

/**
 * Rules that are no field's: a limit of the central server, told apart from the code's general
 * meaning (RATE_LIMITED with this rule is final for the op, not a busy server).
 */
export const limitMessages = {
  'attestedReset.perHour': {
    'zh-CN': '本机一小时内的现场核验重置次数已达上限，请稍后再办理',
    en: 'This kiosk has made as many on-site password resets as it may in an hour. Please try again later.',
  },
  'login.perKioskHour': {
    'zh-CN': '本机一小时内登录失败次数过多，请稍后再试，或联系考点工作人员',
    en: 'Too many failed log-ins on this kiosk in the last hour. Please try again later, or ask the exam-centre staff.',
  },
  // 查询办理进度 after too many receipt codes that found nothing (the kiosk's own limit, and the
  // server's per kiosk): shown with the lock's length when retryAfter is known (receiptLookupsLockedFor).
  'receipt.lookups': {
    'zh-CN': '回执编号查询失败次数过多，查询已暂时锁定，请稍后再试或联系考点工作人员',
    en: 'Too many receipt codes were not found: look-ups are locked for a while. Try later or ask the exam-centre staff.',
  },
  // ops.submit once a visit has queued kioskHandlers' opsPerVisit ops: far more than a candidate
  // needs, so it is a screen gone wrong; staff end the visit (entering supervisor mode does).
  'ops.perVisit': {
    'zh-CN': '本次办理提交的业务数量已达上限，请联系考点工作人员',
    en: 'This visit has submitted as many requests as one visit may. Please ask the exam-centre staff.',
  },
  // ops.submit once candidates have queued kioskOpLimit's opsPerKioskWindow ops on this kiosk in the
  // last hour, across visits: a new visit does not lift it, so the candidate is sent to staff.
  'ops.perKiosk': {
    'zh-CN': '本机一小时内提交的业务过多，暂时不能提交，请联系考点工作人员',
    en: 'Too many requests were submitted on this kiosk in the last hour, and it cannot take more for now. Please ask the exam-centre staff.',
  },
} as const satisfies Record<string, Record<Locale, string>>

export type LimitRule = keyof typeof limitMessages

/**
 * What the candidate reads for an error value from main or the server: the failed rule's own message
 * when there is one (INVALID_FIELD / WEAK_PASSWORD with `rule`, or a limit's), else the code's message.
 * `countedDown`: said beside a 发送验证码 that counts the wait down (codesLimitedFor).
 */
export function kioskErrorMessage(error: KioskError, locale: Locale, countedDown = false): string {
  if (error.rule !== undefined && isRuleId(error.rule)) return fieldMessage(error.rule, locale)
  if (error.code === 'RATE_LIMITED' && error.rule === ('receipt.lookups' satisfies LimitRule) && error.retryAfter) {
    return receiptLookupsLockedFor(error.retryAfter, locale)
  }
  if (error.rule !== undefined && Object.hasOwn(limitMessages, error.rule)) return limitMessages[error.rule as LimitRule][locale]
  if (error.code === 'ACCOUNT_LOCKED' && error.retryAfter) return accountLockedFor(error.retryAfter, locale)
  if (error.code === 'SMS_RATE_LIMITED' && error.retryAfter) return codesLimitedFor(error.retryAfter, locale, countedDown)
  return errorMessage(error, locale)
}

// An appeal the centre did not uphold: the server answers it with the identifier's *_OCCUPIED code,
// whose own message tells the candidate to file an appeal.
const appealNotUpheld = {
  ID_OCCUPIED: {
    'zh-CN': '申诉未通过：经核实，该证件号码仍由其他账号使用。如有疑问，请携带有效证件到考点服务台咨询',
    en: 'Appeal not upheld: the ID number stays with the other account. For questions, bring your ID document to the exam-centre desk.',
  },
  MOBILE_OCCUPIED: {
    'zh-CN': '申诉未通过：经核实，该手机号仍由其他账号使用。如有疑问，请携带有效证件到考点服务台咨询',
    en: 'Appeal not upheld: the mobile number stays with the other account. For questions, bring your ID document to the exam-centre desk.',
  },
  EMAIL_OCCUPIED: {
    'zh-CN': '申诉未通过：经核实，该电子邮箱仍由其他账号使用。如有疑问，请携带有效证件到考点服务台咨询',
    en: 'Appeal not upheld: the email address stays with the other account. For questions, bring your ID document to the exam-centre desk.',
  },
} as const satisfies Record<string, Record<Locale, string>>

/** True for an appeal's refusal by the centre's review (not a problem with the appeal as filed). */
export function isAppealNotUpheld(kind: string | undefined, error: KioskError): boolean {
  return kind === 'appeal' && Object.hasOwn(appealNotUpheld, error.code)
}

/** What a candidate reads for an operation's refusal: kioskErrorMessage, but in the words of its kind where they differ. */
export function opErrorMessage(kind: string | undefined, error: KioskError, locale: Locale): string {
  if (isAppealNotUpheld(kind, error)) return appealNotUpheld[error.code as keyof typeof appealNotUpheld][locale]
  // 修改密码 has no ID number: its wrong credential is the old password (原密码不正确), as its form says.
  if (kind === 'changePassword' && error.code === 'BAD_CREDENTIALS') return fieldMessage('currentPassword.wrong', locale)
  // Its lock comes from wrong old passwords (or log-ins elsewhere): not 登录失败, which it never was here.
  if (kind === 'changePassword' && error.code === 'ACCOUNT_LOCKED' && error.retryAfter) return accountLockedFor(error.retryAfter, locale, 'password')
  return kioskErrorMessage(error, locale)
}

/**
 * A refusal as a receipt says it. A message that tells the candidate to retype a field (请重新输入,
 * 请重新获取…) points at a form that is gone, wiped with what was typed: on a receipt it ends in
 * 请重新办理 instead. Other screens (the form itself, staff's) keep `opErrorMessage`'s own words.
 */
export function receiptErrorMessage(kind: string | undefined, error: KioskError, locale: Locale): string {
  const message = opErrorMessage(kind, error, locale)
  return retypeTail[locale].test(message) ? message.replace(retypeTail[locale], redoTail[locale]) : message
}

const retypeTail: Record<Locale, RegExp> = {
  'zh-CN': /，请(?:核对后|检查后)?(?:重新(?:输入|获取|提交)|换一个)[^，。；]*$/,
  en: / Please (?:enter it again|type the confirmation again|check it|check what you entered|request a new one|try again|choose (?:another|a safer one))\.$/,
}
const redoTail: Record<Locale, string> = { 'zh-CN': '，请重新办理', en: ' Please start again.' }

/**
 * A locked account with how long the lock lasts (the server's retryAfter, in whole minutes). Said as
 * the lock's length, not as "in N minutes": a receipt or the dashboard may show it later.
 */
function accountLockedFor(seconds: number, locale: Locale, after: 'logIns' | 'password' = 'logIns'): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60))
  const why = { logIns: { 'zh-CN': '登录失败次数过多', en: 'Too many failed log-ins' }, password: { 'zh-CN': '密码错误次数过多', en: 'Too many wrong passwords' } }[after]
  return locale === 'zh-CN'
    ? `${why['zh-CN']}，账号已暂时锁定约 ${minutes} 分钟，请稍后再试或重置密码`
    : `${why.en}: the account is locked for about ${minutes} minute${minutes === 1 ? '' : 's'}. Try later or reset the password.`
}

/**
 * A code asked for again too soon (one a minute per mobile or email) or too often (ten a day): how
 * long to wait. 重置密码 by email invites a candidate to go back for the mail again, and without
 * it they tap 下一步 again and again within that minute.
 * Beside a 发送验证码 that counts the wait down (`countedDown`), a wait in seconds points at that
 * countdown instead: a fixed 请 59 秒后再试 under 50秒后重新发送 disagrees with it within seconds.
 * A longer wait (the day's ten codes) keeps 约 N 分钟/小时, which the button's seconds do not say.
 */
function codesLimitedFor(seconds: number, locale: Locale, countedDown = false): string {
  const wait = Math.ceil(seconds)
  const minutes = Math.ceil(wait / 60)
  const hours = Math.ceil(wait / 3600)
  if (countedDown && wait <= 90) {
    return locale === 'zh-CN' ? '验证码发送过于频繁，请待按钮上的倒计时结束后重新发送' : 'Codes were sent too often. Please ask for a new one when the countdown on the button ends.'
  }
  if (locale === 'zh-CN') {
    const span = wait <= 90 ? ` ${wait} 秒` : minutes <= 90 ? `约 ${minutes} 分钟` : `约 ${hours} 小时`
    return `验证码发送过于频繁，请${span}后再试`
  }
  const span = wait <= 90 ? `${wait} second${wait === 1 ? '' : 's'}` : minutes <= 90 ? `about ${minutes} minutes` : `about ${hours} hours`
  return `Codes were sent too often. Please try again in ${span}.`
}

/** 查询办理进度 locked after too many receipt codes that found nothing, said as 登录's lock is (约 N 分钟). */
function receiptLookupsLockedFor(seconds: number, locale: Locale): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60))
  return locale === 'zh-CN'
    ? `回执编号查询失败次数过多，查询已暂时锁定约 ${minutes} 分钟，请稍后再试或联系考点工作人员`
    : `Too many receipt codes were not found: look-ups are locked for about ${minutes} minute${minutes === 1 ? '' : 's'}. Try later or ask the exam-centre staff.`
}
