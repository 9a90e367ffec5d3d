// postinstall: build better-sqlite3 for Electron's ABI into native/electron/, apart from the Node
// build that stays in node_modules (tests, sync, server). Main selects it with better-sqlite3's
// nativeBinding option inside Electron, so `npm start` and `npm test` both keep working and nobody
// rebuilds by hand. Never fails the install: where Electron's binary is absent (CI, offline
// machines), it says so and stops.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// A path, not a URL's: on Windows, or in a folder with a space or Chinese in its name, the URL's
// pathname is no path (/C:/…, %20).
const root = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(join(root, 'package.json'))
const target = join(root, 'native', 'electron')
const say = (text) => console.log(`[electron-native] ${text}`)

function electronVersion() {
  try {
    const binary = require('electron')
    if (typeof binary !== 'string' || !existsSync(binary)) return null
    return require('electron/package.json').version
  } catch {
    return null
  }
}

// Run by npm, `npm_config_node_gyp` names the node-gyp npm bundles; run by hand, it is not set and
// node-gyp is no dependency of ours: npm's own copy, beside the node that runs this, is used.
function npmsNodeGyp() {
  const bin = join('node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
  const nodeDir = dirname(process.execPath)
  const found = [join(nodeDir, '..', 'lib', bin), join(nodeDir, bin)].find((path) => existsSync(path))
  if (found === undefined) throw new Error('node-gyp not found: run `npm run postinstall` instead, npm supplies it')
  return found
}

function build(version) {
  const sqliteDir = join(root, 'node_modules', 'better-sqlite3')
  const stamp = `${version} ${require('better-sqlite3/package.json').version} ${process.arch}`
  if (existsSync(join(target, 'stamp')) && readFileSync(join(target, 'stamp'), 'utf8') === stamp) {
    say(`up to date for Electron ${version}`)
    return
  }
  // Work on a copy so node_modules/better-sqlite3 keeps its Node build.
  const work = mkdtempSync(join(tmpdir(), 'kiosk-native-'))
  try {
    cpSync(sqliteDir, work, { recursive: true, filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`) })
    const env = { ...process.env, npm_config_runtime: 'electron', npm_config_target: version }
    try {
      execFileSync(process.execPath, [require.resolve('prebuild-install/bin.js'), '--runtime', 'electron', '--target', version, '--arch', process.arch], { cwd: work, stdio: 'inherit', env })
    } catch {
      say('no prebuilt binary for this Electron: compiling from source')
      const nodeGyp = process.env.npm_config_node_gyp ?? npmsNodeGyp()
      execFileSync(process.execPath, [nodeGyp, 'rebuild', '--release', `--target=${version}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers'], { cwd: work, stdio: 'inherit', env })
    }
    // Loaded once by Electron's own Node before it is kept: a build for the wrong ABI is caught here,
    // not at the kiosk's first start.
    const built = join(work, 'build', 'Release', 'better_sqlite3.node')
    execFileSync(require('electron'), ['-e', `require(${JSON.stringify(built)})`], { stdio: 'inherit', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } })
    mkdirSync(target, { recursive: true })
    cpSync(built, join(target, 'better_sqlite3.node'))
    writeFileSync(join(target, 'stamp'), stamp)
    say(`built better-sqlite3 for Electron ${version} in native/electron/`)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

const version = electronVersion()
if (version === null) {
  say("Electron's binary is not installed: skipping the Electron build of better-sqlite3 (tests run on Node's)")
} else {
  try {
    build(version)
  } catch (error) {
    say(`could not build better-sqlite3 for Electron (${error.message}); run \`npm run postinstall\` with network access (or Python and a C++ compiler)`)
  }
}
