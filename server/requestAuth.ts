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
    seen: ctx.db.prepare<[string, string], number>('SELECT 1 FROM nonces WHERE kiosk_id = ? AND nonce = ?').pluck(),
    // A request of the kiosk taken, signed within a window of now on either side: its nonce expires
    // 2 windows after its timestamp, so between 1 and 3 windows from now. Not one signed later than
    // that: taken before this server's clock was set back, it says nothing of the kiosk's clock now.
    onTime: ctx.db
      .prepare<[string, number, number], number>(
        'SELECT 1 FROM nonces WHERE kiosk_id = ? AND expires_at > ? AND expires_at <= ? LIMIT 1',
      )
      .pluck(),
    forget: ctx.db.prepare('DELETE FROM nonces WHERE expires_at < ?'),
  }
  let sinceCleanup = 0
  // Each said at most once a minute per kiosk: a refused kiosk retries every few seconds, and a
  // replay may come in a flood. Apart, so that replays never use up a clock warning.
  const clockWarning = oncePerMinute()
  const replayWarning = oncePerMinute()

  /**
   * A request the kiosk signed (the signature verified) that is not new: its nonce was taken before,
   * or it is out of the window while the kiosk's own requests of the last minutes were on time, so
   * that its clock is not the reason. Something on the way sent it again, later: one signed ahead of
   * this server's clock is a clock's matter (this server's set back, say), never a replay's.
   */
  const isReplay = (kioskId: string, nonce: string, timestamp: number, now: number) =>
    q.seen.get(kioskId, nonce) !== undefined ||
    (timestamp < now && q.onTime.get(kioskId, now + maxClockSkewMs, now + 3 * maxClockSkewMs) !== undefined)
  const logReplay = (request: FastifyRequest, kioskId: string, timestamp: number, now: number) => {
    if (!replayWarning(kioskId, now)) return
    request.log.warn(
      { kioskId, signedSecondsAgo: Math.round((now - timestamp) / 1000) },
      'request refused: a replay of a request this kiosk signed earlier (its nonce was used already, or its own requests of the last minutes were on time): something on the way sent it again, a proxy retrying or someone who copied it. Nothing was changed; if it goes on, check the network between that kiosk and this server',
    )
  }

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
      // Only after the signature, so that no one without a kiosk's secret can fill the log.
      if (isReplay(kioskId, nonce, timestamp, now)) {
        logReplay(request, kioskId, timestamp, now)
        return unauthorized()
      }
      // Its own new request, at another time: said, since nothing else would tell the operator why
      // a kiosk is refused.
      if (clockWarning(kioskId, now)) {
        request.log.warn(
          { kioskId, offBySeconds: Math.round((timestamp - now) / 1000) },
          "request refused: the kiosk signed it more than 5 min away from this server's clock. Kiosks take the time from the Date header of this server's answers: check this machine's clock, and that a proxy in front passes that header on (nginx: proxy_pass_header Date)",
        )
      }
      return unauthorized()
    }
    // Remembered until the timestamp falls out of the window on both sides.
    if (q.remember.run(kioskId, nonce, timestamp + maxClockSkewMs * 2).changes === 0) {
      logReplay(request, kioskId, timestamp, now)
      return unauthorized()
    }
    if (++sinceCleanup >= 1000) {
      sinceCleanup = 0
      q.forget.run(now - maxClockSkewMs)
    }
    request.kioskId = kioskId
    request.signedAt = timestamp
  }
}

/** A per-kiosk gate that opens at most once a minute: true when the caller may log now. */
function oncePerMinute(): (kioskId: string, now: number) => boolean {
  const saidAt = new Map<string, number>()
  return (kioskId, now) => {
    // A clock set back since reopens it: the minute is not counted from a time still to come.
    const since = now - (saidAt.get(kioskId) ?? -Infinity)
    if (since >= 0 && since < 60_000) return false
    saidAt.set(kioskId, now)
    return true
  }
}
