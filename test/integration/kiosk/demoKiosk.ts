import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createKioskDispatcher } from '../../../src-main/services/kioskDispatcher'
import { createKioskHandlers } from '../../../src-main/services/kioskHandlers'
import { createKioskServices, type KioskServiceOptions, type KioskServices } from '../../../src-main/services/kioskServices'
import { startTestServer } from '../server/kiosk'

type Answer = Awaited<ReturnType<ReturnType<typeof createKioskDispatcher>['invoke']>>

export interface DemoKiosk {
  services: KioskServices
  /** A call as the renderer makes it through window.kiosk: `call('auth.login', {...})`. */
  call(channel: string, input?: unknown): Promise<Answer>
  /** The text of the captcha shown last. */
  captcha(): string
  /** The newest code the dev sink delivered to this mobile or email. */
  codeSentTo(to: string): Promise<string>
  /** Stops the kiosk; removes its data directory unless the caller gave it. */
  close(): Promise<void>
}

/**
 * The kiosk's main process in this process: real kiosk.db, sync engine, and the reference server in
 * demo mode (or the one at `centralUrl`, as KIOSK_CENTRAL_URL sets it).
 */
export async function openDemoKiosk(
  options: {
    liftResendInterval?: boolean
    dataDir?: string
    centralUrl?: string
    /** Main's idle end (candidateIdleBackstop.ts): a test's own clock, margin and pace. */
    candidateIdle?: KioskServiceOptions['candidateIdle']
  } = {},
): Promise<DemoKiosk> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kiosk-main-'))
  let lastCaptcha = ''
  const services = await createKioskServices({
    config: { dataDir, centralUrl: options.centralUrl ?? null, windowMode: 'window', dev: false },
    version: 'test',
    appRoot: process.cwd(),
    captcha: { onCreate: (_id, answer) => (lastCaptcha = answer) },
    ...(options.liftResendInterval ? { demoServer: { limits: { perTargetIntervalMs: 0 } } } : {}),
    ...(options.candidateIdle ? { candidateIdle: options.candidateIdle } : {}),
  })
  const dispatcher = createKioskDispatcher(createKioskHandlers(services))
  return {
    services,
    call: (channel, input = {}) => dispatcher.invoke(`kiosk:${channel}`, input),
    captcha: () => lastCaptcha,
    async codeSentTo(to) {
      const messages = await services.devMessages(to)
      const code = messages.ok ? messages.value.findLast((m) => m.code !== null)?.code : undefined
      assert.ok(code, `a code was sent to ${to}`)
      return code
    },
    async close() {
      await services.close()
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * A session as the central server holds it ('still open', or the server's error code): the kiosk does
 * not wait for its log-out to arrive there, so a moment is allowed.
 */
export async function sessionAtCentre(kiosk: DemoKiosk, sessionToken: string): Promise<string> {
  let answer = await kiosk.services.central!.client.account({ sessionToken })
  for (let tries = 0; answer.ok && tries < 50; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    answer = await kiosk.services.central!.client.account({ sessionToken })
  }
  return answer.ok ? 'still open' : answer.error.code
}

/** The value of a successful answer (fails the test with the error otherwise). */
export function valueOf<T>(answer: Answer): T {
  assert.equal(answer.ok, true, JSON.stringify(answer))
  return (answer as { value: T }).value
}

/**
 * A kiosk linked to a reference server of its own on loopback (not demo mode), set up and enrolled
 * through the wizard's call; both stop after the test.
 */
export async function openLinkedKiosk(t: { after(fn: () => unknown): void }): Promise<DemoKiosk> {
  const central = await startTestServer()
  t.after(() => central.stop())
  const kiosk = await openDemoKiosk({ centralUrl: central.server.url })
  t.after(() => kiosk.close())
  valueOf(
    await kiosk.call('setup.complete', {
      kioskName: '二号机',
      examCentre: '海淀考点',
      centralUrl: central.server.url,
      enrolmentCode: central.server.createEnrollmentCode('二号机'),
      pin: '135790',
    }),
  )
  return kiosk
}
