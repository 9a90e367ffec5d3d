import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * Turns a secret into a blob that is safe to write to kiosk.db and back. The Electron shell
 * implements it with safeStorage (the OS keychain / DPAPI / libsecret), which is the only
 * implementation that protects against a copied disk. unprotect throws when the blob was not made
 * by this protector (another machine, a tampered file): callers turn that into an error value.
 */
export interface SecretProtector {
  protect(plain: Buffer): Buffer
  unprotect(blob: Buffer): Buffer
}

const formatVersion = 1
const keyBytes = 32
const ivBytes = 12
const tagBytes = 16

/**
 * For tests and plain-Node use: AES-256-GCM with a random key kept in a file (mode 0600) beside the
 * database. It keeps the secrets out of the database file alone (a copied kiosk.db, a backup of it),
 * but anyone who copies the whole data directory has the key too.
 */
export function createKeyFileProtector(keyFile: string): SecretProtector {
  const key = loadOrCreateKey(keyFile)
  return {
    protect(plain) {
      const iv = randomBytes(ivBytes)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const header = Buffer.from([formatVersion])
      cipher.setAAD(header)
      const body = Buffer.concat([cipher.update(plain), cipher.final()])
      return Buffer.concat([header, iv, cipher.getAuthTag(), body])
    },
    unprotect(blob) {
      if (blob.length < 1 + ivBytes + tagBytes || blob[0] !== formatVersion) {
        throw new Error('Not a blob of this secret protector')
      }
      const iv = blob.subarray(1, 1 + ivBytes)
      const tag = blob.subarray(1 + ivBytes, 1 + ivBytes + tagBytes)
      const decipher = createDecipheriv('aes-256-gcm', key, iv)
      decipher.setAAD(blob.subarray(0, 1))
      decipher.setAuthTag(tag)
      return Buffer.concat([decipher.update(blob.subarray(1 + ivBytes + tagBytes)), decipher.final()])
    },
  }
}

function loadOrCreateKey(keyFile: string): Buffer {
  mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 })
  const existing = readKey(keyFile)
  // A key of the wrong length opens nothing: an empty one is what a disk that filled up while the
  // first key was written left behind (wx made the file, the write failed). It stopped every later
  // start ("not a 32-byte key") until someone deleted it by hand. It goes, and a new key is made: the
  // kiosk starts as one whose secrets cannot be read (unenrolled, see README), which staff mend from
  // the wizard. One with something in it (edited, provisioned in another form) is moved aside, not
  // destroyed, for whoever put it there.
  if (existing !== undefined && existing.length !== keyBytes) {
    if (existing.length === 0) rmSync(keyFile, { force: true })
    else renameSync(keyFile, `${keyFile}.bad-${Date.now()}`)
  }
  if (existing === undefined || existing.length !== keyBytes) writeKey(keyFile)
  if (process.platform !== 'win32' && (statSync(keyFile).mode & 0o077) !== 0) chmodSync(keyFile, 0o600)
  const key = readFileSync(keyFile)
  if (key.length !== keyBytes) throw new Error(`${keyFile} is not a ${keyBytes}-byte key`)
  return key
}

function readKey(keyFile: string): Buffer | undefined {
  try {
    return readFileSync(keyFile)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/**
 * A new key, written whole or not at all: it never replaces one that exists ('wx'), or every secret
 * sealed with it would be lost; one cut short by this write (the disk full) is removed at once.
 */
function writeKey(keyFile: string): void {
  let fd: number
  try {
    fd = openSync(keyFile, 'wx', 0o600)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return
    throw error
  }
  try {
    writeFileSync(fd, randomBytes(keyBytes))
    fsyncSync(fd)
  } catch (error) {
    closeSync(fd)
    rmSync(keyFile, { force: true })
    throw error
  }
  closeSync(fd)
}
