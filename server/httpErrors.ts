import type { FastifyReply } from 'fastify'
import type { KioskError } from '../src-common/errors'
import { httpStatusOf } from '../src-common/wire'

/** Every non-2xx answer: { error } with a src-common code; the status follows wire.ts's table. */
export function sendError(reply: FastifyReply, error: KioskError, status?: number): FastifyReply {
  return reply.code(status ?? httpStatusOf[error.code] ?? 500).send({ error })
}
