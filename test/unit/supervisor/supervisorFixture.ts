import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after } from 'node:test'
import {
  createKeyFileProtector,
  openSupervisorStore,
  type SecretProtector,
  type SupervisorStore,
} from '../../../src-main/services/supervisor/supervisorStore'

/** A kiosk data dir in a temp folder, a clock the test moves by hand, and stores opened on it. */
export interface KioskDir {
  dir: string
  file: string
  protector: SecretProtector
  clock: { now: number; advance(seconds: number): void }
  open(): SupervisorStore
  /** Every byte SQLite has on disk for kiosk.db (main file and WAL), as latin1 text to search in. */
  bytesOnDisk(): string
}

export function kioskDir(): KioskDir {
  const dir = mkdtempSync(join(tmpdir(), 'supervisor-'))
  const stores: SupervisorStore[] = []
  after(() => {
    for (const store of stores) store.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const clock = {
    now: Date.parse('2025-06-14T08:00:00Z'),
    advance(seconds: number) {
      clock.now += seconds * 1000
    },
  }
  const file = join(dir, 'kiosk.db')
  const protector = createKeyFileProtector(join(dir, 'kiosk-secrets.key'))
  return {
    dir,
    file,
    protector,
    clock,
    open() {
      const store = openSupervisorStore({ file, protector, now: () => clock.now })
      stores.push(store)
      return store
    },
    bytesOnDisk() {
      return [file, `${file}-wal`]
        .filter((path) => existsSync(path))
        .map((path) => readFileSync(path).toString('latin1'))
        .join('')
    },
  }
}

/** A kiosk that went through the first-start wizard with this PIN. */
export async function setUpKiosk(
  pin = '482913',
): Promise<KioskDir & { store: SupervisorStore; pin: string }> {
  const kiosk = kioskDir()
  const store = kiosk.open()
  const done = await store.setup.completeSetup({
    kioskName: '一号机',
    examCentre: '北京大学考点',
    centralUrl: 'https://passport.example.cn',
    pin,
  })
  if (!done.ok) throw new Error(`set-up failed: ${done.error.code}`)
  return { ...kiosk, store, pin }
}
