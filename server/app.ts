import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify'
import { sealingSuiteName } from '../src-common/sealing'
import {
  apiPaths,
  devEnrollCodeRequest,
  enrollRequest,
  maxBatchBytes,
  opsRequest,
  receiptQuery,
  receiptResponse,
} from '../src-common/wire'
import type { LimitRule } from '../src-common/rules'
import { normalize } from './accounts'
import type { ServerContext } from './context'
import { isReadFault } from './database'
import { createEnrollmentCode, redeemEnrollmentCode } from './enrollment'
import { addressKey, createFailureLimiter } from './failureLimiter'
import { sendError } from './httpErrors'
import { fieldName, registerInteractiveRoutes } from './interactiveRoutes'
import { localTime } from './localTime'
import { buildOpenApi } from './openapi'
import { createOpsProcessor } from './opsProcessor'
import { createReceiptMisses } from './receiptMisses'
import { createRequestAuth } from './requestAuth'

/** Failed enrolment attempts allowed per client address per window (codes are 80 random bits; this stops noise). */
const enrollFailuresPerWindow = 20
const enrollWindowMs = 10 * 60 * 1000
/** Bodies of the unsigned routes that read one: an enrolment is a code and a name (wire.ts enrollRequest). */
const unsignedBodyLimit = 4096

export async function buildApp(ctx: ServerContext) {
  const app = Fastify({
    loggerInstance: ctx.log,
    bodyLimit: maxBatchBytes,
    return503OnClosing: true,
    ...(ctx.trustProxy.length > 0 ? { trustProxy: ctx.trustProxy } : {}),
    // A path the router refuses before any route (a parameter too long, bad %-encoding) answers in
    // the contract's shape too, not Fastify's own { error: 'Bad Request', code: 'FST_ERR_...' }.
    frameworkErrors: (error, _request, reply) => sendError(reply, { code: 'BAD_REQUEST' }, error.statusCode ?? 400),
  })

  // Keep the body text: the signature covers it byte for byte. It is parsed only by the routes that
  // read a body, and only once the request may be read: signed routes check the signature first
  // (preValidation, in their scope), so no one without a kiosk's credential makes the server parse
  // JSON (up to bodyLimit of it). The unsigned routes that read one (enrolment) take a few KB. A body
  // sent to any other route (health, keys, a path that does not exist) is never parsed: 1 MB of
  // nested arrays costs a JSON.parse 150-450 ms of the one thread every kiosk's requests run on.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = typeof body === 'string' ? body : body.toString('utf8')
    done(null, undefined)
  })
  const parseBody = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.rawBody) return
    try {
      request.body = JSON.parse(request.rawBody)
    } catch {
      return sendError(reply, { code: 'BAD_REQUEST' }, 400)
    }
  }
  /** For an unsigned route that reads a small JSON body: parsed, and no more than a few KB of it. */
  const smallBody = { bodyLimit: unsignedBodyLimit, preHandler: parseBody }

  // After a commit the disk refused, nothing more is taken (see groupCommit.ts): the kiosks keep
  // their ops and send them again once the server is restarted.
  app.addHook('onRequest', async (_request, reply) => {
    if (ctx.commits.failed !== undefined) return sendError(reply, { code: 'INTERNAL' }, 503)
  })
  // No answer leaves before the effects it reports are committed. If the commit is refused, no
  // answer of the burst (nor any after it) says anything but 503: what it reports is gone.
  app.addHook('onSend', async (_request, reply, payload) => {
    // Kiosks set their clocks by this header (sync/centralClient.ts): it tells the clock signatures
    // and op dates are judged by, which is ctx.clock, not necessarily the one Node would write.
    reply.header('date', new Date(ctx.clock()).toUTCString())
    try {
      ctx.commits.flush()
    } catch {
      reply.code(503).header('content-type', 'application/json; charset=utf-8')
      return JSON.stringify({ error: { code: 'INTERNAL' } })
    }
    return payload
  })

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isReadFault(error)) {
      ctx.reportReadFault(error)
      return sendError(reply, { code: 'INTERNAL' }, 503)
    }
    const status = error.statusCode ?? 500
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed')
      return sendError(reply, { code: 'INTERNAL' }, 500)
    }
    // Too large (413), unsupported media type (415), malformed JSON, ...: all malformed requests.
    return sendError(reply, { code: 'BAD_REQUEST' }, status)
  })
  app.setNotFoundHandler((_request, reply) => sendError(reply, { code: 'BAD_REQUEST' }, 404))

  app.get(apiPaths.health, async () => ({ ok: true, time: new Date(ctx.clock()).toISOString() }))
  app.get(apiPaths.keys, async () => ({ suite: sealingSuiteName, keyId: ctx.keys.keyId, publicKey: ctx.keys.publicKey }))
  const openapi = buildOpenApi(ctx.dev)
  app.get(apiPaths.openapi, async () => openapi)

  const enrollFailures = createFailureLimiter(enrollFailuresPerWindow, enrollWindowMs)
  app.post(apiPaths.enroll, smallBody, async (request, reply) => {
    const now = ctx.clock()
    const client = addressKey(request.ip)
    const wait = enrollFailures.retryAfter(client, now)
    if (wait > 0) return sendError(reply, { code: 'RATE_LIMITED', retryAfter: wait })
    const body = enrollRequest.safeParse(request.body)
    if (!body.success) return sendError(reply, { code: 'BAD_REQUEST', ...fieldName(body.error) })
    const redeemed = redeemEnrollmentCode(ctx.db, body.data.code, body.data.name, now)
    if (!redeemed.ok) {
      enrollFailures.failed(client, now)
      // The kiosk reads one answer for all three (登记码无效、已过期或已被使用); the operator it calls
      // reads here which it was, and for which hall.
      if (redeemed.reason === 'unknown') request.log.info('enrolment refused: no such code (mistyped, or cancelled)')
      else {
        const when = localTime(redeemed.at)
        request.log.warn(
          { hall: redeemed.hall, reason: redeemed.reason },
          redeemed.reason === 'expired'
            ? `enrolment refused: the code for this hall expired ${when}; make a new one (enroll-kiosk)`
            : `enrolment refused: the code for this hall was used ${when}; make a new one (enroll-kiosk)`,
        )
      }
      return sendError(reply, { code: 'NOT_ENROLLED' })
    }
    ctx.log.info({ kioskId: redeemed.kioskId }, 'kiosk enrolled')
    return { kioskId: redeemed.kioskId, secret: redeemed.secret, keyId: ctx.keys.keyId, publicKey: ctx.keys.publicKey }
  })

  const processor = createOpsProcessor(ctx)
  const verifySignature = createRequestAuth(ctx)
  // A receipt code is 8 characters: two kiosks may draw the same one. The asking kiosk's own op comes
  // first, so another kiosk's op (by chance, or sent to shadow it) never hides it. A kiosk that
  // enrolled again is no longer the one that sent its earlier ops: it names the op it follows.
  type ReceiptRow = { receipt: string; kind: string; status: string; error: string | null; updated_at: number }
  const receiptRows = {
    any: ctx.db.prepare<[string, string], ReceiptRow>(
      'SELECT receipt, kind, status, error, updated_at FROM ops WHERE receipt = ? ORDER BY kiosk_id = ? DESC, received_at DESC LIMIT 1',
    ),
    op: ctx.db.prepare<[string, string], ReceiptRow>('SELECT receipt, kind, status, error, updated_at FROM ops WHERE receipt = ? AND id = ?'),
  }
  // Codes alone that found nothing, per kiosk and hour (receiptMisses.ts). An op followed by its id
  // (?op) is not a guess: it is not counted.
  const receiptMisses = createReceiptMisses(ctx.db, ctx.keys.pepper)

  await app.register(async (signed) => {
    // preValidation: before the body is parsed (preHandler).
    signed.addHook('preValidation', verifySignature)
    signed.addHook('preHandler', parseBody)

    signed.post(apiPaths.ops, async (request, reply) => {
      const body = opsRequest.safeParse(request.body)
      if (!body.success) return sendError(reply, { code: 'BAD_REQUEST', ...fieldName(body.error) })
      const results = await processor.processBatch(request.kioskId!, body.data.ops)
      const counts = results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {})
      request.log.info({ kioskId: request.kioskId, ops: results.length, ...counts }, 'ops batch')
      return { results }
    })

    signed.get<{ Params: { id: string } }>(apiPaths.opStatus, async (request, reply) => {
      const result = processor.status(request.kioskId!, request.params.id)
      return result ?? sendError(reply, { code: 'OP_NOT_FOUND' })
    })

    signed.get<{ Params: { code: string } }>(apiPaths.receipt, async (request, reply) => {
      const query = receiptQuery.safeParse(request.query)
      if (!query.success) return sendError(reply, { code: 'BAD_REQUEST', ...fieldName(query.error) })
      const code = request.params.code.toUpperCase()
      const { op } = query.data
      if (!/^[0-9A-HJKMNP-TV-Z]{8}$/.test(code)) return sendError(reply, { code: 'OP_NOT_FOUND' })
      const counted = op === undefined ? receiptMisses.count(request.kioskId!, code, ctx.clock(), ctx.limits.receiptMissesPerKioskPerHour) : null
      if (counted && 'retryAfterSec' in counted) {
        return sendError(reply, { code: 'RATE_LIMITED', rule: 'receipt.lookups' satisfies LimitRule, retryAfter: counted.retryAfterSec })
      }
      let row: ReceiptRow | undefined
      try {
        row = op === undefined ? receiptRows.any.get(code, request.kioskId!) : receiptRows.op.get(code, op)
      } catch (error) {
        // A fault here says nothing of the code: not a miss.
        counted?.forgive()
        throw error
      }
      if (!row) return sendError(reply, { code: 'OP_NOT_FOUND' })
      counted?.forgive()
      return receiptResponse.parse({
        receipt: row.receipt,
        kind: row.kind,
        status: row.status,
        ...(row.error ? { error: JSON.parse(row.error) } : {}),
        updatedAt: new Date(row.updated_at).toISOString(),
      })
    })

    await registerInteractiveRoutes(signed, ctx)
  })

  if (ctx.dev) {
    const outbox = ctx.db.prepare('SELECT * FROM dev_outbox ORDER BY id')
    const outboxTo = ctx.db.prepare('SELECT * FROM dev_outbox WHERE recipient = ? ORDER BY id')
    app.get<{ Querystring: { to?: string } }>(apiPaths.devOutbox, async (request) => {
      const to = request.query.to
      const rows = (to ? outboxTo.all(to.includes('@') ? normalize.email(to) : normalize.mobile(to)) : outbox.all()) as {
        id: number
        channel: string
        recipient: string
        subject: string | null
        text: string
        code: string | null
        link: string | null
        created_at: number
      }[]
      return {
        messages: rows.map((row) => ({
          id: row.id,
          channel: row.channel,
          to: row.recipient,
          subject: row.subject,
          text: row.text,
          code: row.code,
          link: row.link,
          createdAt: new Date(row.created_at).toISOString(),
        })),
      }
    })
    app.post(apiPaths.devEnrollCode, smallBody, async (request, reply) => {
      const body = devEnrollCodeRequest.safeParse(request.body ?? {})
      if (!body.success) return sendError(reply, { code: 'BAD_REQUEST', ...fieldName(body.error) })
      return { code: createEnrollmentCode(ctx.db, body.data.name ?? 'demo', ctx.clock()) }
    })
  }

  return app
}
