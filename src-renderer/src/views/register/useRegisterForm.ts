import { computed, reactive, ref } from 'vue'
import type { OpOutcome } from '../../../../src-common/kioskApi'
import {
  asRulesReadIt,
  checkField,
  checkFieldAsync,
  checkMobile,
  idTypeLabels,
  loadPasswordDictionary,
  type CheckedField,
  type IdType,
} from '../../../../src-common/rules'
import { fieldMessagesFor } from '../../../../src-common/rules'
import { useFieldErrors } from '../../composables/useFieldErrors'
import { useOpSubmit } from '../../composables/useOpSubmit'
import { currentLocale } from '../../i18n'
import { useFormAnnouncer } from '../../composables/formAnnouncer'

const fieldNames = ['email', 'mobile', 'password', 'passwordConfirm', 'idType', 'idNumber', 'name', 'smsCode', 'agreed'] as const
type Field = (typeof fieldNames)[number]

/** 注册ETEST通行证: the form, its instant checks (src-common), the confirm dialog and the outcome. */
export function useRegisterForm() {
  const empty = () => ({
    email: '',
    mobile: '',
    password: '',
    passwordConfirm: '',
    idType: 'resident' as IdType,
    idNumber: '',
    name: '',
    smsCode: '',
    agreed: false,
  })
  const form = reactive(empty())
  const fieldErrors = useFieldErrors<Field>(fieldNames)
  const { submit, busy } = useOpSubmit()
  const confirming = ref(false)
  const succeeded = ref(false)
  const receipt = ref<OpOutcome | null>(null)
  const { refuse } = useFormAnnouncer()
  void loadPasswordDictionary()

  const personal = computed(() => ({ mobile: form.mobile, idNumber: form.idNumber, email: form.email, name: form.name }))

  function check(field: Field): boolean {
    if (field === 'agreed') {
      if (form.agreed) fieldErrors.clear('agreed')
      else fieldErrors.errors.agreed = { message: fieldMessagesFor('agreed.required') }
      return form.agreed
    }
    const value = field === 'idType' ? form.idType : form[field]
    return fieldErrors.fromCheck(field, checkField(field as CheckedField, value, { ...personal.value, idType: form.idType, password: form.password }))
  }

  /** 发送验证码: the mobile must be right first (the message says so next to it). */
  async function sendCode() {
    if (!check('mobile')) return null
    const result = await window.kiosk.sms.send({ mobile: form.mobile, purpose: 'register' })
    fieldErrors.fromCodeSend('smsCode', result)
    return result
  }

  /**
   * 注册: every field checked at once (the password against the full dictionary, first: the
   * refusal's messages then all appear together, and are said as one), then the confirm dialog.
   */
  async function review(): Promise<void> {
    const password = await checkFieldAsync('password', form.password, personal.value)
    fieldErrors.clear('form')
    const results = fieldNames.map((field) => check(field))
    fieldErrors.fromCheck('password', password)
    if (results.every(Boolean) && password.ok) confirming.value = true
    else void refuse()
  }

  /**
   * 注册信息确认 shows what will be registered in full, as the rules read it (half-width, X upper
   * case): the candidate is there to catch a typo in the email or mobile they will reset with. It
   * adds nothing to what the form beside it already shows, and nothing of it is stored.
   */
  const normalised = (field: 'email' | 'mobile' | 'idNumber' | 'name') => asRulesReadIt(field, form[field], { idType: form.idType })
  const shown = computed(() => ({
    email: normalised('email'),
    mobile: normalised('mobile'),
    idType: idTypeLabels[form.idType][currentLocale()],
    idNumber: normalised('idNumber'),
    name: normalised('name'),
  }))

  /**
   * Once per confirmation: while the dialog fades out its 确认 keeps the focus and takes another
   * Enter (pressed again, or held down), which would queue the registration twice.
   */
  async function confirm(): Promise<void> {
    if (!confirming.value || busy.value) return
    confirming.value = false
    const mobile = checkMobile(form.mobile)
    if (!mobile.ok) return
    const submitted = await submit({
      kind: 'register',
      payload: {
        email: form.email,
        mobile: form.mobile,
        password: form.password,
        idType: form.idType,
        idNumber: form.idNumber,
        name: form.name,
        smsCode: form.smsCode,
        agreed: true,
      },
    })
    if (submitted.kind === 'done') succeeded.value = true
    else if (submitted.kind === 'receipt') {
      // The receipt replaces the form, and the candidate may leave with it: nothing they typed stays behind it.
      wipe()
      receipt.value = submitted.outcome
    } else {
      fieldErrors.fromError(submitted.error)
      void refuse()
    }
  }

  /** 重新办理 after a refused receipt: back to the form, empty (it was wiped when the receipt came). */
  function startAgain(): void {
    wipe()
    fieldErrors.clear()
    receipt.value = null
  }

  /**
   * Empties the form, and what was worked out from it: a computed keeps the value it last made until
   * it is read again, so `personal` and `shown` (the confirm dialog's) would go on holding the typed
   * email, mobile, ID number and name behind the receipt. Read now, they hold the empty form's.
   */
  function wipe(): void {
    Object.assign(form, empty())
    void personal.value
    void shown.value
  }

  return { form, ...fieldErrors, check, sendCode, review, confirm, confirming, shown, busy, succeeded, receipt, personal, startAgain }
}
