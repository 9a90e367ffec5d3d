import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, ExportOnly, HkdfSha256 } from '@hpke/core'
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
  /** The encapsulated key, base64url (for an epoch box: the epoch's, shared by its boxes). */
  enc: string
  /** The ciphertext, base64url. */
  ct: string
  /** Epoch boxes only (queued ops): the AES-256-GCM nonce, base64url (see openSealingEpoch). */
  n?: string
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

/*
 * Queued operations: HPKE secret export (RFC 9180 section 5.3) in export-only mode, then AES-256-GCM.
 *
 * A single-shot HPKE seal costs an X25519 key generation, a DH and the key schedule: about a
 * millisecond through WebCrypto, on the kiosk for every enqueue and on the server for every op it
 * opens. For the outbox the kiosk instead sets up one HPKE sender context per epoch (a minute or
 * 1,000 ops, whichever comes first: sync/sealer.ts), exports a 256-bit key from it, and seals each
 * op with AES-256-GCM under that key, with the box's number in the epoch as its nonce and the op's
 * AAD (op id and kind). Every box carries the epoch's encapsulated key, so the server opens any box
 * on its own, in any order: it sets the recipient context up once per epoch (cached) and exports the
 * same key (server/opener.ts).
 * This is the pattern of Oblivious HTTP's responses (RFC 9458 section 4.4): an exported secret
 * keying an AEAD. The HPKE part is here; AES-GCM is node:crypto's, on each side (src-common stays
 * free of Node modules, and WebCrypto's asynchronous AES-GCM made enqueue latency jittery).
 *
 * What it costs in security, and why that is acceptable: the exported key lives in the kiosk's
 * memory for at most one epoch and is overwritten when the epoch ends; it is never written to disk.
 * Someone who can read the kiosk's memory while an epoch is open could open that epoch's boxes;
 * that attacker also sees every keystroke of the candidates at the screen. At rest nothing changes:
 * kiosk.db holds only ciphertexts that only the central private key opens.
 */
const exportSuite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new ExportOnly() })
const epochInfo = new TextEncoder().encode('etest-kiosk-op-epoch-v1')
const epochExporterContext = new TextEncoder().encode('etest-kiosk-op-key aes-256-gcm')

/** AES-256-GCM as epoch boxes use it: `ct` is the ciphertext followed by the 16-byte tag. */
export const epochCipher = { name: 'aes-256-gcm', keyBytes: 32, nonceBytes: 12, tagBytes: 16 } as const

export interface SealingEpoch {
  /** The encapsulated key, base64url: every box of the epoch carries it. */
  enc: string
  /** The exported AES-256-GCM key. The holder overwrites it when the epoch ends. */
  key: Uint8Array
}

/** The kiosk side: a new HPKE sender context to the central public key, and the key exported from it. */
export async function openSealingEpoch(publicKey: string): Promise<SealingEpoch> {
  const recipientPublicKey = await importPublicKey(publicKey)
  const context = await exportSuite.createSenderContext({ recipientPublicKey, info: epochInfo })
  return { enc: toBase64url(context.enc), key: new Uint8Array(await context.export(epochExporterContext, epochCipher.keyBytes)) }
}

/** The central side: the key of the epoch whose encapsulated key is `enc` (rejects a malformed one). */
export async function sealingEpochKey(recipientKey: CryptoKeyPair, enc: string): Promise<Uint8Array> {
  const context = await exportSuite.createRecipientContext({ recipientKey, enc: fromBase64url(enc), info: epochInfo })
  return new Uint8Array(await context.export(epochExporterContext, epochCipher.keyBytes))
}
