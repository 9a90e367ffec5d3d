import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fail, ok, type Result } from '../../src-common/errors'
import type { SupervisorOp } from '../../src-common/kioskApi'
import { enrollRequest } from '../../src-common/wire'
import type { OpView } from '../../sync/outbox'
import type { KioskHandlers } from './kioskDispatcher'
import { demoSetup, supervisorStateOf, type KioskServices } from './kioskServices'
import type { KioskOpLimit } from './kioskOpLimit'
import { submitOperation } from './submitOperation'
import { localIsoTime } from './supervisor/auditLog'
import { centralUrlSchema } from './supervisor/kioskSettingsSchema'

const opOf = (view: OpView, receiptOf: (id: string) => string | undefined): SupervisorOp => ({
  id: view.id,
  kind: view.kind,
  receipt: view.receipt,
  status: view.status,
  summary: view.summary,
  attempts: view.attempts,
  cancellable: view.cancellable,
  nextAttemptAt: view.nextAttemptAt,
  lastError: view.lastError,
  stuck: view.stuck,
  blockedBy: view.blockedBy,
  blockedByReceipt: view.blockedBy === null ? null : (receiptOf(view.blockedBy) ?? null),
  cancelReason: view.cancelReason,
  createdAt: view.createdAt,
  updatedAt: view.updatedAt,
})

/**
 * Set-up wizard and supervisor mode. Every supervisor call but entering needs an active supervisor
 * session (entered with the PIN, left by itself after idle). Staff's touches (`activity`) and the
 * actions that change something extend it, reads do not; the actions are written to the
 * hash-chained audit log with the staff member.
 */
export function createSupervisorHandlers(
  services: KioskServices,
  /** Candidates' ops refused now for the kiosk's hourly limit (kioskOpLimit.ts): 运行概况 says so. */
  candidateOps: Pick<KioskOpLimit, 'state'> = { state: () => null },
): Pick<KioskHandlers, 'setup' | 'supervisor'> {
  const { supervisor } = services
  const staff = () => supervisor.session.current()?.actor ?? null
  let reenrolling = false

  /**
   * A code the central API would refuse unread (too short to be one): said beside the code, before the
   * kiosk's address is changed, logged, and changed back for a server never asked.
   */
  const codeProblem = (enrolmentCode: string) =>
    enrollRequest.shape.code.safeParse(enrolmentCode).success ? null : fail('INVALID_FIELD', { field: 'enrolmentCode', rule: 'enrolmentCode.format' })

  /** 重新登记 in 设置: another central server, or the same one under a new enrolment code. */
  async function reenrol({ centralUrl, enrolmentCode }: { centralUrl: string; enrolmentCode: string }) {
    // As the setting will store it (no trailing slash); a URL it refuses is refused by update below.
    const chosen = centralUrlOf(centralUrl)
    if (!chosen.ok) return chosen
    const target = chosen.value
    const actor = staff()
    const stored = supervisor.settings.get().centralUrl
    // The server the kiosk is linked to now (the setting may be stale under KIOSK_CENTRAL_URL).
    const previous = services.centralUrl()
    // Demo mode only from demo mode: an empty address would put candidates' ops on a server that
    // lives in memory (gone at the next start) and drop the real credential.
    if (target === null && previous !== null) return fail('INVALID_FIELD', { field: 'centralUrl', rule: 'centralUrl.required' })
    if (target !== null && enrolmentCode === '') return fail('INVALID_FIELD', { field: 'enrolmentCode', rule: 'enrolmentCode.required' })
    const malformed = target === null ? null : codeProblem(enrolmentCode)
    if (malformed) return malformed
    // Nothing is sent while the queue is counted: an op sent in between (its answer lost) would
    // otherwise slip past the count below, then go again under the new kiosk id.
    // (Relinking stops this engine: resuming it afterwards does nothing.)
    const engine = services.engine
    const wasPaused = engine?.paused ?? false
    engine?.pause()
    try {
      // Another server: ops are sealed to the current server's key and answered by it; sent to
      // another, they would be refused and lost (and a pending appeal's outcome never asked for).
      // The current server is the one the credential came from, which need not be the one the kiosk
      // is pointed at: KIOSK_CENTRAL_URL may have changed between two starts.
      // (A demo credential names no server: its ops were sealed to a demo server that went with the
      // process, and nothing can deliver them.)
      const credential = supervisor.settings.enrolment()
      const sealedFor = credential.ok && credential.value?.centralUrl ? credential.value.centralUrl : previous
      const anotherServer = target !== previous || target !== sealedFor
      // Pointed elsewhere since it enrolled (target is where it points now, not where it enrolled):
      // it is not linked, so staff can neither sync nor cancel here; the remedy is to point it back
      // until those ops are final.
      if (anotherServer && services.unfinishedOps() > 0)
        return target === previous ? fail('QUEUE_NOT_EMPTY', { rule: 'queue.previousServer' }) : fail('QUEUE_NOT_EMPTY')
      // A credential this machine cannot read (kiosk.db moved, its key lost): nothing can ever send
      // an op under the old kiosk id, so waiting for them would keep the kiosk unenrolled for good.
      // Under the new id the server refuses what it cannot take (a session's, a token's), where staff
      // see it, instead of the kiosk showing nothing at all.
      const credentialLost = !credential.ok
      // The same server under a new enrolment is a new kiosk id: what the server may already hold
      // under the old one could be neither resent (an id reused) nor followed (a pending appeal), and
      // an op carrying a session or a verification token would be applied only for the kiosk that
      // holds it.
      if (!anotherServer && !credentialLost && services.unfinishedOps({ maybeSent: true }) > 0) return fail('QUEUE_NOT_EMPTY')
      const updated = supervisor.settings.update({ centralUrl: target }, actor)
      if (!updated.ok) return updated
      const linked = await services.relink(enrolmentCode, actor)
      if (linked.ok) return ok({ enrolled: true as const })
      // A typo in the address, a server that is away or a refused code must not cut the kiosk off
      // the server it had: back to its URL, and linked again with the credential it holds.
      if (target !== stored) supervisor.settings.update({ centralUrl: stored }, actor)
      await services.relink()
      return linked
    } finally {
      if (!wasPaused) engine?.resume()
      // Relinking made a new engine: paused by staff before, it stays paused.
      else if (services.engine !== engine) services.engine?.pause()
    }
  }

  const show = (view: OpView) => opOf(view, (id) => services.outbox?.get(id)?.receipt)

  // KIOSK_CENTRAL_URL, when set, is the only server this kiosk links to: the wizard and 设置 show it
  // read-only, and another address sent here anyway is refused rather than stored beside a credential
  // from this one (which the next start would then not use: NOT_ENROLLED).
  const fixedUrl = services.config.centralUrl
  function centralUrlOf(typed: string): Result<string | null> {
    if (fixedUrl === null) return ok(typed === '' ? null : (centralUrlSchema.safeParse(typed).data ?? typed))
    if (typed === '' || centralUrlSchema.safeParse(typed).data === fixedUrl) return ok(fixedUrl)
    return fail('INVALID_FIELD', { field: 'centralUrl', rule: 'centralUrl.fixed' })
  }
  /** The settings with the central URL the kiosk really uses. */
  const settingsShown = (settings = supervisor.settings.get()) => ({ ...settings, centralUrl: services.centralUrl() })

  /**
   * Runs a supervisor action only inside an active session. An action staff took keeps the session
   * alive; a read (`touch: false`) does not, since screens repeat reads by themselves (the dashboard
   * reloads on every op change): a dashboard left open on a busy queue must still time out.
   */
  function guarded<I, O>(action: (input: I) => Promise<Result<O>>, { touch = true } = {}): (input: I) => Promise<Result<O>> {
    return async (input) => {
      if (!supervisor.session.isActive()) return fail('UNAUTHORIZED')
      if (!touch) return action(input)
      supervisor.session.touch()
      // An action that takes long (立即同步 draining a long queue, a re-enrolment's network calls)
      // holds the mode open while it runs, so staff are not sent away from it halfway.
      return supervisor.session.busy(() => action(input))
    }
  }
  const read = { touch: false }
  const syncAction = (action: 'syncNow' | 'pause' | 'resume') =>
    guarded(async () => {
      const engine = services.engine
      if (!engine) return fail('NOT_ENROLLED')
      // Who asked, read before anything is awaited (staff may leave while a long sync runs).
      const actor = staff()
      if (action === 'syncNow') await engine.syncNow()
      else if (action === 'pause') engine.pause()
      else engine.resume()
      supervisor.audit.append({ action, detail: {}, actor })
      return ok(services.syncSummary())
    })

  return {
    setup: {
      status: async () =>
        ok({
          setUp: supervisor.setup.isSetUp(),
          demo: services.demo,
          centralUrlFixed: fixedUrl !== null,
          prefill: services.demo ? demoSetup : { kioskName: '', examCentre: '', centralUrl: fixedUrl },
        }),
      complete: async ({ kioskName, examCentre, centralUrl, enrolmentCode, pin }) => {
        const chosen = centralUrlOf(centralUrl ?? '')
        if (!chosen.ok) return chosen
        const url = chosen.value
        if (url !== null && !enrolmentCode) return fail('INVALID_FIELD', { field: 'enrolmentCode', rule: 'enrolmentCode.required' })
        const malformed = url === null || !enrolmentCode ? null : codeProblem(enrolmentCode)
        if (malformed) return malformed
        const input = { kioskName, examCentre, centralUrl: url, pin }
        // Checked before the one-time code is spent, then enrolled before anything is stored: a server
        // out of reach or a refused code leaves the wizard to try again, not a kiosk with a PIN and
        // no server whose wizard can no longer finish.
        const checked = supervisor.setup.check(input)
        if (!checked.ok) return checked
        const enrolled = url === null || !enrolmentCode ? null : await services.enrol(url, enrolmentCode, kioskName)
        if (enrolled && !enrolled.ok) return enrolled
        const done = await supervisor.setup.completeSetup(input)
        if (!done.ok) return done
        if (enrolled) {
          const { credential, publicKey, keyId } = enrolled.value
          const saved = supervisor.settings.saveEnrolment({ ...credential, publicKey, keyId, centralUrl: url })
          if (!saved.ok) return saved
        }
        // Finishing the wizard is staff leaving, as leaving supervisor mode is: the visit ends, so
        // their last taps leave main's idle end nothing to close later (candidateIdleBackstop.ts),
        // and nothing of theirs (the clipboard) stays for the first candidate.
        services.endVisit()
        const linked = await services.relink()
        return linked.ok ? ok({ done: true as const }) : linked
      },
    },
    supervisor: {
      state: async () => ok(supervisorStateOf(supervisor)),
      enter: async ({ pin, staffId, staffName }) => {
        const entered = await supervisor.session.enter(pin, { staffId, name: staffName })
        if (!entered.ok) return entered
        // Staff take over the kiosk: a candidate still logged in (who opened the pad, or walked away
        // from it) is forgotten, so leaving supervisor mode never hands their session to the next person.
        if (supervisor.session.isActive()) services.endVisit()
        return ok(supervisorStateOf(supervisor))
      },
      leave: async () => {
        supervisor.session.leave()
        return ok(supervisorStateOf(supervisor))
      },
      activity: guarded(async () => ok({ active: true as const })),
      dashboard: guarded(async () =>
        ok({
          sync: services.syncSummary(),
          stuck: services.outbox?.summary().stuck ?? 0,
          settings: settingsShown(),
          secretsInKeyFile: services.secretsInKeyFile,
          candidateOpsLimited: candidateOps.state(),
        }),
        read,
      ),
      listOps: guarded(async ({ status, stuck, receipt, limit, offset }) => {
        const filter = { ...(status ? { status } : {}), ...(stuck ? { stuck } : {}), ...(receipt ? { receipt } : {}) }
        const outbox = services.outbox
        return ok({ ops: outbox?.list({ ...filter, limit, offset }).map(show) ?? [], total: outbox?.count(filter) ?? 0 })
      }, read),
      syncNow: syncAction('syncNow'),
      pause: syncAction('pause'),
      resume: syncAction('resume'),
      cancelOp: guarded(async ({ id, reason }) => {
        const outbox = services.outbox
        if (!outbox) return fail('NOT_ENROLLED')
        const cancelled = outbox.cancel(id, reason)
        if (!cancelled.ok) return cancelled
        supervisor.audit.append({ action: 'cancel', detail: { opId: id, receipt: cancelled.value.receipt, reason }, actor: staff() })
        return ok(show(cancelled.value))
      }),
      retryOp: guarded(async ({ id }) => {
        const outbox = services.outbox
        if (!outbox) return fail('NOT_ENROLLED')
        const retried = outbox.retry(id)
        if (!retried.ok) return retried
        supervisor.audit.append({ action: 'retry', detail: { opId: id, receipt: retried.value.receipt }, actor: staff() })
        void services.engine?.sendReady()
        return ok(show(retried.value))
      }),
      attestedReset: guarded(async ({ idType, idNumber, name, newPassword, confirmPassword }) => {
        if (newPassword !== confirmPassword) return fail('INVALID_FIELD', { field: 'confirmPassword', rule: 'passwordConfirm.mismatch' })
        const actor = staff()
        if (!actor?.staffId || !actor.name) return fail('INVALID_FIELD', { field: 'staffId', rule: 'staff.required' })
        const attestation = { staffId: actor.staffId, staffName: actor.name, checkedAt: new Date().toISOString() }
        const payload = { method: 'attested', idType, idNumber, name, newPassword, attestation }
        const outcome = await submitOperation(services, 'resetPassword', payload, { accountIdNumber: idNumber, waitMs: 6000 })
        if (outcome.ok) {
          supervisor.audit.append({ action: 'attestedReset', detail: { opId: outcome.value.id, receipt: outcome.value.receipt }, actor })
        }
        return outcome
      }),
      fileAppeal: guarded(async ({ payload }) => {
        const actor = staff()
        if (!actor?.staffId || !actor.name) return fail('INVALID_FIELD', { field: 'staffId', rule: 'staff.required' })
        const attestation = { staffId: actor.staffId, staffName: actor.name, checkedAt: new Date().toISOString() }
        const idNumber = typeof payload.idNumber === 'string' ? payload.idNumber : undefined
        const outcome = await submitOperation(services, 'appeal', { ...payload, attestation }, { accountIdNumber: idNumber, waitMs: 6000 })
        if (outcome.ok) {
          supervisor.audit.append({ action: 'appealFiled', detail: { opId: outcome.value.id, receipt: outcome.value.receipt }, actor })
        }
        return outcome
      }),
      getSettings: guarded(async () => ok({ ...settingsShown(), centralUrlFixed: fixedUrl !== null }), read),
      updateSettings: guarded(async ({ patch }) => {
        const { centralUrl: _centralUrl, ...rest } = patch
        // The central URL changes only with a new enrolment (supervisor.reenrol).
        const updated = supervisor.settings.update(rest, staff())
        return updated.ok ? ok(settingsShown(updated.value)) : updated
      }),
      reenrol: guarded(async (input) => {
        // One at a time: a second one (a double tap past the dialog, another window) would change the
        // address under the first one's enrolment.
        if (reenrolling) return fail('RATE_LIMITED')
        reenrolling = true
        try {
          return await reenrol(input)
        } finally {
          reenrolling = false
        }
      }),
      changePin: guarded(async ({ oldPin, newPin }) => {
        const changed = await supervisor.pin.change(oldPin, newPin, staff())
        return changed.ok ? ok({ changed: true as const }) : changed
      }),
      audit: guarded(async ({ limit, offset }) => {
        const page = supervisor.audit.list({ limit, offset })
        return ok({
          total: page.total,
          entries: page.entries.map(({ id, at, actor, by, action, detail }) => ({ id, at, actor, by, action, detail })),
        })
      }, read),
      verifyAudit: guarded(async () => {
        const check = supervisor.audit.verifyChain()
        return ok(
          check.intact
            ? { intact: true, firstBrokenId: null, rows: check.rows }
            : { intact: false, firstBrokenId: check.firstBrokenId, rows: null },
        )
      }),
      exportAudit: guarded(async () => {
        const actor = staff()
        // In the kiosk's local time, as staff read the clock on the screen (the exam centre's, not UTC).
        // The rows' own local time (2026-11-30T19:56:39…) to the second, as a file name: 2026-11-30-19-56-39.
        const stamp = localIsoTime(Date.now()).slice(0, 19).replace(/[T:]/g, '-')
        // With a BOM so that Excel on a Chinese Windows reads the UTF-8 correctly.
        const csv = '\uFEFF' + supervisor.audit.exportCsv()
        try {
          await mkdir(services.exportDir, { recursive: true })
        } catch {
          return fail('INTERNAL')
        }
        // Two exports in one second: the second gets a number rather than writing over the first
        // ('wx' refuses a name already taken, with nothing between looking and writing).
        for (let n = 1; ; n++) {
          const fileName = n === 1 ? `kiosk-audit-${stamp}.csv` : `kiosk-audit-${stamp}-${n}.csv`
          const savedTo = join(services.exportDir, fileName)
          try {
            await writeFile(savedTo, csv, { mode: 0o600, flag: 'wx' })
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue
            return fail('INTERNAL')
          }
          supervisor.audit.append({ action: 'auditExported', detail: {}, actor })
          return ok({ fileName, savedTo })
        }
      }),
      quit: guarded(async ({ to }) => {
        supervisor.audit.append({ action: 'quit', detail: { to }, actor: staff() })
        // The kiosk window waits behind the desktop: whoever brings it back finds the candidates'
        // home screen, not supervisor mode.
        if (to === 'desktop') supervisor.session.leave()
        setTimeout(() => services.quit(to), 100)
        return ok({ quitting: true as const })
      }),
    },
  }
}
