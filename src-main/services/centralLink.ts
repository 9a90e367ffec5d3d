import { rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fail, ok, type Result } from '../../src-common/errors'
import { createCentralClient, type CentralClient, type KioskCredential } from '../../sync/centralClient'
import type { CentralStore } from '../../server/index'

/**
 * How this kiosk reaches the central passport API. With a configured URL it talks to that API
 * with the credential from enrolment. Without one (demo mode, `npm start` on a fresh machine) it
 * starts the reference server (server/, dev mode) itself on loopback, with its data in memory, and
 * enrols itself, so a first-time user can walk every flow alone.
 */
export interface CentralLink {
  url: string
  demo: boolean
  client: CentralClient
  enrolment: Enrolment | null
  /** Demo mode only: the in-process reference server can be stopped and started again on the same
   * port and data (what a network outage looks like to the kiosk; used by the offline tests). Its
   * data is in memory: a restart of the kiosk starts an empty demo server with new keys. */
  demoServer: {
    stop(): Promise<void>
    start(): Promise<void>
    /** The centre's decision on an appeal (what `npm run server -- appeals accept|reject` does), by its op id: false if it has no pending appeal. */
    decideAppeal(opId: string, decision: 'accept' | 'reject'): Promise<boolean>
  } | null
  close(): Promise<void>
}

export interface DemoServerOptions {
  /** Send limits of the demo server's SMS/email (tests lift the 60 s resend interval). */
  limits?: { perTargetIntervalMs?: number; perTargetPerDay?: number; perKioskPerHour?: number; attestedResetsPerKioskPerHour?: number }
}

export interface Enrolment {
  credential: KioskCredential
  publicKey: string
  keyId: string
}

/** Where versions before this one kept the demo server's data (removed at the next demo start). */
export function demoCentralDir(kioskDataDir: string): string {
  return join(dirname(kioskDataDir), `${basename(kioskDataDir)}-central`)
}

/**
 * The demo server's data. Its accounts are candidates' personal data in clear and its keys open every
 * sealed payload, so they live in the kiosk process's memory only, never on the kiosk's disk: kept
 * from the first demo link until the kiosk closes (a re-enrolment in 设置 keeps the demo's accounts),
 * and a restart starts an empty demo with new keys. A folder that earlier versions kept them in, in
 * clear, is removed.
 */
export async function openDemoStore(kioskDataDir: string, nativeBinding: string | undefined): Promise<CentralStore> {
  const { openCentralStore } = await import('../../server/index')
  rmSync(demoCentralDir(kioskDataDir), { recursive: true, force: true })
  return openCentralStore(null, nativeBinding)
}

export async function connectCentral(options: {
  centralUrl: string | null
  kioskDataDir: string
  kioskName: string
  /** The stored enrolment, if this kiosk was enrolled before. */
  enrolment: Enrolment | null
  demoServer?: DemoServerOptions
  /** Demo mode's data (openDemoStore), opened once and kept by the caller. */
  demoStore: () => Promise<CentralStore>
  /** The kiosk's clock, for the client (tests). */
  now?: () => number
}): Promise<Result<CentralLink>> {
  const clock = options.now ? { now: options.now } : {}
  if (options.centralUrl !== null) {
    const client = createCentralClient({ baseUrl: options.centralUrl, ...clock })
    if (options.enrolment) {
      client.setCredential(options.enrolment.credential)
      client.setCentralKey(options.enrolment.publicKey, options.enrolment.keyId)
    }
    return ok({
      url: options.centralUrl,
      demo: false,
      client,
      enrolment: options.enrolment,
      demoServer: null,
      close: async () => client.close(),
    })
  }
  // Imported only in demo mode: a kiosk with a real central URL never loads the server.
  const { startServer, decideAppeal } = await import('../../server/index')
  const store = await options.demoStore()
  const serverOptions = {
    host: '127.0.0.1',
    store,
    dev: true,
    logger: false as const,
    ...(options.demoServer?.limits ? { limits: options.demoServer.limits } : {}),
  }
  let server: Awaited<ReturnType<typeof startServer>> | null = await startServer({ port: 0, ...serverOptions })
  const port = Number(new URL(server.url).port)
  const client = createCentralClient({ baseUrl: server.url, ...clock })
  let enrolment = options.enrolment
  if (!enrolment || enrolment.keyId !== server.keyId) {
    const answer = await client.enroll({ code: server.createEnrollmentCode(options.kioskName), name: options.kioskName })
    if (!answer.ok) {
      await server.close()
      return fail(answer.error.code)
    }
    enrolment = {
      credential: { kioskId: answer.value.kioskId, secret: answer.value.secret },
      publicKey: answer.value.publicKey,
      keyId: answer.value.keyId,
    }
  }
  client.setCredential(enrolment.credential)
  client.setCentralKey(enrolment.publicKey, enrolment.keyId)
  return ok({
    url: `http://127.0.0.1:${port}`,
    demo: true,
    client,
    enrolment,
    demoServer: {
      async stop() {
        await server?.close()
        server = null
      },
      async start() {
        server ??= await startServer({ port, ...serverOptions })
      },
      async decideAppeal(opId, decision) {
        const appealId = store.db.prepare<[string], { id: string }>('SELECT id FROM appeals WHERE op_id = ?').get(opId)?.id
        return appealId !== undefined && decideAppeal(store.db, appealId, decision).ok
      },
    },
    close: async () => {
      client.close()
      await server?.close()
      server = null
    },
  })
}
