// A small kiosk-side client for the server's tests: signs requests as src-common/requestSigning.ts
// describes and seals ops and interactive bodies to the server's key. (The real client is sync/.)
import assert from 'node:assert/strict'
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { promisify } from 'node:util'
import { Worker } from 'node:worker_threads'
import { splitPayload, type OperationKind } from '../../../src-common/operations'
import { newNonce, signatureHeaders, signRequest } from '../../../src-common/requestSigning'
import { seal, sealingAad } from '../../../src-common/sealing'
import { apiPaths, sealRequestBody, type InteractiveRoute, type WireOp } from '../../../src-common/wire'
import { startServer, type RunningServer, type ServerOptions } from '../../../server/index'
import { createLogger } from '../../../server/logger'

export interface Answer {
  status: number
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test answers are inspected field by field
  body: any
}

export interface TestServer {
  server: RunningServer
  dataDir: string
  /** The server's clock (ms); kiosks enrolled through enrol(t) share it. */
  now(): number
  /** Moves the clock forward, e.g. past the 60 s between two SMS to one mobile. */
  advance(ms: number): void
  stop(): Promise<void>
}

export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'central-'))
  let offset = 0
  const now = () => Date.now() + offset
  const server = await startServer({ port: 0, dataDir, dev: true, logger: false, clock: now, ...options })
  return {
    server,
    dataDir,
    now,
    advance: (ms) => void (offset += ms),
    async stop() {
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

const run = promisify(execFile)
const root = new URL('../../../', import.meta.url).pathname
/** `npm run server -- <args> --data <dataDir>`, as an administrator types it. Rejects on a non-zero exit. */
export const cli = (dataDir: string, ...args: string[]) => run(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args, '--data', dataDir], { cwd: root })

/** A logger for startTestServer that keeps what it writes: what the operator reads in the server's log. */
export function logCapture() {
  let text = ''
  const destination = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString()
      done()
    },
  })
  return {
    logger: createLogger({ destination }),
    text: () => text,
    /** Each line, as pino wrote it. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- log lines are inspected field by field
    lines: (): any[] => text.split('\n').filter(Boolean).map((line) => JSON.parse(line)),
  }
}

/**
 * central.db's write lock, taken by another connection and released `ms` later: what the running
 * server holds while it commits a burst of ops, and an administrator's command while it writes. From
 * a thread of its own, so that it is released while this thread waits for it (SQLite's busy_timeout
 * sleeps in the thread that waits). Resolves once it is held, with the moment it is released.
 */
export function holdWriteLock(dataDir: string, ms: number): Promise<{ released: Promise<void> }> {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads')
    const db = new (require(workerData.binding))(workerData.file)
    db.exec('BEGIN IMMEDIATE')
    parentPort.postMessage('held')
    setTimeout(() => { db.exec('COMMIT'); db.close() }, workerData.ms)`,
    {
      eval: true,
      workerData: { binding: createRequire(import.meta.url).resolve('better-sqlite3'), file: join(dataDir, 'central.db'), ms },
    },
  )
  const released = new Promise<void>((resolve, reject) => {
    worker.once('error', reject)
    worker.once('exit', () => resolve())
  })
  return new Promise((resolve, reject) => {
    worker.once('message', () => resolve({ released }))
    released.catch(reject)
  })
}

/** `npm run server -- <args>` as an operator types it: its exit code and what it printed, whatever the code. */
export function serverCommand(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return serverCommandAs(undefined, ...args)
}

/** serverCommand run as the user `uid` (setpriv, from root), or as this process's user when undefined. */
export function serverCommandAs(uid: number | undefined, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const node = [process.execPath, '--import', 'tsx', 'server/cli.ts', ...args]
  const [file, ...argv] = uid === undefined ? node : ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', ...node]
  return new Promise((resolve) => {
    execFile(file!, argv, { cwd: root, timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    )
  })
}

/** A stack trace is for developers: the operator reads one sentence. */
export const noStackTrace = (stderr: string) => assert.doesNotMatch(stderr, /^\s+at /m, stderr)

/** A server started as `npm run server -- --port 0 --data <dataDir>`, in a process of its own. */
export interface ServerProcess {
  child: ChildProcess
  url: string
  /** What it printed so far, stdout then stderr. */
  stdout(): string
  stderr(): string
  /** Its exit code, once it has ended. */
  exited: Promise<number | null>
  /** SIGTERM, as its supervisor stops it; its exit code. */
  stop(): Promise<number | null>
}

/** Starts the server's CLI and waits for "listening on"; rejects with what it printed if it ends first. */
export function spawnServer(dataDir: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--port', '0', '--data', dataDir], { cwd: root })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const url = /^listening on (\S+)/m.exec(stdout)?.[1]
      if (url) {
        resolve({
          child,
          url,
          stdout: () => stdout,
          stderr: () => stderr,
          exited,
          stop: () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
            return exited
          },
        })
      }
    })
    void exited.then((code) => reject(new Error(`the server ended (${code}) before it listened: ${stdout}${stderr}`)))
  })
}

export async function call(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : undefined }
}

let receiptCounter = 0
const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
export function newReceipt(): string {
  let n = receiptCounter++ + Math.floor(Math.random() * 1e9)
  let text = ''
  for (let i = 0; i < 8; i++) {
    text += crockford[n % 32]
    n = Math.floor(n / 32)
  }
  return text
}

export interface SignOptions {
  timestamp?: number
  nonce?: string
  secret?: string
  kioskId?: string
}

export class TestKiosk {
  /** The kiosk's clock: signature timestamps and op createdAt (tests move it with the server's). */
  clock: () => number = Date.now

  constructor(
    readonly url: string,
    readonly kioskId: string,
    readonly secret: string,
    readonly keyId: string,
    readonly publicKey: string,
  ) {}

  static async enrol(t: TestServer, name = 'Hall A'): Promise<TestKiosk> {
    const { server } = t
    const code = server.createEnrollmentCode(name)
    const answer = await call(server.url, 'POST', apiPaths.enroll, { code, name: 'kiosk 1' })
    if (answer.status !== 200) throw new Error(`enrolment failed: ${JSON.stringify(answer.body)}`)
    const { kioskId, secret, keyId, publicKey } = answer.body
    const kiosk = new TestKiosk(server.url, kioskId, secret, keyId, publicKey)
    kiosk.clock = t.now
    return kiosk
  }

  /** The headers and body of a signed request, so a test can replay or alter them. */
  async sign(method: string, path: string, body?: unknown, options: SignOptions = {}) {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)
    const timestamp = options.timestamp ?? this.clock()
    const nonce = options.nonce ?? newNonce()
    const signature = await signRequest(options.secret ?? this.secret, { method, path, timestamp, nonce, body: text })
    const headers = {
      [signatureHeaders.kioskId]: options.kioskId ?? this.kioskId,
      [signatureHeaders.timestamp]: String(timestamp),
      [signatureHeaders.nonce]: nonce,
      [signatureHeaders.signature]: signature,
    }
    return { headers, text: body === undefined ? undefined : text }
  }

  async signed(method: string, path: string, body?: unknown, options: SignOptions = {}): Promise<Answer> {
    const { headers, text } = await this.sign(method, path, body, options)
    return call(this.url, method, path, text, headers)
  }

  /** An op as the outbox would send it: secret and personal fields sealed, the rest in clear. */
  async op(kind: OperationKind, payload: Record<string, unknown>, extra: Partial<WireOp> = {}): Promise<WireOp> {
    const id = extra.id ?? crypto.randomUUID()
    const { sealed, clear } = splitPayload(kind, payload)
    return {
      id,
      kind,
      receipt: newReceipt(),
      createdAt: new Date(this.clock()).toISOString(),
      keyId: this.keyId,
      clear,
      sealed: await seal(this.publicKey, sealed, sealingAad(id, kind)),
      ...extra,
    }
  }

  push(ops: WireOp[]): Promise<Answer> {
    return this.signed('POST', apiPaths.ops, { ops })
  }

  /** Pushes one op and returns its result. */
  async apply(kind: OperationKind, payload: Record<string, unknown>, extra: Partial<WireOp> = {}) {
    const answer = await this.push([await this.op(kind, payload, extra)])
    if (answer.status !== 200) throw new Error(`push failed: ${answer.status} ${JSON.stringify(answer.body)}`)
    return answer.body.results[0]
  }

  /** An interactive body sealed as this kiosk sends it when signing at `timestamp` (wire.ts requestAad). */
  sealFor(route: InteractiveRoute, payload: unknown, timestamp: number) {
    return sealRequestBody(this.publicKey, this.keyId, route, payload, { kioskId: this.kioskId, timestamp })
  }

  async interactive(route: InteractiveRoute, payload: unknown): Promise<Answer> {
    const timestamp = this.clock()
    return this.signed('POST', apiPaths[route], await this.sealFor(route, payload, timestamp), { timestamp })
  }
}

/** Valid-looking candidate data (resident ID numbers with correct GB 11643 check digits). */
export const candidate = {
  idType: 'resident',
  idNumber: '11010519491231002X',
  name: '王小明',
  mobile: '13800138000',
  email: 'wang@example.com',
  password: 'Kx9#mq2Lp_',
}

/** GB 11643 check digit, to make more distinct valid ID numbers. */
export function residentId(body17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...body17].reduce((acc, digit, i) => acc + Number(digit) * weights[i]!, 0)
  return body17 + '10X98765432'[sum % 11]
}

/** The latest code the dev outbox holds for a mobile or email. */
export async function latestCode(url: string, to: string): Promise<string> {
  const answer = await call(url, 'GET', `${apiPaths.devOutbox}?to=${encodeURIComponent(to)}`)
  const withCode = answer.body.messages.filter((m: { code: string | null }) => m.code)
  if (withCode.length === 0) throw new Error(`no code sent to ${to}`)
  return withCode.at(-1).code
}

/** Sends a code to `mobile` for `purpose` (with the session, for the account's own mobile) and reads it from the dev outbox. */
export async function smsCode(kiosk: TestKiosk, mobile: string, purpose: string, sessionToken?: string): Promise<string> {
  const sent = await kiosk.interactive('smsSend', { mobile, purpose, ...(sessionToken ? { sessionToken } : {}) })
  if (sent.status !== 200) throw new Error(`sms send failed: ${JSON.stringify(sent.body)}`)
  return latestCode(kiosk.url, mobile)
}

/** Registers an account the way the kiosk does online: code by SMS, then a register op. */
export async function register(kiosk: TestKiosk, data: Partial<typeof candidate> = {}) {
  const c = { ...candidate, ...data }
  const code = await smsCode(kiosk, c.mobile, 'register')
  return kiosk.apply('register', {
    email: c.email,
    mobile: c.mobile,
    password: c.password,
    idType: c.idType,
    idNumber: c.idNumber,
    name: c.name,
    smsCode: code,
    agreed: true,
  })
}

let freshCandidates = 0
/**
 * Registers a candidate of one test's own, so that what the test does to the account (a new
 * password, a lock, ended sessions, an SMS) reaches no other test: `candidate` with an ID number
 * (born 1990-01-01), mobile (137…) and email (wang<n>@…) no other call gives, unless `data` names
 * them. Returns the data the account holds.
 */
export async function registerFresh(kiosk: TestKiosk, data: Partial<typeof candidate> = {}): Promise<typeof candidate> {
  const n = ++freshCandidates
  if (n > 999) throw new Error('registerFresh: out of distinct ID numbers')
  const c = {
    ...candidate,
    idNumber: residentId(`11010519900101${String(n).padStart(3, '0')}`),
    mobile: `1370000${String(n).padStart(4, '0')}`,
    email: `wang${n}@example.com`,
    ...data,
  }
  const registered = await register(kiosk, c)
  if (registered.status !== 'applied') throw new Error(`registration failed: ${JSON.stringify(registered)}`)
  return c
}

/** A valid information-occupied appeal. */
export function appealPayload() {
  return {
    occupied: 'idNumber',
    idType: 'resident',
    idNumber: candidate.idNumber,
    name: '王小明',
    mobile: '13300133000',
    email: 'appeal@example.com',
    statement: '本人从未注册过该账号，证件号码被他人占用，请核实。',
  }
}
