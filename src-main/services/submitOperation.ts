import { fail, ok, type Result } from '../../src-common/errors'
import type { OpOutcome } from '../../src-common/kioskApi'
import type { OperationKind } from '../../src-common/operations'
import type { KioskServices } from './kioskServices'

/**
 * The one path of every operation on the kiosk: validate, seal and commit to the outbox (one
 * transaction), then wait a few seconds for the central API's answer. When the kiosk is offline the
 * op stays queued and the candidate gets its receipt; nothing typed is lost either way.
 */
export async function submitOperation(
  services: KioskServices,
  kind: OperationKind,
  payload: Record<string, unknown>,
  options: { accountIdNumber?: string | undefined; waitMs: number },
): Promise<Result<OpOutcome>> {
  const { outbox, engine } = services
  if (!outbox || !engine) return fail('NOT_ENROLLED')
  const queued = await outbox.enqueue(kind, payload, {
    ...(options.accountIdNumber ? { accountIdNumber: options.accountIdNumber } : {}),
    summary: services.summaryOf(kind, payload),
  })
  if (!queued.ok) return queued
  // A relink may close this outbox while the candidate waits: the op is safe in kiosk.db either way.
  const view = (await engine.waitForOutcome(queued.value.id, options.waitMs)) ?? (outbox.open ? outbox.get(queued.value.id) : undefined)
  if (view) return ok(services.outcomeOf(view))
  // Committed, then the outbox closed under the wait (a relink): saved, so the candidate gets the receipt.
  const { id, receipt } = queued.value
  return ok({ id, kind, receipt, status: 'queued', error: null, updatedAt: new Date().toISOString() })
}
