import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core'
import { fromBase64url, toBase64url } from './base64url'

/**
 * HPKE (RFC 9180) base mode, DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-128-GCM.
 * The kiosk seals an operation's secret and personal fields to the central API's public key; only
 * the central API can open them. The AAD binds a ciphertext to its op id and kind, so a sealed
 * payload cannot be replayed under another operation.
 */
const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes128Gcm() })
const info = new TextEncoder().encode('etest-kiosk-op-v1')

export const sealingSuiteName = 'DHKEM(X25519,HKDF-SHA256)/HKDF-SHA256/AES-128-GCM'

export interface SealedBox {
  /** The encapsulated key, base64url. */
  enc: string
  /** The ciphertext, base64url. */
  ct: string
}

export interface SealingKeyPair {
  publicKey: string
  privateKey: string
}

export async function generateSealingKeyPair(): Promise<SealingKeyPair> {
  const pair = await suite.kem.generateKeyPair()
  return {
    publicKey: toBase64url(await suite.kem.serializePublicKey(pair.publicKey)),
    privateKey: toBase64url(await suite.kem.serializePrivateKey(pair.privateKey)),
  }
}

/** Imported public keys are cached: importing costs more than sealing one small payload. */
const publicKeys = new Map<string, Promise<CryptoKey>>()
function importPublicKey(publicKey: string): Promise<CryptoKey> {
  let key = publicKeys.get(publicKey)
  if (!key) {
    key = suite.kem.deserializePublicKey(fromBase64url(publicKey))
    publicKeys.set(publicKey, key)
  }
  return key
}

export function sealingAad(opId: string, kind: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${opId}\n${kind}`)
}

export async function seal(publicKey: string, plaintext: unknown, aad: Uint8Array): Promise<SealedBox> {
  const recipientPublicKey = await importPublicKey(publicKey)
  const { ct, enc } = await suite.seal(
    { recipientPublicKey, info },
    new TextEncoder().encode(JSON.stringify(plaintext)),
    aad,
  )
  return { enc: toBase64url(enc), ct: toBase64url(ct) }
}

/** Throws when the box was not sealed to this key or was tampered with: the caller maps that to an error code. */
export async function open(privateKey: string, box: SealedBox, aad: Uint8Array): Promise<unknown> {
  const recipientKey = await suite.kem.deserializePrivateKey(fromBase64url(privateKey))
  const plaintext = await suite.open({ recipientKey, enc: fromBase64url(box.enc), info }, fromBase64url(box.ct), aad)
  return JSON.parse(new TextDecoder().decode(plaintext))
}
