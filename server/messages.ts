import nodemailer from 'nodemailer'
import type { Logger } from 'pino'
import type { Db } from './database'
import { maskRecipient } from './masking'

export interface OutgoingMessage {
  to: string
  subject?: string
  text: string
  /** The code the message carries, if any (kept by the dev sink so demos need not parse text). */
  code?: string
  link?: string
}

/** Where SMS and email go. Implementations: the --dev sink, SMTP for email, and a log-only stand-in. */
export interface MessageProvider {
  sms(message: OutgoingMessage): Promise<void>
  email(message: OutgoingMessage): Promise<void>
}

/** --dev: keeps every message in the database, listed at GET /dev/outbox. */
export function createDevSink(db: Db, clock: () => number): MessageProvider {
  const insert = db.prepare(
    `INSERT INTO dev_outbox (channel, recipient, subject, text, code, link, created_at)
     VALUES (@channel, @recipient, @subject, @text, @code, @link, @createdAt)`,
  )
  const store = (channel: 'sms' | 'email', m: OutgoingMessage) => {
    insert.run({
      channel,
      recipient: m.to,
      subject: m.subject ?? null,
      text: m.text,
      code: m.code ?? null,
      link: m.link ?? null,
      createdAt: clock(),
    })
    return Promise.resolve()
  }
  return { sms: (m) => store('sms', m), email: (m) => store('email', m) }
}

/** No provider configured: the message is dropped and a warning (masked recipient, no content) logged. */
export function createUnconfiguredProvider(log: Logger): MessageProvider {
  const drop = (channel: string, m: OutgoingMessage) => {
    log.warn({ channel, to: maskRecipient(m.to) }, 'no message provider configured: message not delivered')
    return Promise.resolve()
  }
  return { sms: (m) => drop('sms', m), email: (m) => drop('email', m) }
}

/** Email over SMTP with nodemailer; `transport` is SMTP_URL or any nodemailer transport options. */
export function createSmtpEmail(transport: string | Parameters<typeof nodemailer.createTransport>[0], from: string) {
  const transporter = nodemailer.createTransport(transport)
  return {
    transporter,
    async email(m: OutgoingMessage): Promise<void> {
      await transporter.sendMail({ from, to: m.to, subject: m.subject ?? 'ETEST', text: m.text })
    },
  }
}

/**
 * Production wiring from the environment: SMTP_URL (e.g. smtps://user:pass@mail.example.com:465) and
 * SMTP_FROM for email. SMS has no production provider here: it is logged as undelivered.
 */
export function providerFromEnv(env: NodeJS.ProcessEnv, log: Logger): MessageProvider {
  const fallback = createUnconfiguredProvider(log)
  if (!env.SMTP_URL) return fallback
  const smtp = createSmtpEmail(env.SMTP_URL, env.SMTP_FROM ?? 'ETEST <no-reply@localhost>')
  return { sms: fallback.sms, email: smtp.email }
}
