import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
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
  /** Epoch boxes only: the AES-256-GCM nonce, base64url (see createSealer). */
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
 * opens. For the outbox the kiosk instead sets up one HPKE sender context per epoch (at most
 * `maxBoxes` boxes or `maxAgeMs`, whichever comes first), exports a 256-bit key from it, and seals
 * each op with AES-256-GCM under that key, a random 96-bit nonce and the op's AAD (op id and kind).
 * Every box carries the epoch's encapsulated key, so the server opens any box on its own, in any
 * order: it sets the recipient context up once per epoch (cached) and derives the same key. This is
 * the pattern of Oblivious HTTP's responses (RFC 9458 section 4.4): an exported secret keying an AEAD.
 *
 * What it costs in security, and why that is acceptable: the exported key lives in the kiosk's
 * memory for at most one epoch (a minute by default) and is overwritten when the epoch ends; it is
 * never written to disk. Someone who can read the kiosk's memory while an epoch is open could open
 * that epoch's boxes; that attacker also sees every keystroke of the candidates at the screen. At
 * rest nothing changes: kiosk.db holds only ciphertexts that only the central private key opens.
 */
const exportSuite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new ExportOnly() })
const epochInfo = new TextEncoder().encode('etest-kiosk-op-epoch-v1')
const epochExporterContext = new TextEncoder().encode('etest-kiosk-op-key aes-256-gcm')
const epochCipher = 'aes-256-gcm'
const nonceBytes = 12
const tagBytes = 16

export interface SealerLimits {
  /** Boxes sealed under one epoch key (default 1,000; AES-GCM with random nonces allows far more). */
  maxBoxes: number
  /** How long an epoch key may live in memory (default 60 s). */
  maxAgeMs: number
}

export interface Sealer {
  seal(plaintext: unknown, aad: Uint8Array): Promise<SealedBox>
  /** Overwrites the epoch key now (on quit, or when the kiosk is wiped). */
  forget(): void
}

interface Epoch {
  enc: string
  key: Buffer
  boxes: number
  endsAt: number
}

export function createSealer(publicKey: string, limits: Partial<SealerLimits> = {}): Sealer {
  const maxBoxes = limits.maxBoxes ?? 1_000
  const maxAgeMs = limits.maxAgeMs ?? 60_000
  let epoch: Promise<Epoch> | undefined
  let expiry: ReturnType<typeof setTimeout> | undefined

  async function openEpoch(): Promise<Epoch> {
    const recipientPublicKey = await exportSuite.kem.deserializePublicKey(fromBase64url(publicKey))
    const context = await exportSuite.createSenderContext({ recipientPublicKey, info: epochInfo })
    const key = Buffer.from(await context.export(epochExporterContext, 32))
    return { enc: toBase64url(context.enc), key, boxes: 0, endsAt: Date.now() + maxAgeMs }
  }

  function forget(): void {
    const ending = epoch
    epoch = undefined
    if (expiry) clearTimeout(expiry)
    expiry = undefined
    // Boxes already handed their key on have sealed by the time this runs (sealing is synchronous).
    void ending?.then((e) => e.key.fill(0)).catch(() => undefined)
  }

  function startEpoch(): Promise<Epoch> {
    const starting = openEpoch()
    epoch = starting
    starting.catch(() => {
      if (epoch === starting) epoch = undefined
    })
    if (expiry) clearTimeout(expiry)
    expiry = setTimeout(forget, maxAgeMs)
    expiry.unref?.()
    return starting
  }

  /** The epoch to seal the next box under, counted as used. */
  async function current(): Promise<Epoch> {
    for (;;) {
      const pending = epoch ?? startEpoch()
      const e = await pending
      if (e.boxes < maxBoxes && Date.now() < e.endsAt) {
        e.boxes++
        return e
      }
      if (epoch === pending) forget()
    }
  }

  return {
    async seal(plaintext, aad) {
      const e = await current()
      const nonce = randomBytes(nonceBytes)
      const cipher = createCipheriv(epochCipher, e.key, nonce, { authTagLength: tagBytes })
      cipher.setAAD(aad)
      const ct = Buffer.concat([cipher.update(JSON.stringify(plaintext), 'utf8'), cipher.final(), cipher.getAuthTag()])
      return { enc: e.enc, ct: toBase64url(ct), n: toBase64url(nonce) }
    },
    forget,
  }
}

/** The recipient side of an epoch: the key the sender exported, from the encapsulated key. */
export async function epochKey(recipientKey: CryptoKeyPair, enc: string): Promise<Buffer> {
  const context = await exportSuite.createRecipientContext({ recipientKey, enc: fromBase64url(enc), info: epochInfo })
  return Buffer.from(await context.export(epochExporterContext, 32))
}

/** Opens an epoch box with its epoch's key; throws when it was tampered with or bound to another op. */
export function openEpochBox(key: Buffer, box: SealedBox, aad: Uint8Array): unknown {
  if (box.n === undefined) throw new Error('not an epoch box')
  const nonce = fromBase64url(box.n)
  const data = fromBase64url(box.ct)
  if (nonce.length !== nonceBytes || data.length < tagBytes) throw new Error('malformed box')
  const decipher = createDecipheriv(epochCipher, key, nonce, { authTagLength: tagBytes })
  decipher.setAAD(aad)
  decipher.setAuthTag(data.subarray(data.length - tagBytes))
  const plaintext = Buffer.concat([decipher.update(data.subarray(0, data.length - tagBytes)), decipher.final()])
  return JSON.parse(plaintext.toString('utf8'))
}

/** For a recipient holding the private key (tests, tools): opens a single-shot or an epoch box. */
export async function openAny(privateKey: string, publicKey: string, box: SealedBox, aad: Uint8Array): Promise<unknown> {
  if (box.n === undefined) return open(privateKey, box, aad)
  const recipientKey = {
    privateKey: await exportSuite.kem.deserializePrivateKey(fromBase64url(privateKey)),
    publicKey: await exportSuite.kem.deserializePublicKey(fromBase64url(publicKey)),
  }
  return openEpochBox(await epochKey(recipientKey, box.enc), box, aad)
}
