import { existsSync } from 'node:fs'
import { isIP } from 'node:net'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { decideAppeal, listAppeals } from './appeals'
import { backupDataFolder } from './backup'
import type { DataFolderInUse, LockFileDamaged } from './dataFolderLock'
import { openDatabaseForCommand } from './database'
import { cancelEnrollmentCode, listEnrollmentCodes, listKiosks, revokeKiosk } from './enrollment'
import { localTime } from './localTime'
import { createEnrollmentCode, isCheckOwed, isDamage, startServer, type RunningServer, type StartOptions } from './index'

const usage = `Usage:
  npm run server -- [--port 8787] [--host 127.0.0.1] [--data ./central-data] [--dev]
                    [--attested-per-hour 20] [--failed-logins-per-hour 100] [--receipt-misses-per-hour 120]
                    [--trust-proxy <address of the TLS proxy>[,<another>]]
  npm run server -- enroll-kiosk --name "<hall>" [--data ./central-data]
  npm run server -- enrollment-codes list [--data ./central-data]
                    (the codes not used yet, by id, never the code itself; expired ones too)
  npm run server -- enrollment-codes cancel <id, or the code> [--data ./central-data]
  npm run server -- kiosks list [--data ./central-data]
  npm run server -- kiosks revoke <kiosk id> [--data ./central-data]
  npm run server -- backup <new folder> [--data ./central-data]
  npm run server -- appeals list [--status pending|accepted|rejected] [--data ./central-data]
  npm run server -- appeals accept <appeal id> [--data ./central-data]
  npm run server -- appeals reject <appeal id> [--data ./central-data]

Times are the server machine's local time with its offset from UTC (+08:00 is Beijing time).
Environment: SMTP_URL, SMTP_FROM (email), PUBLIC_URL (the reset link's base), LOG_LEVEL (pino).
Run under a supervisor that restarts it: it exits with code 70 when the disk refuses a commit.`

/**
 * A kiosk's name as the kiosk sent it at enrolment, made safe for the administrator's terminal:
 * control characters (a line break, a carriage return, ESC sequences) and bidirectional controls
 * (overrides, isolates, and the marks LRM, RLM and ALM) are shown as \u escapes. Otherwise a kiosk
 * could print a line of its own into `kiosks list` (another kiosk id marked "revoked", say) or
 * rewrite what the terminal shows.
 */
function printable(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

const appealStatuses = ['pending', 'accepted', 'rejected']

function fail(message: string): never {
  console.error(message)
  console.error(usage)
  process.exit(2)
}

/** The error's code (a Node system error's, SQLite's), if it has one. */
const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/**
 * What the operator reads when the server, or a command, cannot open its data or its port: what is
 * wrong, where, and what to do, instead of a stack trace. Undefined for anything else (a bug: its
 * stack is printed).
 */
function explainStartFailure(error: unknown, where: { dataDir: string; host?: string; port?: number }): string | undefined {
  const explained = explainFailure(error, where)
  // server.pid stays (index.ts): said, so that a slower next start is expected.
  return explained !== undefined && isCheckOwed(error)
    ? `${explained}. The last server on this folder did not stop cleanly: the next start checks central.db first (quick_check)`
    : explained
}

function explainFailure(error: unknown, where: { dataDir: string; host?: string; port?: number }): string | undefined {
  const folder = resolve(where.dataDir)
  const database = join(folder, 'central.db')
  const said = error instanceof Error ? ` (${error.message})` : ''
  if (isDamage(error)) {
    return `${database} is damaged or is not a central database${said}. Nothing was changed. Restore the data folder from its backup: start the server with --data on a folder made by 'npm run server -- backup', and keep this folder as it is for support`
  }
  // SQLite's extended codes (SQLITE_READONLY_DIRECTORY, SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_WRITE...)
  // say what the primary one says, more precisely.
  switch (codeOf(error)?.replace(/^(SQLITE_[A-Z]+)_[A-Z_]+$/, '$1')) {
    case 'DATA_FOLDER_IN_USE': {
      // One server per data folder (dataFolderLock.ts): the operator's second start, or a supervisor's.
      const pid = (error as DataFolderInUse).pid
      const stop = pid === undefined ? 'Ctrl-C where it runs, or stop its service' : `Ctrl-C where it runs, or kill ${pid}`
      return `the data folder ${folder} is in use by another server${pid === undefined ? '' : ` (pid ${pid})`}: stop that server first (${stop}), or give this one another --data`
    }
    case 'LOCK_FILE_DAMAGED': {
      const { lockFile } = error as LockFileDamaged
      return `${error instanceof Error ? error.message : lockFile}: it holds no data, and central.db was not opened. Check that no server runs on ${folder}, delete ${lockFile}, then start again`
    }
    case 'SCHEMA_OLDER':
      return `${database} is older than this checkout${said}: start the server from this checkout once (it brings the database up to date), then run the command again`
    case 'EADDRINUSE':
      return `port ${where.port} on ${where.host} is already in use, by another program or by this server already running: stop that one, or choose another --port`
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `--host ${where.host} is not an address of this machine: give one of its addresses (default 127.0.0.1)`
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return `${database} is locked by another program${said}: wait for it to finish, or stop it, then try again`
    case 'SQLITE_IOERR':
      // A read too (the check after an unclean stop reads every page): not a matter of permissions.
      return `the disk failed reading or writing ${database}${said}: check the disk (the system log names its errors) and that it has room, then try again`
    case 'SQLITE_READONLY':
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_FULL':
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
    case 'ENOSPC':
      return where.port !== undefined && codeOf(error) === 'EACCES' && (error as { syscall?: string }).syscall === 'listen'
        ? `no permission to listen on port ${where.port}: choose a port above 1023 with --port`
        : `cannot write to the data folder ${folder}${said}: make it writable by this user and check the disk has room, then try again`
    case 'ENOENT':
      if ((error as { syscall?: string }).syscall !== 'mkdir') return undefined
      return `cannot make the data folder ${folder}${said}: check the path, and that its parent is writable by this user`
    case 'EEXIST':
    case 'ENOTDIR':
      return `--data ${folder} is not a folder: give the data folder (the one that holds central.db)`
    default:
      return undefined
  }
}

/**
 * Why the server stopped at a refused commit (exit 70), for the operator and the supervisor's log.
 * A damaged database is told apart: restarting does not mend it, and the next start on the folder
 * finds the damage and stops there (index.ts checks it after a stop that was not clean).
 */
function explainCommitFailure(error: unknown, dataDir: string): string {
  const database = join(resolve(dataDir), 'central.db')
  const said = error instanceof Error ? ` (${error.message})` : ''
  if (isDamage(error)) {
    return `${database} is damaged${said}: the server stopped (exit 70), and a restart on this folder stops again. Restore it from its last backup: start the server with --data on a folder made by 'npm run server -- backup', and keep this folder as it is for support`
  }
  return `the disk refused a commit to ${database}${said}: the server stopped (exit 70) and answered nothing of it; the kiosks keep those ops and send them again. Check the disk (room, errors), then start the server again`
}

/**
 * The data folder of a running (or once started) server: the administrator's commands never make
 * a new one. A mistyped --data would otherwise get a fresh, empty database, so that enroll-kiosk
 * printed a code no server knows, kiosks list said "no kiosks" and revoke "no active kiosk".
 */
function requireDatabase(dataDir: string): void {
  if (existsSync(join(dataDir, 'central.db'))) return
  console.error(`no central database in ${resolve(dataDir)}: check --data (the server makes central.db there when it first starts)`)
  process.exit(1)
}

async function main(): Promise<void> {
  const { values, positionals } = parseCommandLine()
  if (values.help) {
    console.log(usage)
    return
  }
  const [command, ...rest] = positionals
  const dataDir = values.data
  if (command !== undefined && ['enroll-kiosk', 'enrollment-codes', 'kiosks', 'appeals', 'backup'].includes(command)) {
    requireDatabase(dataDir)
    try {
      await runCommand(command, rest, values)
    } catch (error) {
      const explained = explainStartFailure(error, { dataDir })
      if (explained === undefined) throw error
      console.error(explained)
      process.exit(1)
    }
    return
  }
  if (command !== undefined) fail(`unknown command ${command}`)
  await runServer(values)
}

function parseCommandLine() {
  try {
    return parseCommandLineOrThrow()
  } catch (error) {
    // An unknown or mistyped option, or one without its value: node's own words, first line only.
    if (codeOf(error)?.startsWith('ERR_PARSE_ARGS')) fail((error as Error).message.split(/\n|(?<=\.) To specify/)[0]!)
    throw error
  }
}

function parseCommandLineOrThrow() {
  return parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string', default: './central-data' },
      dev: { type: 'boolean', default: false },
      'attested-per-hour': { type: 'string' },
      'failed-logins-per-hour': { type: 'string' },
      'receipt-misses-per-hour': { type: 'string' },
      'trust-proxy': { type: 'string' },
      name: { type: 'string' },
      status: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  })
}

type Options = ReturnType<typeof parseCommandLineOrThrow>['values']

/** enroll-kiosk, kiosks …, appeals …, backup: the administrator's commands on the data folder. */
async function runCommand(command: string, rest: string[], values: Options): Promise<void> {
  const dataDir = values.data
  if (command === 'backup') {
    const [target, ...extra] = rest
    if (!target) fail('backup needs the folder to copy into: backup <new folder>')
    if (extra.length > 0) fail(`backup takes one folder: quote a path with spaces, backup "${rest.join(' ')}"`)
    let result: ReturnType<typeof backupDataFolder>
    try {
      result = backupDataFolder(dataDir, target)
    } catch (error) {
      // Mostly about the copy (a full or read-only disk there, a target that is a file), sometimes the
      // data folder (read-only, without the -shm a reader needs): the system's words say which. The
      // data folder is only read; nothing of the copy is left behind.
      const why = error instanceof Error ? error.message.split('\n')[0] : String(error)
      console.error(`could not back up ${resolve(dataDir)} to ${resolve(target)}: ${why}. No copy was left there; the data folder is unchanged`)
      process.exit(1)
    }
    if (!result.ok) {
      console.error(
        result.reason === 'target-not-empty'
          ? `${resolve(target)} is not empty: back up into a new folder, never over another backup`
          : result.reason === 'target-unfinished'
            ? `${resolve(target)} holds an unfinished backup (.partial-* files, from a backup that was stopped): delete them, or back up into a new folder`
            : `${resolve(dataDir)} has no sealing-key.json or pepper.key: start the server on it once, or restore them from a backup`,
      )
      process.exit(1)
    }
    console.log(`backed up ${resolve(dataDir)} to ${resolve(target)}: to restore, start the server with --data ${resolve(target)}`)
    return
  }
  if (command === 'enroll-kiosk') {
    if (!values.name?.trim()) fail('enroll-kiosk needs --name "<hall>"')
    // --name Hall A unquoted: the code would be for "Hall", and "A" dropped without a word.
    if (rest.length > 0) fail(`enroll-kiosk takes one name: quote a name with spaces, --name "${[values.name, ...rest].join(' ')}"`)
    const code = createEnrollmentCode(dataDir, values.name.trim())
    console.log(`enrolment code for "${values.name.trim()}" (one use, valid 24 h): ${code}`)
    return
  }

  if (command === 'kiosks') {
    const [action, id] = rest
    if (action !== 'list' && !(action === 'revoke' && id)) fail('kiosks needs list or revoke <kiosk id>')
    const db = openDatabaseForCommand(dataDir, action === 'list' ? 'read' : 'write')
    try {
      if (action === 'list') {
        const kiosks = listKiosks(db)
        if (kiosks.length === 0) console.log('no kiosks')
        for (const k of kiosks) {
          const status = k.revokedAt === null ? 'active' : `revoked ${localTime(k.revokedAt)}`
          console.log(`${k.id}  ${status.padEnd(33)}  enrolled ${localTime(k.createdAt)}  ${printable(k.name)}`)
        }
        return
      }
      if (!revokeKiosk(db, id!)) {
        const known = listKiosks(db).find((k) => k.id === id)
        console.error(
          known?.revokedAt
            ? `kiosk ${id} was already revoked (${localTime(known.revokedAt)}): nothing changed`
            : `no kiosk ${id}: give its whole id, as kiosks list shows it`,
        )
        process.exitCode = 1
        return
      }
      console.log(`kiosk ${id} revoked: its requests are refused from now on`)
      return
    } finally {
      db.close()
    }
  }

  if (command === 'enrollment-codes') {
    // A code read out from paper is typed in its groups, unquoted: the words are one code (the spaces
    // go, as at enrolment).
    const [action, ...words] = rest
    const ref = words.join(' ')
    if (action !== 'list' && !(action === 'cancel' && ref)) {
      fail('enrollment-codes needs list, or cancel <id> (as the list shows it, or the code itself)')
    }
    const db = openDatabaseForCommand(dataDir, action === 'list' ? 'read' : 'write')
    try {
      if (action === 'list') {
        const codes = listEnrollmentCodes(db)
        if (codes.length === 0) console.log('no unused enrolment codes')
        const now = Date.now()
        for (const c of codes) {
          const state = c.expiresAt > now ? `valid until ${localTime(c.expiresAt)}` : `expired ${localTime(c.expiresAt)}`
          console.log(`${c.id}  ${state.padEnd(37)}  made ${localTime(c.createdAt)}  ${printable(c.name)}`)
        }
        return
      }
      const result = cancelEnrollmentCode(db, ref)
      if (!result.ok) {
        console.error(
          result.reason === 'used'
            ? `that code was used ${localTime(result.usedAt)} by kiosk ${result.kioskId}: it cannot be cancelled; to shut that kiosk out, kiosks revoke ${result.kioskId}`
            : `no unused enrolment code ${ref}: give its id as enrollment-codes list shows it, or the code itself`,
        )
        process.exitCode = 1
        return
      }
      console.log(`enrolment code for "${printable(result.name)}" cancelled: a kiosk that types it is refused`)
      return
    } finally {
      db.close()
    }
  }

  if (command === 'appeals') {
    const [action, id] = rest
    if (action !== 'list' && !((action === 'accept' || action === 'reject') && id)) fail('appeals needs list, accept <id> or reject <id>')
    // A mistyped status would list nothing: "no appeals", with appeals waiting.
    if (action === 'list' && values.status !== undefined && !appealStatuses.includes(values.status)) {
      fail(`--status must be one of ${appealStatuses.join(', ')}`)
    }
    const db = openDatabaseForCommand(dataDir, action === 'list' ? 'read' : 'write')
    try {
      if (action === 'list') {
        const appeals = listAppeals(db, values.status)
        if (appeals.length === 0) console.log('no appeals')
        for (const a of appeals) {
          console.log(
            `${a.id}  ${a.status.padEnd(8)}  ${a.occupied.padEnd(8)}  ${a.name}  ${a.idNumber}  ${a.mobile}  ${a.email}  ${localTime(a.createdAt)}${a.holderExists ? '' : '  (identifier now free)'}`,
          )
        }
        return
      }
      const result = decideAppeal(db, id!, action as 'accept' | 'reject')
      if (!result.ok) {
        console.error(result.reason === 'not-found' ? `no appeal ${id}` : `appeal ${id} was already decided`)
        process.exitCode = 1
        return
      }
      console.log(
        action === 'accept'
          ? `appeal ${id} accepted${result.freedFrom ? `; identifier freed from account ${result.freedFrom}` : ''}`
          : `appeal ${id} rejected`,
      )
    } finally {
      db.close()
    }
  }
}

async function runServer(values: Options): Promise<void> {
  const dataDir = values.data
  // Digits only: Number() reads '' and ' ' as 0 (any free port, which no kiosk would find) and 0x1F as 31.
  const port = /^\d{1,5}$/.test(values.port) ? Number(values.port) : Number.NaN
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail('--port must be a port number (0-65535)')
  /** A per-kiosk hourly limit from the command line: a whole number, at least 1. */
  const perHour = (option: 'attested-per-hour' | 'failed-logins-per-hour' | 'receipt-misses-per-hour'): number | undefined => {
    const value = values[option] === undefined ? undefined : Number(values[option])
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) fail(`--${option} must be a whole number, at least 1`)
    return value
  }
  const attestedPerHour = perHour('attested-per-hour')
  const failedLoginsPerHour = perHour('failed-logins-per-hour')
  const receiptMissesPerHour = perHour('receipt-misses-per-hour')
  const trustProxy = values['trust-proxy']?.split(',').map((address) => address.trim()).filter(Boolean)
  if (trustProxy?.some((address) => !isIP(address.split('/')[0] ?? ''))) fail('--trust-proxy takes addresses (or address/bits), comma separated')
  const startOptions: StartOptions = {
    port,
    host: values.host,
    dataDir,
    dev: values.dev,
    ...(trustProxy ? { trustProxy } : {}),
    limits: {
      ...(attestedPerHour === undefined ? {} : { attestedResetsPerKioskPerHour: attestedPerHour }),
      ...(failedLoginsPerHour === undefined ? {} : { failedLoginsPerKioskPerHour: failedLoginsPerHour }),
      ...(receiptMissesPerHour === undefined ? {} : { receiptMissesPerKioskPerHour: receiptMissesPerHour }),
    },
    // The disk refused a commit: exit (70) for the supervisor that restarts the server, saying why.
    onCommitFailure: (error) => {
      console.error(explainCommitFailure(error, dataDir))
      process.exit(70)
    },
  }
  // A new folder is right once; at a restart it is a mistyped --data: kiosks would be refused
  // (unknown credentials) and their queued ops unreadable (other keys). Said, so it is seen.
  const isNew = !existsSync(join(dataDir, 'central.db'))
  let server: RunningServer
  try {
    server = await startServer(startOptions)
  } catch (error) {
    const explained = explainStartFailure(error, { dataDir, host: values.host, port })
    if (explained === undefined) throw error
    console.error(explained)
    process.exit(1)
  }
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  // Before the line that says it is ready: whoever waits for it may stop it at once.
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  if (isNew) {
    console.log(`new data folder ${resolve(dataDir)}: an empty central database and new keys (if you meant an existing one, stop and check --data)`)
  }
  console.log(`listening on ${server.url}${values.dev ? ' (dev: GET /dev/outbox, POST /dev/enroll-code)' : ''}`)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
