import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const script = fileURLToPath(new URL('../../../scripts/list-testids.mjs', import.meta.url))

test('docs/testing.md lists exactly the data-testids the renderer declares, all <screen>-<element> kebab-case', () => {
  const run = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' })
  assert.equal(run.status, 0, run.stderr)
  assert.match(run.stdout, /lists all \d+ data-testids/)
})
