import { z } from 'zod'

/**
 * Who on the staff is at the kiosk, as the PIN pad asks for it and the audit log records it. One
 * definition for the PIN pad's check, the contract and the log, so that nothing the pad lets through
 * is refused further in with a reason staff cannot see.
 */

/**
 * The supervisor PIN: 6 to 32 digits. The wizard, 修改 PIN and the PIN pad refuse anything else on
 * screen (it is not counted as a wrong PIN); main refuses it again, and counts it (supervisorPin.ts).
 */
export const pinPattern = /^\d{6,32}$/

/** 工号: a letter or digit, then letters, digits and . _ -; at most 32. */
export const staffIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/)

/**
 * 姓名: 1 to 32 characters, no digits or control characters, and not starting with = + - @ (the
 * exported CSV is opened in spreadsheets, which would take such a value for a formula).
 */
export const staffNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .refine((value) => !/[\p{Cc}\p{Nd}]/u.test(value) && !/^[=+\-@]/.test(value), 'not a name')

export type StaffRule = 'staff.required' | 'staff.id' | 'staff.name'

/** The first thing wrong with what staff typed on the PIN pad, or null. */
export function staffProblem(staffId: string, staffName: string): StaffRule | null {
  if (staffId.trim() === '' || staffName.trim() === '') return 'staff.required'
  if (!staffIdSchema.safeParse(staffId).success) return 'staff.id'
  if (!staffNameSchema.safeParse(staffName).success) return 'staff.name'
  return null
}
