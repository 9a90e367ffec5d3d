import { createCipheriv, randomBytes } from 'node:crypto'
import { toBase64url } from '../src-common/base64url'
import { epochCipher, openSealingEpoch, type SealedBox } from '../src-common/sealing'

/**
 * Seals queued operations to the central public key: AES-256-GCM under a key exported from an HPKE
 * context that lasts one epoch (src-common/sealing.ts says why, and what it costs). An epoch ends
 * after `maxBoxes` boxes or `maxAgeMs`, whichever comes first, and its key is then overwritten.
 */
export interface SealerLimits {
  /** Boxes sealed under one epoch key (default 1,000; random 96-bit nonces allow far more). */
  maxBoxes: number
  /** How long an epoch key may live in memory (default 60 s). */
  maxAgeMs: number
}

export interface Sealer {
  seal(plaintext: unknown, aad: Uint8Array): Promise<SealedBox>
  /** Ends the epoch now and overwrites its key (the outbox calls it when it closes). */
  forget(): void
}

interface Epoch {
  enc: string
  key: Uint8Array
  boxes: number
  endsAt: number
}

/** `now` is the clock an epoch's age is read from (tests pass their own; the expiry timer is real time). */
export function createSealer(publicKey: string, limits: Partial<SealerLimits> = {}, now: () => number = Date.now): Sealer {
  const maxBoxes = limits.maxBoxes ?? 1_000
  const maxAgeMs = limits.maxAgeMs ?? 60_000
  let epoch: Promise<Epoch> | undefined
  let expiry: ReturnType<typeof setTimeout> | undefined

  function forget(): void {
    const ending = epoch
    epoch = undefined
    if (expiry) clearTimeout(expiry)
    expiry = undefined
    // Sealing under a key is synchronous once the epoch is open, so no box is midway through it.
    void ending?.then((e) => e.key.fill(0)).catch(() => undefined)
  }

  function startEpoch(): Promise<Epoch> {
    const starting = openSealingEpoch(publicKey).then(({ enc, key }) => ({ enc, key, boxes: 0, endsAt: now() + maxAgeMs }))
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
      if (e.boxes < maxBoxes && now() < e.endsAt) {
        e.boxes++
        return e
      }
      if (epoch === pending) forget()
    }
  }

  return {
    async seal(plaintext, aad) {
      const e = await current()
      // From here to the return nothing awaits: forget() cannot overwrite the key halfway.
      const nonce = randomBytes(epochCipher.nonceBytes)
      const cipher = createCipheriv(epochCipher.name, e.key, nonce, { authTagLength: epochCipher.tagBytes })
      cipher.setAAD(aad)
      const ct = Buffer.concat([cipher.update(JSON.stringify(plaintext), 'utf8'), cipher.final(), cipher.getAuthTag()])
      return { enc: e.enc, ct: toBase64url(ct), n: toBase64url(nonce) }
    },
    forget,
  }
}
