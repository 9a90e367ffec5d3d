import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateSealingKeyPair, type SealingKeyPair } from '../../../src-common/sealing'
import { openOutbox, type Outbox, type OutboxOptions } from '../../../sync/outbox'

/**
 * Memory-backed when the machine has it: the fault schedules test delivery logic over thousands of
 * short-lived databases, and an fsync on a shared CI disk costs more than the whole schedule.
 */
export const memoryTmp = existsSync('/dev/shm') ? '/dev/shm' : tmpdir()

/** A kiosk data directory in the system temp dir (or `base`), removed by cleanup(). */
export function tempDir(prefix = 'kiosk-sync-', base = tmpdir()): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(base, prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

export interface TestOutbox {
  outbox: Outbox
  keys: SealingKeyPair
  dir: string
  file: string
  cleanup: () => void
}

let sharedKeys: Promise<SealingKeyPair> | undefined

/** A real outbox on a real kiosk.db in a temp dir, sealing to a throwaway central key pair. */
export async function makeOutbox(extra: Partial<OutboxOptions> = {}, keys?: SealingKeyPair): Promise<TestOutbox> {
  sharedKeys ??= generateSealingKeyPair()
  const pair = keys ?? (await sharedKeys)
  const { dir, cleanup } = tempDir()
  const file = join(dir, 'kiosk.db')
  const outbox = openOutbox({
    file,
    centralPublicKey: pair.publicKey,
    keyId: 'test-key',
    accountKeySecret: 'per-kiosk-secret-for-tests',
    ...extra,
  })
  return {
    outbox,
    keys: pair,
    dir,
    file,
    cleanup: () => {
      try {
        outbox.close()
      } catch {
        // already closed by the test
      }
      cleanup()
    },
  }
}
