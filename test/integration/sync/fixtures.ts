import { createHash } from 'node:crypto'
import type { OperationKind } from '../../../src-common/operations'
import { maskIdNumber, maskMobile, maskName } from '../../../src-common/rules/masking'

/**
 * Valid-looking candidate data for sync tests, distinct per index so that many ops can be queued
 * and every personal value can be searched for in the bytes of kiosk.db afterwards.
 */

const checkWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const checkChars = '10X98765432'

/** A mainland resident ID number (GB 11643) with a correct check character. */
export function residentId(i: number): string {
  const day = 1 + (i % 28)
  const body = `110105${1960 + (i % 40)}${String(1 + (i % 12)).padStart(2, '0')}${String(day).padStart(2, '0')}${String(i % 1000).padStart(3, '0')}`
  let sum = 0
  for (let k = 0; k < 17; k++) sum += Number(body[k]) * (checkWeights[k] as number)
  return body + checkChars[sum % 11]
}

export function mobile(i: number): string {
  return `138${String(i % 100_000_000).padStart(8, '0')}`
}

export function email(i: number): string {
  return `cand${i}.kiosk@example.com`
}

const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭'
const given = '伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂'
export function personName(i: number): string {
  return `${surnames[i % surnames.length]}${given[Math.floor(i / surnames.length) % given.length]}${given[(i * 7 + 3) % given.length]}`
}

/** Random-looking and unique per index, so the common-password check passes and the scan can find it. */
export function password(i: number): string {
  const noise = createHash('sha256').update(`password-${i}`).digest('base64url').replace(/[^A-Za-z0-9]/g, '').slice(0, 10)
  return `${noise}#7a`
}

export function token(i: number): string {
  return `tok-${String(i).padStart(6, '0')}-abcdefghijklmnop`
}

export function smsCode(i: number): string {
  return String(100000 + (i % 900000))
}

export const staff = { staffId: 'S001', staffName: '考点管理员', checkedAt: '2025-01-01T08:00:00.000Z' }

export interface Candidate {
  idNumber: string
  mobile: string
  email: string
  name: string
  password: string
}

export function candidate(i: number): Candidate {
  return { idNumber: residentId(i), mobile: mobile(i), email: email(i), name: personName(i), password: password(i) }
}

export function maskedSummary(c: Candidate): Record<string, string> {
  return { name: maskName(c.name), mobile: maskMobile(c.mobile), idNumber: maskIdNumber(c.idNumber) }
}

/** One valid payload of each kind for candidate i: what the kiosk's screens would submit. */
export function payloadOf(kind: OperationKind, i: number): Record<string, unknown> {
  const c = candidate(i)
  switch (kind) {
    case 'register':
      return { email: c.email, mobile: c.mobile, password: c.password, idType: 'resident', idNumber: c.idNumber, name: c.name, smsCode: smsCode(i), agreed: true }
    case 'resetPassword':
      return { method: 'sms', mobile: c.mobile, smsCode: smsCode(i), newPassword: password(i + 1_000_000) }
    case 'updateProfile':
      return { sessionToken: token(i), email: email(i + 2_000_000), idType: 'resident', idNumber: c.idNumber, name: c.name, smsCode: smsCode(i) }
    case 'changeMobile':
      return { sessionToken: token(i), newMobile: mobile(i + 3_000_000), smsCode: smsCode(i) }
    case 'changePassword':
      return { sessionToken: token(i), oldPassword: c.password, newPassword: password(i + 4_000_000) }
    case 'verifyMobile':
      return { sessionToken: token(i), mobile: c.mobile, smsCode: smsCode(i) }
    case 'verifyEmail':
      return { sessionToken: token(i), email: c.email, emailCode: `E${smsCode(i)}` }
    case 'appeal':
      return {
        occupied: 'mobile',
        idType: 'resident',
        idNumber: c.idNumber,
        name: c.name,
        mobile: c.mobile,
        email: c.email,
        statement: `本人手机号被他人占用，申请核实处理（${i}）`,
        attestation: staff,
      }
  }
}

/** Every sensitive string a payload holds (what must never be found in kiosk.db). */
export function sensitiveValues(kind: OperationKind, i: number): string[] {
  const p = payloadOf(kind, i)
  const out: string[] = []
  for (const [key, value] of Object.entries(p)) {
    if (['idType', 'agreed', 'method', 'occupied'].includes(key)) continue
    if (typeof value === 'string') out.push(value)
  }
  return out
}
