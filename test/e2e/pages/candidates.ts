import { gb11643CheckChar } from '../../../src-common/rules'

/** A made-up candidate with valid details; `n` keeps ID numbers and mobiles apart within one test. */
export function candidate(n = 1) {
  const first17 = `11010119900307${String(100 + n).padStart(3, '0')}`
  return {
    email: `wang${n}@example.com`,
    mobile: `1380013${String(8000 + n).padStart(4, '0')}`,
    password: 'Tq7#mLp2xZ',
    idType: 'resident' as const,
    idNumber: first17 + gb11643CheckChar(first17),
    name: '王小明',
  }
}
export type Candidate = ReturnType<typeof candidate>

/** `text` as a Chinese input method in full-width mode types it (１３８, ＠): the rules read it half-width. */
export const fullWidth = (text: string) => text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
