import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { startTestServer } from '../server/kiosk'
import { tempDir } from '../sync/harness'
import { visitorOf } from './mainHeapVisitor'

// Rule 7 (DESIGN.md): nothing of one candidate is reachable by the next. The renderer's heap is
// checked in test/e2e/memory.spec.ts; this is main's. A candidate registers, logs in, changes the
// password, resets it by SMS and is wiped, in a kiosk main of its own process; after full collections
// none of their details is a string in its heap. (Native memory, e.g. a request body's buffer, is not
// in a V8 heap snapshot and is not checked here.)
test("after a visit is wiped, main's heap holds none of the candidate's details", { timeout: 120_000 }, async (t) => {
  // A resend to the same number within the minute (注册, then 重置密码) is not what is tested here.
  const central = await startTestServer({ limits: { perTargetIntervalMs: 0 } })
  t.after(() => central.stop())
  const { dir, cleanup } = tempDir('main-heap-')
  t.after(cleanup)
  const snapshot = join(dir, 'main.heapsnapshot')
  const index = 700_000 + Math.floor(Math.random() * 90_000)
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, 'mainHeapChild.ts'), central.server.url, String(index), snapshot, central.server.createEnrollmentCode('一号机')],
    { stdio: ['ignore', 'inherit', 'pipe'] },
  )
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  assert.equal(code, 0, stderr)

  const { strings } = JSON.parse(readFileSync(snapshot, 'utf8')) as { strings: string[] }
  const visitor = visitorOf(index)
  // The check can fail: the heap holds the strings of what the child kept, e.g. its receipt codes.
  assert.ok(strings.length > 10_000, `a heap snapshot with its strings (${strings.length})`)
  for (const [field, value] of Object.entries(visitor)) {
    const holders = strings.filter((s) => s.includes(value))
    assert.deepEqual(holders.map((s) => s.slice(0, 200)), [], `${field} is still in main's heap`)
  }
})
