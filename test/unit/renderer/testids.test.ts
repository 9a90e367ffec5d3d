import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const script = fileURLToPath(new URL('../../../scripts/list-testids.mjs', import.meta.url))
const doc = fileURLToPath(new URL('../../../docs/testing.md', import.meta.url))

test('docs/testing.md lists exactly the data-testids the renderer declares, all <screen>-<element> kebab-case', () => {
  const run = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' })
  assert.equal(run.status, 0, run.stderr)
  assert.match(run.stdout, /lists all \d+ data-testids/)
})

test('a form’s voice, <screen>-error-status, is listed for the candidates’ forms and not for staff’s, which have none (their messages are alerts)', () => {
  const listed = [...readFileSync(doc, 'utf8').matchAll(/^\| `([^`]+)` \|/gm)].map((row) => row[1]!)
  const voices = listed.filter((id) => id.endsWith('-error-status'))
  assert.ok(
    voices.includes('register-error-status') && voices.includes('login-error-status'),
    voices.join(', '),
  )
  assert.deepEqual(
    voices.filter((id) => id.startsWith('supervisor-')),
    [],
  )
})
