import { createDecipheriv, createHmac, createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from 'node:crypto'
import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core'
import { fromBase64url } from '../src-common/base64url'
import type { SealedBox } from '../src-common/sealing'

/**
 * Opens boxes sealed with src-common/sealing.ts: HPKE (RFC 9180) base mode,
 * DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-128-GCM, info 'etest-kiosk-op-v1'.
 *
 * Why two paths: @hpke/core runs every HKDF step as an async WebCrypto call on libuv's pool, about
 * 0.7 ms per box, and its jobs queue behind argon2's hashes on the same pool. POST /v1/ops must open
 * thousands of boxes a second, so the first try is the same RFC 9180 schedule with node:crypto's
 * synchronous primitives (about 0.1 ms). It cannot accept a wrong box: AES-GCM authenticates the
 * ciphertext under the derived key. Whatever it does not open is retried with @hpke/core, which
 * stays the reference: a box opens if and only if the library opens it.
 */
const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes128Gcm() })
const infoText = 'etest-kiosk-op-v1'
const info = new TextEncoder().encode(infoText)

export interface Opener {
  /** Resolves to the parsed JSON, or undefined when the box does not open (wrong key, tampered, wrong AAD, not JSON). */
  open(box: SealedBox, aad: Uint8Array): Promise<unknown>
}

const i2osp2 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff])
const kemSuiteId = Buffer.concat([Buffer.from('KEM'), i2osp2(0x0020)])
const hpkeSuiteId = Buffer.concat([Buffer.from('HPKE'), i2osp2(0x0020), i2osp2(0x0001), i2osp2(0x0001)])
const version = Buffer.from('HPKE-v1')

const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest()
const labeledExtract = (suiteId: Buffer, salt: Buffer, label: string, ikm: Buffer) =>
  hmac(salt, Buffer.concat([version, suiteId, Buffer.from(label), ikm]))
/** HKDF-Expand for at most one hash block (every length here is <= 32). */
const labeledExpand = (suiteId: Buffer, prk: Buffer, label: string, context: Buffer, length: number) =>
  hmac(prk, Buffer.concat([i2osp2(length), version, suiteId, Buffer.from(label), context, Buffer.from([1])])).subarray(0, length)

export function createFastOpener(privateKey: string, publicKey: string) {
  const recipientPublic = Buffer.from(fromBase64url(publicKey))
  const recipientPrivate: KeyObject = createPrivateKey({
    key: { kty: 'OKP', crv: 'X25519', d: privateKey, x: publicKey },
    format: 'jwk',
  })
  const empty = Buffer.alloc(0)
  const pskIdHash = labeledExtract(hpkeSuiteId, empty, 'psk_id_hash', empty)
  const infoHash = labeledExtract(hpkeSuiteId, empty, 'info_hash', Buffer.from(infoText))
  const keyScheduleContext = Buffer.concat([Buffer.from([0]), pskIdHash, infoHash])

  /** The plaintext, or undefined if the box does not authenticate. */
  return function openSync(box: SealedBox, aad: Uint8Array): Buffer | undefined {
    try {
      const enc = Buffer.from(fromBase64url(box.enc))
      const ct = Buffer.from(fromBase64url(box.ct))
      if (enc.length !== 32 || ct.length < 16) return undefined
      const ephemeral = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: box.enc }, format: 'jwk' })
      const dh = diffieHellman({ privateKey: recipientPrivate, publicKey: ephemeral })
      const eaePrk = labeledExtract(kemSuiteId, empty, 'eae_prk', dh)
      const sharedSecret = labeledExpand(kemSuiteId, eaePrk, 'shared_secret', Buffer.concat([enc, recipientPublic]), 32)
      const secret = labeledExtract(hpkeSuiteId, sharedSecret, 'secret', empty)
      const key = labeledExpand(hpkeSuiteId, secret, 'key', keyScheduleContext, 16)
      const nonce = labeledExpand(hpkeSuiteId, secret, 'base_nonce', keyScheduleContext, 12)
      const decipher = createDecipheriv('aes-128-gcm', key, nonce)
      decipher.setAAD(aad)
      decipher.setAuthTag(ct.subarray(ct.length - 16))
      return Buffer.concat([decipher.update(ct.subarray(0, ct.length - 16)), decipher.final()])
    } catch {
      return undefined
    }
  }
}

export async function createOpener(privateKey: string, publicKey: string): Promise<Opener> {
  const openSync = createFastOpener(privateKey, publicKey)
  const recipientKey = {
    privateKey: await suite.kem.deserializePrivateKey(fromBase64url(privateKey)),
    publicKey: await suite.kem.deserializePublicKey(fromBase64url(publicKey)),
  }
  const parse = (bytes: Uint8Array): unknown => {
    try {
      return JSON.parse(new TextDecoder().decode(bytes)) as unknown
    } catch {
      return undefined
    }
  }
  return {
    async open(box, aad) {
      const fast = openSync(box, aad)
      if (fast) return parse(fast)
      try {
        const plaintext = await suite.open({ recipientKey, enc: fromBase64url(box.enc), info }, fromBase64url(box.ct), aad)
        return parse(new Uint8Array(plaintext))
      } catch {
        return undefined
      }
    },
  }
}
