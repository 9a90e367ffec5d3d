import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core'
import { fromBase64url } from '../src-common/base64url'
import type { SealedBox } from '../src-common/sealing'

/**
 * Opens boxes sealed with src-common/sealing.ts: HPKE (RFC 9180) base mode,
 * DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-128-GCM, info 'etest-kiosk-op-v1', with
 * @hpke/core only (no hand-written key schedule). The recipient key pair is imported once: passing
 * the public key too spares the library deriving it again for every box.
 */
const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes128Gcm() })
const info = new TextEncoder().encode('etest-kiosk-op-v1')

export interface Opener {
  /** Resolves to the parsed JSON, or undefined when the box does not open (wrong key, tampered, wrong AAD, not JSON). */
  open(box: SealedBox, aad: Uint8Array): Promise<unknown>
}

export async function createOpener(privateKey: string, publicKey: string): Promise<Opener> {
  const recipientKey = {
    privateKey: await suite.kem.deserializePrivateKey(fromBase64url(privateKey)),
    publicKey: await suite.kem.deserializePublicKey(fromBase64url(publicKey)),
  }
  return {
    async open(box, aad) {
      try {
        const plaintext = await suite.open({ recipientKey, enc: fromBase64url(box.enc), info }, fromBase64url(box.ct), aad)
        return JSON.parse(new TextDecoder().decode(plaintext)) as unknown
      } catch {
        return undefined
      }
    },
  }
}
