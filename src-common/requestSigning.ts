import { fromBase64url, toBase64url } from './base64url'

/**
 * Kiosk-to-central request authentication: HMAC-SHA256 with the kiosk's own secret (issued once at
 * enrolment) over method, path, timestamp, nonce and a SHA-256 of the body. The server rejects a
 * timestamp outside the allowed skew and any nonce it has already seen, so a captured request
 * cannot be replayed.
 */
export const signatureHeaders = {
  kioskId: 'x-kiosk-id',
  timestamp: 'x-kiosk-timestamp',
  nonce: 'x-kiosk-nonce',
  signature: 'x-kiosk-signature',
} as const

/** How far a request's timestamp may be from the server's clock. */
export const maxClockSkewMs = 5 * 60 * 1000

/**
 * How close the kiosk's clock must be to the server's to be taken as right (the Date header's
 * one-second grain and a trip's worth of margin), and how far a wall clock must move to have been set.
 */
export const clockGrainMs = 2_000

export interface SignatureInput {
  method: string
  /** Path with query string, as sent (e.g. /v1/ops). */
  path: string
  timestamp: number
  nonce: string
  body: string
}

async function sha256(text: string): Promise<string> {
  return toBase64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
}

async function canonical(input: SignatureInput): Promise<string> {
  return [input.method.toUpperCase(), input.path, String(input.timestamp), input.nonce, await sha256(input.body)].join('\n')
}

/** Imported keys are kept: importing costs more than one MAC, and a kiosk signs every request. */
const hmacKeys = new Map<string, Promise<CryptoKey>>()
const maxCachedKeys = 1000

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret)
  if (!key) {
    key = crypto.subtle.importKey('raw', fromBase64url(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
    if (hmacKeys.size >= maxCachedKeys) hmacKeys.delete(hmacKeys.keys().next().value!)
    hmacKeys.set(secret, key)
  }
  return key
}

export async function signRequest(secret: string, input: SignatureInput): Promise<string> {
  const key = await hmacKey(secret)
  return toBase64url(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(await canonical(input))))
}

/** Constant-time by construction: WebCrypto's verify compares the MACs. */
export async function verifyRequest(secret: string, input: SignatureInput, signature: string): Promise<boolean> {
  let mac: Uint8Array<ArrayBuffer>
  try {
    mac = fromBase64url(signature)
  } catch {
    return false
  }
  const key = await hmacKey(secret)
  return crypto.subtle.verify('HMAC', key, mac, new TextEncoder().encode(await canonical(input)))
}

export function newNonce(): string {
  return toBase64url(crypto.getRandomValues(new Uint8Array(16)))
}
