// Masked display values: what an answer or a log may carry instead of the personal data itself.
// The masks are the shared ones of src-common, so the kiosk and the server show the same thing.
import { maskEmail, maskMobile } from '../src-common/rules'

export { maskEmail, maskIdNumber, maskMobile, maskName } from '../src-common/rules'

/** Mobile or email, whichever it looks like. */
export function maskRecipient(value: string): string {
  return value.includes('@') ? maskEmail(value) : maskMobile(value)
}
