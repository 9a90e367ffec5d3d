import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from '../../server/index'

/**
 * The reference central server in its own process for benches, so that the kiosk side's CPU and
 * RSS are measured apart from it. SMS limits are raised so a bench can register thousands of
 * candidates from one kiosk. Prints one JSON line { url, publicKey, keyId, code }, then serves
 * until stdin closes.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'bench-central-'))
const server = await startServer({
  port: 0,
  dataDir,
  dev: true,
  logger: false,
  limits: { perTargetIntervalMs: 0, perTargetPerDay: 1_000_000, perKioskPerHour: 1_000_000 },
})
process.stdout.write(`${JSON.stringify({ url: server.url, publicKey: server.publicKey, keyId: server.keyId, code: server.createEnrollmentCode('bench kiosk') })}\n`)
process.stdin.resume()
process.stdin.on('end', () => {
  void server.close().then(() => {
    rmSync(dataDir, { recursive: true, force: true })
    process.exit(0)
  })
})
