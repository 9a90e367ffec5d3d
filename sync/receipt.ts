import { randomBytes } from 'node:crypto'

/**
 * Receipt codes: 8 characters of Crockford base32 (no I, L, O, U), 40 random bits, easy to read out
 * over a counter. Uniqueness on one kiosk is enforced by the outbox's UNIQUE index; the enqueue
 * transaction draws again on the (rare) collision.
 */
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

export const receiptPattern = /^[0-9A-HJKMNP-TV-Z]{8}$/

export function newReceipt(): string {
  const bytes = randomBytes(5)
  let bits = 0n
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte)
  let code = ''
  for (let i = 7; i >= 0; i--) code += alphabet[Number((bits >> BigInt(i * 5)) & 31n)]
  return code
}

/** What a person typed, read the Crockford way: case-insensitive, O->0, I/L->1, dashes and spaces ignored. */
export function normaliseReceipt(input: string): string {
  return input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1')
}
