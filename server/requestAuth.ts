import type { FastifyReply, FastifyRequest } from 'fastify'
import { maxClockSkewMs, signatureHeaders, verifyRequest } from '../src-common/requestSigning'
import type { ServerContext } from './context'
import { sendError } from './httpErrors'

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as received: what the signature covers. */
    rawBody?: string
    /** Set once the request's signature was verified. */
    kioskId?: string
    /** The verified signature's timestamp (ms): a sealed interactive body is bound to it. */
    signedAt?: number
  }
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name]
  return typeof value === 'string' ? value : undefined
}

/**
 * preValidation hook for signed routes (it runs before the body is parsed): known kiosk, HMAC over
 * method, path, timestamp, nonce and body text, timestamp within the skew, and a nonce never seen in
 * the window. Otherwise 401 and nothing changes (the nonce is remembered only for a request that
 * passed every other check).
 */
export function createRequestAuth(ctx: ServerContext) {
  const q = {
    kiosk: ctx.db.prepare<[string], { secret: string; revoked_at: number | null }>(
      'SELECT secret, revoked_at FROM kiosks WHERE id = ?',
    ),
    remember: ctx.db.prepare('INSERT OR IGNORE INTO nonces (kiosk_id, nonce, expires_at) VALUES (?, ?, ?)'),
    forget: ctx.db.prepare('DELETE FROM nonces WHERE expires_at < ?'),
  }
  let sinceCleanup = 0
  /** When each kiosk's clock was last said to be off (a refused kiosk retries every few seconds). */
  const clockWarnedAt = new Map<string, number>()

  return async function verifySignature(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const kioskId = header(request, signatureHeaders.kioskId)
    const timestampText = header(request, signatureHeaders.timestamp)
    const nonce = header(request, signatureHeaders.nonce)
    const signature = header(request, signatureHeaders.signature)
    const unauthorized = () => sendError(reply, { code: 'UNAUTHORIZED' })
    if (!kioskId || !timestampText || !nonce || !signature) return unauthorized()
    if (!/^\d{1,16}$/.test(timestampText) || nonce.length < 8 || nonce.length > 128 || kioskId.length > 64) {
      return unauthorized()
    }
    const timestamp = Number(timestampText)
    const now = ctx.clock()
    const kiosk = q.kiosk.get(kioskId)
    if (!kiosk || kiosk.revoked_at !== null) return unauthorized()
    const valid = await verifyRequest(
      kiosk.secret,
      { method: request.method, path: request.url, timestamp, nonce, body: request.rawBody ?? '' },
      signature,
    )
    if (!valid) return unauthorized()
    if (Math.abs(now - timestamp) > maxClockSkewMs) {
      // Its own request, at another time: said (once a minute per kiosk), since nothing else would
      // tell the operator why a kiosk is refused. Only after the signature, so that no one without
      // a kiosk's secret can fill the log.
      if (now - (clockWarnedAt.get(kioskId) ?? -Infinity) >= 60_000) {
        clockWarnedAt.set(kioskId, now)
        request.log.warn(
          { kioskId, offBySeconds: Math.round((timestamp - now) / 1000) },
          "request refused: the kiosk signed it more than 5 min away from this server's clock. Kiosks take the time from the Date header of this server's answers: check this machine's clock, and that a proxy in front passes that header on (nginx: proxy_pass_header Date)",
        )
      }
      return unauthorized()
    }
    // Remembered until the timestamp falls out of the window on both sides.
    if (q.remember.run(kioskId, nonce, timestamp + maxClockSkewMs * 2).changes === 0) return unauthorized()
    if (++sinceCleanup >= 1000) {
      sinceCleanup = 0
      q.forget.run(now - maxClockSkewMs)
    }
    request.kioskId = kioskId
    request.signedAt = timestamp
  }
}
