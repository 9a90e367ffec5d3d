// Runs every suite the README names and closes with one line that adds them all up:
// "N passed, N failed, N skipped". Usage: node scripts/test-all.mjs [unit|e2e|electron ...]
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

// A path, not a URL's: on Windows, or in a folder with a space or Chinese in its name, the URL's
// pathname is no path (/C:/…, %20).
const root = fileURLToPath(new URL('..', import.meta.url))
const wanted = process.argv.slice(2)
const suites = wanted.length > 0 ? wanted : ['unit', 'e2e', 'electron']
const reportDir = join(root, 'test-results')
mkdirSync(reportDir, { recursive: true })

function findTests(dir, suffix) {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return findTests(path, suffix)
    return name.endsWith(suffix) ? [path] : []
  })
}

function runNodeSuite() {
  const files = ['unit', 'integration', 'faults'].flatMap((d) => findTests(join(root, 'test', d), '.test.ts')).sort()
  if (files.length === 0) return { passed: 0, failed: 0, skipped: 0 }
  const tap = join(reportDir, 'node.tap')
  rmSync(tap, { force: true })
  // Node's default runs one file at a time on 2 cores (one less than the cores): two at once take the
  // suite from about 6.6 to 4-5 minutes on the CI machine. Elsewhere, Node's default.
  const concurrency = Math.max(2, availableParallelism() - 1)
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
    { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
  )
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : ''
  const count = (label) => Number([...text.matchAll(new RegExp(`^# ${label} (\\d+)$`, "gm"))].at(-1)?.[1] ?? 0)
  const counts = { passed: count('pass'), failed: count('fail') + count('cancelled'), skipped: count('skipped') + count('todo') }
  if (result.status !== 0 && counts.failed === 0) counts.failed = 1
  return counts
}

function runPlaywright(project) {
  const json = join(reportDir, `${project}.json`)
  rmSync(json, { force: true })
  const result = spawnSync('npx', ['playwright', 'test', '--project', project, '--reporter=list,json'], {
    cwd: root,
    // npx is npx.cmd on Windows, which only a shell runs.
    shell: process.platform === 'win32',
    stdio: 'inherit',
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: json },
  })
  if (!existsSync(json)) return { passed: 0, failed: 1, skipped: 0 }
  const report = JSON.parse(readFileSync(json, 'utf8'))
  const { stats } = report
  // Say once, on one line, why tests were skipped (e.g. no Electron binary on this machine).
  const reasons = new Set()
  const visit = (suite) => {
    for (const spec of suite.specs ?? [])
      for (const t of spec.tests ?? [])
        for (const a of t.annotations ?? []) if (a.type === 'skip' && a.description) reasons.add(a.description)
    for (const child of suite.suites ?? []) visit(child)
  }
  for (const suite of report.suites ?? []) visit(suite)
  for (const reason of reasons) console.log(`[${project}] skipped: ${reason}`)
  const counts = { passed: stats.expected + stats.flaky, failed: stats.unexpected, skipped: stats.skipped }
  if (result.status !== 0 && counts.failed === 0) counts.failed = 1
  return counts
}

// The browser and preload tests check the built bundles: build them first, as `npm start` would.
const built = spawnSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' })
if (built.status !== 0) {
  console.log('0 passed, 1 failed, 0 skipped')
  process.exit(1)
}

const totals = { passed: 0, failed: 0, skipped: 0 }
for (const suite of suites) {
  const started = Date.now()
  const counts = suite === 'unit' ? runNodeSuite() : runPlaywright(suite)
  const took = Math.round((Date.now() - started) / 1000)
  console.log(`[${suite}] ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped (${took} s)`)
  for (const key of Object.keys(totals)) totals[key] += counts[key]
}
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
process.exit(totals.failed > 0 ? 1 : 0)
