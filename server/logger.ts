import pino, { type Logger } from 'pino'

/**
 * Paths pino removes from every log line. The code logs only ids, kinds and masked values; this is
 * the net under it: any object that ever carries one of these keys is censored.
 */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers["x-kiosk-signature"]',
  'req.headers["x-kiosk-nonce"]',
  ...[
    'password',
    'newPassword',
    'oldPassword',
    'code',
    'smsCode',
    'emailCode',
    'verificationToken',
    'sessionToken',
    'token',
    'secret',
    'idNumber',
    'name',
    'mobile',
    'newMobile',
    'email',
    'statement',
    'privateKey',
  ].flatMap((key) => [key, `*.${key}`]),
]

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths: redactedPaths, censor: '[redacted]' },
      // A URL can carry a receipt code or an op id in its path, a mobile in its query (/dev/outbox):
      // the route's pattern is logged (/v1/receipts/:code), never what filled it in.
      serializers: {
        req: (req: { method: string; id?: string; routeOptions?: { url?: string } }) => ({
          method: req.method,
          route: req.routeOptions?.url ?? '(no route)',
          id: req.id,
        }),
      },
    },
    options.destination,
  )
}
