import { createHash, createHmac, randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateSealingKeyPair } from '../src-common/sealing'
import { toBase64url } from '../src-common/base64url'

export interface ServerKeys {
  keyId: string
  publicKey: string
  privateKey: string
  /** Secret for keyed hashes of codes and tokens (never leaves the data folder). */
  pepper: Buffer
}

function readOrCreate(path: string, create: () => Promise<string> | string): Promise<string> {
  if (existsSync(path)) return Promise.resolve(readFileSync(path, 'utf8').trim())
  return Promise.resolve(create()).then((value) => {
    // wx: never overwrite a key another process wrote meanwhile.
    writeFileSync(path, value + '\n', { mode: 0o600, flag: 'wx' })
    return value
  })
}

function keysOf(pair: { publicKey: string; privateKey: string }, pepperText: string): ServerKeys {
  const keyId = createHash('sha256').update(pair.publicKey).digest('base64url').slice(0, 16)
  return { keyId, publicKey: pair.publicKey, privateKey: pair.privateKey, pepper: Buffer.from(pepperText, 'base64url') }
}

/** The HPKE key pair and the hashing pepper, created on first start in the data folder (files mode 0600). */
export async function loadOrCreateKeys(dataDir: string): Promise<ServerKeys> {
  const pairText = await readOrCreate(join(dataDir, 'sealing-key.json'), async () =>
    JSON.stringify(await generateSealingKeyPair()),
  )
  const pepperText = await readOrCreate(join(dataDir, 'pepper.key'), () => toBase64url(randomBytes(32)))
  return keysOf(JSON.parse(pairText) as { publicKey: string; privateKey: string }, pepperText)
}

/** Fresh keys held in memory only, for a server whose data is in memory (the kiosk's demo mode). */
export async function createMemoryKeys(): Promise<ServerKeys> {
  return keysOf(await generateSealingKeyPair(), toBase64url(randomBytes(32)))
}

export function keyedHash(pepper: Buffer, ...parts: string[]): string {
  return createHmac('sha256', pepper).update(parts.join('\n')).digest('base64url')
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}
