import type { z } from 'zod'
import type { KioskError } from '../src-common/errors'
import { fieldErrorOf } from '../src-common/fields'
import { operations, parseOperation, type OperationKind } from '../src-common/operations'
import { maxClockSkewMs } from '../src-common/requestSigning'
import { sealingAad } from '../src-common/sealing'
import type { OpResult, WireOp } from '../src-common/wire'
import type { ServerContext } from './context'
import { isReadFault } from './database'
import { opHandlers, rejected, type OpEnv, type Outcome } from './opHandlers'

/** An op created while its session (or code) was valid is still applied when it arrives this late. */
export const opMaxAgeMs = 72 * 60 * 60 * 1000

interface OpRow {
  id: string
  kiosk_id: string
  kind: OperationKind
  receipt: string
  status: 'applied' | 'rejected' | 'pending'
  result: string | null
  error: string | null
  updated_at: number
}

export function rowToResult(row: Pick<OpRow, 'id' | 'status' | 'result' | 'error'>): OpResult {
  if (row.status === 'applied') return { id: row.id, status: 'applied', result: JSON.parse(row.result ?? '{}') }
  if (row.status === 'rejected') return { id: row.id, status: 'rejected', error: JSON.parse(row.error ?? '{}') }
  return { id: row.id, status: 'pending' }
}

function toResult(id: string, outcome: Outcome): OpResult {
  if (outcome.status === 'applied') return { id, status: 'applied', result: outcome.result }
  if (outcome.status === 'rejected') return { id, status: 'rejected', error: outcome.error }
  return { id, status: 'pending' }
}

/** A fault's answer (wire.ts): nothing stored or applied, the kiosk sends the op again. */
const unanswered = (id: string): OpResult => ({ id, status: 'rejected', error: { code: 'INTERNAL' } })

/** The first problem in a payload, as the shared rules name it (INVALID_FIELD / WEAK_PASSWORD with field and rule). */
export const fieldError = (error: z.ZodError): KioskError => fieldErrorOf(error)

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Applies batches of ops exactly once. Each op's outcome is stored in the same transaction as its
 * effect; an op already stored is answered from the store; an op being applied right now by another
 * request is awaited, not applied again. Ops with the same accountKey from one kiosk run one after
 * another in batch order (one that fails unanswered holds back those behind it: see inOrder); other
 * ops run concurrently, so password hashes use every core.
 */
export function createOpsProcessor(ctx: ServerContext) {
  const q = {
    get: ctx.db.prepare<[string], OpRow>('SELECT * FROM ops WHERE id = ?'),
    insert: ctx.db.prepare(
      `INSERT INTO ops (id, kiosk_id, kind, receipt, created_at_iso, status, result, error, received_at, updated_at)
       VALUES (@id, @kioskId, @kind, @receipt, @createdAt, @status, @result, @error, @now, @now)`,
    ),
  }
  const inflight = new Map<string, { kiosk_id: string; kind: string; receipt: string; done: Promise<OpResult> }>()
  // Per key, the end of its line: true while every op in it was answered, false once one failed
  // unanswered (a fault: nothing stored, so the client sends it again).
  const chains = new Map<string, Promise<boolean>>()
  // The answers of ops that met a damaged page of central.db or a failing disk, with what SQLite said.
  const metReadFault = new WeakMap<OpResult, unknown>()

  /**
   * Runs `apply` after the ops already in line for `key`. An op that failed unanswered will come
   * again; those behind it are not applied either, or they would overtake it: they too get INTERNAL,
   * nothing stored, until the line has emptied. (Our kiosk sends one op of an account at a time; this
   * keeps the order for any client that sends more.)
   */
  function inOrder(key: string, op: WireOp, apply: () => Promise<OpResult>): Promise<OpResult> {
    const previous = chains.get(key) ?? Promise.resolve(true)
    const ran = previous.then(async (intact): Promise<{ result: OpResult; answered: boolean }> => {
      if (!intact) {
        ctx.log.warn({ opId: op.id, kind: op.kind }, 'op held back: an earlier op of its account failed')
        return { result: unanswered(op.id), answered: false }
      }
      try {
        return { result: await apply(), answered: true }
      } catch (error) {
        if (isReadFault(error)) {
          // Said by reportReadFault, not per op; the batch is answered 503 (processBatch).
          const result = unanswered(op.id)
          metReadFault.set(result, error)
          return { result, answered: false }
        }
        // A bug or a fault, not an answer.
        ctx.log.error({ err: error, opId: op.id, kind: op.kind }, 'op failed')
        return { result: unanswered(op.id), answered: false }
      }
    })
    const tail = ran.then(({ answered }) => answered)
    chains.set(key, tail)
    void tail.then(() => {
      if (chains.get(key) === tail) chains.delete(key)
    })
    return ran.then(({ result }) => result)
  }

  async function applyOne(kioskId: string, op: WireOp): Promise<OpResult> {
    const now = ctx.clock()
    const finish = (body: () => Outcome): Outcome =>
      ctx.commits.run(() => {
        const outcome = body()
        q.insert.run({
          id: op.id,
          kioskId,
          kind: op.kind,
          receipt: op.receipt,
          createdAt: op.createdAt,
          status: outcome.status,
          result: outcome.status === 'rejected' ? null : JSON.stringify(outcome.result),
          error: outcome.status === 'rejected' ? JSON.stringify(outcome.error) : null,
          now,
        })
        return outcome
      })
    const reject = (error: KioskError) => toResult(op.id, finish(() => rejected(error)))

    const createdAt = Date.parse(op.createdAt)
    if (createdAt > now + maxClockSkewMs) return reject({ code: 'BAD_REQUEST', field: 'createdAt' })
    if (now - createdAt > opMaxAgeMs) return reject({ code: 'OP_EXPIRED' })
    if (op.keyId !== ctx.keys.keyId) return reject({ code: 'BAD_REQUEST', field: 'keyId' })

    const spec = operations[op.kind]
    const sensitive = new Set<string>([...spec.secret, ...spec.personal])
    const clearSecret = Object.keys(op.clear).find((key) => sensitive.has(key))
    // A secret or personal field travelling in clear is a kiosk bug: refuse it rather than store it.
    if (clearSecret) return reject({ code: 'BAD_REQUEST', field: clearSecret.slice(0, 64) })

    const opened = await ctx.opener.open(op.sealed, sealingAad(op.id, op.kind))
    if (!isRecord(opened)) return reject({ code: 'BAD_REQUEST', field: 'sealed' })
    // parseOperation, not the bare schema: it loads the common-password list first, without which
    // a password's dictionary and guessability checks would be skipped.
    const parsed = await parseOperation(op.kind, { ...op.clear, ...opened })
    if (!parsed.ok) return reject(parsed.error)

    const env: OpEnv = { ctx, opId: op.id, kioskId, createdAt, now, finish }
    const handler = opHandlers[op.kind] as (env: OpEnv, payload: unknown) => Promise<Outcome>
    return toResult(op.id, await handler(env, parsed.value))
  }

  return {
    /** Answers in batch order. */
    async processBatch(kioskId: string, ops: WireOp[]): Promise<OpResult[]> {
      // One read transaction for the bookkeeping: which ops already have an answer.
      const stored = ctx.db.transaction(() => ops.map((op) => q.get.get(op.id)))()
      const results = await Promise.all(
        ops.map((op, index): Promise<OpResult> => {
          // A resend is the same op: from the same kiosk, of the same kind, with the same receipt. An id
          // reused for another op (a kiosk bug) is refused, not answered with the first op's result.
          const sameOp = (seen: { kiosk_id: string; kind: string; receipt: string }) =>
            seen.kiosk_id === kioskId && seen.kind === op.kind && seen.receipt === op.receipt
          const reused: OpResult = { id: op.id, status: 'rejected', error: { code: 'BAD_REQUEST', field: 'id' } }
          const row = stored[index]
          if (row) return Promise.resolve(sameOp(row) ? rowToResult(row) : reused)
          const running = inflight.get(op.id)
          if (running) return sameOp(running) ? running.done : Promise.resolve(reused)
          const key = op.accountKey ? `${kioskId}\n${op.accountKey}` : `op\n${op.id}`
          const done = inOrder(key, op, () => applyOne(kioskId, op))
          inflight.set(op.id, { kiosk_id: kioskId, kind: op.kind, receipt: op.receipt, done })
          void done.then(() => inflight.delete(op.id))
          return done
        }),
      )
      // Nothing stored for those ops, as for any INTERNAL; the whole answer is the 503 of a damaged
      // database or a failing disk (app.ts), which the kiosk retries later, and the resend gets the
      // others' stored answers.
      const fault = results.find((result) => metReadFault.has(result))
      if (fault) throw metReadFault.get(fault)
      return results
    },

    /** The stored answer of one op of this kiosk. */
    status(kioskId: string, opId: string): OpResult | undefined {
      const row = q.get.get(opId)
      return row && row.kiosk_id === kioskId ? rowToResult(row) : undefined
    },
  }
}

export type OpsProcessor = ReturnType<typeof createOpsProcessor>
