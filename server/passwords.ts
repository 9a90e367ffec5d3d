import argon2 from 'argon2'

/** OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane. Each hash runs on libuv's pool, so hashes run in parallel. */
export const argon2Options = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, argon2Options)
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password)
  } catch {
    return false
  }
}
