import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core'
import { fromBase64url } from '../src-common/base64url'
import type { SealedBox } from '../src-common/sealing'

/**
 * Opens boxes sealed with src-common/sealing.ts (same suite and info). It keeps the imported key
 * pair: sealing.open() re-imports the private key and re-derives the public key on every call,
 * which halves the throughput of POST /v1/ops.
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
