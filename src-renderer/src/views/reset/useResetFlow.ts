import { computed, reactive, ref } from 'vue'
import type { OpOutcome } from '../../../../src-common/kioskApi'
import { checkField, checkFieldAsync, fieldMessagesFor, loadPasswordDictionary, toHalfWidth, type FieldCheck, type PersonalInfo, type RuleId } from '../../../../src-common/rules'
import { useFormAnnouncer } from '../../composables/formAnnouncer'
import { useFieldErrors } from '../../composables/useFieldErrors'
import { useOpSubmit } from '../../composables/useOpSubmit'

export type ResetStep = 'start' | 'smsVerify' | 'smsPassword' | 'email'

const fieldNames = ['identifier', 'captcha', 'smsCode', 'emailCode', 'password', 'passwordConfirm'] as const
type Field = (typeof fieldNames)[number]

/** An identifier is a mobile number when it has no @: the site takes either in one field. */
const isEmail = (identifier: string) => identifier.includes('@')
const refused = (rule: RuleId): FieldCheck => ({ ok: false, rule, message: fieldMessagesFor(rule) })
/** Refusals of the SMS code (or of the verification it became) that only a new code can fix. */
const smsCodeErrors: ReadonlySet<string> = new Set(['BAD_SMS_CODE', 'SMS_CODE_EXPIRED', 'VERIFICATION_REQUIRED'])

/**
 * 重置密码: mobile or email + captcha; by mobile, 验证手机验证码 then the new password + captcha; by
 * email, the code from the mailbox + the new password + captcha (or the link, on the candidate's own device).
 */
export function useResetFlow() {
  const step = ref<ResetStep>('start')
  const empty = () => ({ identifier: '', captcha: '', smsCode: '', emailCode: '', password: '', passwordConfirm: '' })
  const form = reactive(empty())
  /** What main answered for the identifier (the mobile or email the code went to). */
  const target = ref('')
  /**
   * What main checks the new password against (operations.ts, resetPassword): by SMS the mobile, by
   * email the address's name. Checked here too, so the candidate hears it before the captcha is spent.
   */
  const personal = computed<PersonalInfo>(() =>
    step.value === 'smsPassword' ? { mobile: target.value } : step.value === 'email' ? { email: target.value } : {},
  )
  const fieldErrors = useFieldErrors<Field>(fieldNames, {
    mobile: 'identifier',
    email: 'identifier',
    newPassword: 'password',
  })
  const { submit, busy } = useOpSubmit()
  const succeeded = ref(false)
  const receipt = ref<OpOutcome | null>(null)
  const { refuse } = useFormAnnouncer()

  /**
   * An email's own rules once it has an @; a mobile's for digits; anything else is neither, and
   * the message names both (a mobile's rule would tell an email typed without @ that letters are
   * not digits).
   */
  function checkIdentifier(): boolean {
    // Decided half-width, as the rules and main decide: a ＠ or １３８ from a Chinese input method is an @ or 138.
    const value = toHalfWidth(form.identifier).trim()
    if (value === '') return fieldErrors.fromCheck('identifier', refused('identifier.required'))
    if (isEmail(value)) return fieldErrors.fromCheck('identifier', checkField('email', value))
    // A + only as the mobile rule's +86 prefix, which the rule itself judges.
    if (/^\+?[\d\s-]+$/.test(value)) return fieldErrors.fromCheck('identifier', checkField('mobile', value))
    return fieldErrors.fromCheck('identifier', refused('identifier.format'))
  }

  function check(field: 'password' | 'passwordConfirm'): boolean {
    return fieldErrors.fromCheck(field, checkField(field, form[field], { ...personal.value, password: form.password }))
  }

  /** Something typed into the picture's code: an empty one is not sent to be called wrong. */
  const captchaTyped = () => form.captcha.trim() !== '' || (fieldErrors.fromCheck('captcha', refused('captcha.required')), false)

  async function start(captcha: { captchaId: string; refresh(): Promise<void> }): Promise<void> {
    if (busy.value) return
    fieldErrors.clear()
    if (!(checkIdentifier() && captchaTyped())) return void refuse()
    busy.value = true
    try {
      await startWith(captcha)
    } finally {
      busy.value = false
    }
  }

  async function startWith(captcha: { captchaId: string; refresh(): Promise<void> }): Promise<void> {
    const result = await window.kiosk.reset.start({ identifier: form.identifier.trim(), captchaId: captcha.captchaId, captcha: form.captcha })
    await captcha.refresh()
    // (SMS_RATE_LIMITED belongs to the code field, which this step does not show: above the form.)
    if (!result.ok) {
      fieldErrors.fromError(result.error, undefined, ['identifier', 'captcha'])
      return void refuse()
    }
    target.value = result.value.identifier
    step.value = result.value.method === 'sms' ? 'smsVerify' : 'email'
    void loadPasswordDictionary()
  }

  async function sendSms() {
    const result = await window.kiosk.sms.send({ mobile: form.identifier.trim(), purpose: 'resetPassword' })
    fieldErrors.fromCodeSend('smsCode', result, ['smsCode'])
    return result
  }

  async function verifySms(): Promise<void> {
    // A second tap while the first is answered would spend the code again and be refused.
    if (busy.value) return
    if (!fieldErrors.fromCheck('smsCode', checkField('smsCode', form.smsCode))) return void refuse()
    busy.value = true
    try {
      const result = await window.kiosk.sms.verify({ mobile: form.identifier.trim(), purpose: 'resetPassword', code: form.smsCode })
      // 返回修改手机号/邮箱 was tapped meanwhile: that step is gone.
      if (step.value !== 'smsVerify') return
      if (!result.ok) {
        fieldErrors.fromError(result.error, 'smsCode', ['smsCode'])
        return void refuse()
      }
      fieldErrors.clear()
      step.value = 'smsPassword'
    } finally {
      busy.value = false
    }
  }

  async function setPassword(captcha: { captchaId: string; refresh(): Promise<void> }): Promise<void> {
    // The full password check first: this refusal's messages then all appear at once, and are said as one.
    const checked = await checkFieldAsync('password', form.password, personal.value)
    fieldErrors.clear('form')
    const byEmail = step.value === 'email'
    const codeOk = byEmail ? fieldErrors.fromCheck('emailCode', checkField('emailCode', form.emailCode)) : true
    const password = fieldErrors.fromCheck('password', checked)
    if (!(codeOk && password && check('passwordConfirm') && captchaTyped())) return void refuse()
    const identifier = form.identifier.trim()
    const payload = byEmail
      ? { method: 'email', email: identifier, emailCode: form.emailCode, newPassword: form.password }
      : { method: 'sms', mobile: identifier, newPassword: form.password }
    const submitted = await submit({ kind: 'resetPassword', payload, captchaId: captcha.captchaId, captcha: form.captcha })
    await captcha.refresh()
    if (submitted.kind === 'done') succeeded.value = true
    else if (submitted.kind === 'receipt') {
      // The receipt replaces the form, and the candidate may leave with it: nothing they typed stays behind it.
      wipe()
      receipt.value = submitted.outcome
    }
    else {
      if (!byEmail && smsCodeErrors.has(submitted.error.code)) {
        // The verified code expired or was refused: its field is on the step before, so back there.
        form.smsCode = ''
        step.value = 'smsVerify'
        fieldErrors.clear()
        fieldErrors.fromError(submitted.error, 'smsCode')
      } else fieldErrors.fromError(submitted.error, undefined, byEmail ? ['emailCode', 'password', 'passwordConfirm', 'captcha'] : ['password', 'passwordConfirm', 'captcha'])
      void refuse()
    }
  }

  /** Back to the first step, the mobile or email kept: to correct it, or to have the code sent again. */
  function restart(): void {
    fieldErrors.clear()
    Object.assign(form, { captcha: '', smsCode: '', emailCode: '', password: '', passwordConfirm: '' })
    target.value = ''
    step.value = 'start'
  }

  /** 重新办理 after a refused receipt: the first step, empty (the form was wiped when the receipt came). */
  function startAgain(): void {
    fieldErrors.clear()
    wipe()
    step.value = 'start'
    receipt.value = null
  }

  /**
   * Empties the form and the mobile or email the code went to. `personal` is read again at once: a
   * computed keeps the value it last made until then, and it would go on holding that mobile or email.
   */
  function wipe(): void {
    Object.assign(form, empty())
    target.value = ''
    void personal.value
  }

  return { step, form, target, personal, ...fieldErrors, checkIdentifier, check, start, sendSms, verifySms, setPassword, restart, startAgain, busy, succeeded, receipt }
}
