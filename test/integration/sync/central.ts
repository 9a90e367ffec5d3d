import { startServer, type RunningServer, type ServerOptions } from '../../../server/index'
import { createCentralClient, type CentralClient, type KioskCredential } from '../../../sync/centralClient'
import { tempDir } from './harness'

/** The reference central server on loopback, with one kiosk enrolled through the real enrolment call. */
export interface Central {
  server: RunningServer
  credential: KioskCredential
  dataDir: string
  /** A client for `baseUrl` (the server itself, or a fault proxy in front of it); `now` is the kiosk's clock. */
  clientFor(baseUrl: string, options?: { timeoutMs?: number; now?: () => number; steadyNow?: () => number }): CentralClient
  close(): Promise<void>
}

export async function startCentral(base?: string, options: Pick<ServerOptions, 'limits'> = {}): Promise<Central> {
  const { dir, cleanup } = tempDir('central-', base)
  const server = await startServer({ port: 0, dataDir: dir, dev: true, logger: false, ...options })
  const enrolClient = createCentralClient({ baseUrl: server.url })
  const enrolled = await enrolClient.enroll({ code: server.createEnrollmentCode('sync tests'), name: 'sync test kiosk' })
  enrolClient.close()
  if (!enrolled.ok) throw new Error(`enrolment failed: ${JSON.stringify(enrolled.error)}`)
  const credential = { kioskId: enrolled.value.kioskId, secret: enrolled.value.secret }
  const clients: CentralClient[] = []
  return {
    server,
    credential,
    dataDir: dir,
    clientFor(baseUrl, options = {}) {
      const client = createCentralClient({ baseUrl, credential, centralPublicKey: server.publicKey, keyId: server.keyId, ...options })
      clients.push(client)
      return client
    },
    async close() {
      for (const c of clients) c.close()
      await server.close()
      cleanup()
    },
  }
}

/** Sends an SMS code through the real interactive call and reads it from the dev outbox, as a candidate reads their phone. */
export async function smsCodeFor(central: Central, client: CentralClient, mobile: string, purpose: 'register' | 'resetPassword' | 'changeMobile' | 'verifyMobile' | 'updateProfile'): Promise<string> {
  const sent = await client.smsSend({ mobile, purpose })
  if (!sent.ok) throw new Error(`smsSend failed: ${JSON.stringify(sent.error)}`)
  const res = await fetch(`${central.server.url}/dev/outbox?to=${encodeURIComponent(mobile)}`)
  const { messages } = (await res.json()) as { messages: { code: string | null }[] }
  const code = messages.at(-1)?.code
  if (!code) throw new Error('no code in the dev outbox')
  return code
}
