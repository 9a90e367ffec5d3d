import { randomInt } from 'node:crypto'
import { toHalfWidth } from '../src-common/rules/halfWidth'

/**
 * Receipt codes: 8 characters of Crockford base32 (no I, L, O, U), 40 random bits, easy to read out
 * over a counter. Uniqueness on one kiosk is enforced by the outbox's UNIQUE index; the enqueue
 * transaction draws again on the (rare) collision.
 */
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

export const receiptPattern = /^[0-9A-HJKMNP-TV-Z]{8}$/

export function newReceipt(): string {
  // randomInt draws from a buffer Node fills in bulk; randomBytes(5) started a native job on every
  // enqueue, whose handle the next young collection then has to process (see sealer.ts).
  let bits = randomInt(2 ** 40)
  let code = ''
  for (let i = 0; i < 8; i++) {
    code = alphabet[bits % 32] + code
    bits = Math.floor(bits / 32)
  }
  return code
}

/**
 * What a person typed, read the Crockford way: case-insensitive, O->0, I/L->1, dashes and spaces
 * ignored, full-width forms (a Chinese input method's ＸＮＦＹ６Ｔ７８) as their ASCII.
 */
export function normaliseReceipt(input: string): string {
  return toHalfWidth(input)
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1')
}
