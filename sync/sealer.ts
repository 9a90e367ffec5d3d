import { createCipheriv } from 'node:crypto'
import { toBase64url } from '../src-common/base64url'
import { epochCipher, openSealingEpoch, type SealedBox } from '../src-common/sealing'

/**
 * Seals queued operations to the central public key: AES-256-GCM under a key exported from an HPKE
 * context that lasts one epoch (src-common/sealing.ts says why, and what it costs). An epoch ends
 * after `maxBoxes` boxes or `maxAgeMs`, whichever comes first, and its key is then overwritten.
 */
export interface SealerLimits {
  /** Boxes sealed under one epoch key (default 1,000; at most 2^32 - 1, the nonce's counter). */
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

// The nonce's counter is its last 4 bytes.
const maxCounter = 0xffff_ffff

/** `now` is the clock an epoch's age is read from (tests pass their own; the expiry timer is real time). */
export function createSealer(publicKey: string, limits: Partial<SealerLimits> = {}, now: () => number = Date.now): Sealer {
  const maxBoxes = limits.maxBoxes ?? 1_000
  if (!Number.isInteger(maxBoxes) || maxBoxes < 1 || maxBoxes > maxCounter) throw new RangeError(`maxBoxes must be 1 to ${maxCounter}`)
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

  return {
    async seal(plaintext, aad) {
      for (;;) {
        const pending = epoch ?? startEpoch()
        const e = await pending
        // Still this sealer's epoch: forget() (which overwrites the key a moment later) has not run
        // since. From here to the return nothing awaits, so the key stays whole, and the box's number
        // is taken in the same step that counts it: seals that waited for the same epoch each get
        // their own.
        if (epoch === pending && e.boxes < maxBoxes && now() < e.endsAt) {
          const number = ++e.boxes
          // The nonce is the box's number in its epoch (NIST SP 800-38D's deterministic
          // construction): each epoch's key is its own, exported from a new HPKE context, so a number
          // never repeats under one key. A random nonce would do as well, but drawing 12 bytes starts a
          // native job on every enqueue, and each such handle lengthens the next young collection.
          const nonce = Buffer.alloc(epochCipher.nonceBytes)
          nonce.writeUInt32BE(number, epochCipher.nonceBytes - 4)
          const cipher = createCipheriv(epochCipher.name, e.key, nonce, { authTagLength: epochCipher.tagBytes })
          cipher.setAAD(aad)
          const ct = Buffer.concat([cipher.update(JSON.stringify(plaintext), 'utf8'), cipher.final(), cipher.getAuthTag()])
          return { enc: e.enc, ct: toBase64url(ct), n: toBase64url(nonce) }
        }
        // Full, too old, or forgotten while this box waited for it: the next epoch.
        if (epoch === pending) forget()
      }
    },
    forget,
  }
}
