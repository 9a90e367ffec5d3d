import { email, mobile, password, personName, residentId } from '../sync/fixtures'

/**
 * The candidate of mainHeapChild.ts, made from an index: the child makes it, uses it and lets go of
 * it; the test makes it again to look for each value in the child's heap. Built at run time from the
 * index (no value is a literal of any source file, which a heap keeps as script source).
 */
export function visitorOf(i: number) {
  return {
    idNumber: residentId(i),
    mobile: mobile(i),
    email: email(i),
    name: personName(i),
    password: password(i),
    changedPassword: password(i + 1),
    resetPassword: password(i + 2),
  }
}
