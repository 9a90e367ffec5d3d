import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core'
import { fromBase64url } from '../src-common/base64url'
import { createDecipheriv } from 'node:crypto'
import { epochCipher, sealingEpochKey, type SealedBox } from '../src-common/sealing'

/**
 * Opens boxes sealed with src-common/sealing.ts, with @hpke/core only (no hand-written key schedule):
 * - single-shot boxes (interactive requests, and ops queued by kiosks before epochs): HPKE base mode,
 *   DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-128-GCM, info 'etest-kiosk-op-v1';
 * - epoch boxes (queued ops): the epoch's key is exported from an HPKE recipient context set up
 *   once per encapsulated key and kept in a small cache, then AES-256-GCM (node:crypto) opens each box.
 * The recipient key pair is imported once: passing the public key too spares the library deriving
 * it again for every box.
 */
const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes128Gcm() })
const info = new TextEncoder().encode('etest-kiosk-op-v1')

/** Epoch keys kept: a kiosk uses one epoch a minute, so this covers hundreds of kiosks' backlogs. */
const epochCacheSize = 1_024

export interface Opener {
  /** Resolves to the parsed JSON, or undefined when the box does not open (wrong key, tampered, wrong AAD, not JSON). */
  open(box: SealedBox, aad: Uint8Array): Promise<unknown>
}

/** AES-256-GCM of src-common/sealing.ts epochCipher; throws when the box was altered or bound to another op. */
function openEpochBox(key: Uint8Array, n: string, ct: string, aad: Uint8Array): unknown {
  const nonce = fromBase64url(n)
  const data = fromBase64url(ct)
  if (nonce.length !== epochCipher.nonceBytes || data.length < epochCipher.tagBytes) throw new Error('malformed box')
  const decipher = createDecipheriv(epochCipher.name, key, nonce, { authTagLength: epochCipher.tagBytes })
  decipher.setAAD(aad)
  decipher.setAuthTag(data.subarray(data.length - epochCipher.tagBytes))
  const plaintext = Buffer.concat([decipher.update(data.subarray(0, data.length - epochCipher.tagBytes)), decipher.final()])
  return JSON.parse(plaintext.toString('utf8')) as unknown
}

export async function createOpener(privateKey: string, publicKey: string): Promise<Opener> {
  const recipientKey = {
    privateKey: await suite.kem.deserializePrivateKey(fromBase64url(privateKey)),
    publicKey: await suite.kem.deserializePublicKey(fromBase64url(publicKey)),
  }
  // Insertion order is use order (a hit is moved to the end): the first key is the least recently used.
  const epochKeys = new Map<string, Promise<Uint8Array>>()

  function keyOf(enc: string): Promise<Uint8Array> {
    const cached = epochKeys.get(enc)
    if (cached) {
      epochKeys.delete(enc)
      epochKeys.set(enc, cached)
      return cached
    }
    const deriving = sealingEpochKey(recipientKey, enc)
    epochKeys.set(enc, deriving)
    // A malformed encapsulated key is not kept: it would only push out good ones.
    deriving.catch(() => epochKeys.delete(enc))
    while (epochKeys.size > epochCacheSize) {
      const oldest = epochKeys.keys().next().value
      if (oldest === undefined) break
      epochKeys.delete(oldest)
    }
    return deriving
  }

  return {
    async open(box, aad) {
      try {
        if (box.n !== undefined) return openEpochBox(await keyOf(box.enc), box.n, box.ct, aad)
        const plaintext = await suite.open({ recipientKey, enc: fromBase64url(box.enc), info }, fromBase64url(box.ct), aad)
        return JSON.parse(new TextDecoder().decode(plaintext)) as unknown
      } catch {
        return undefined
      }
    },
  }
}
