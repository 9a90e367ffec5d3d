import { randomUUID } from 'node:crypto'
import svgCaptcha from 'svg-captcha'
import { fail, ok, type Result } from '../../src-common/errors'
import { toHalfWidth } from '../../src-common/rules'

/**
 * Image captchas made on the kiosk itself (no network needed). The text is drawn as SVG paths, so it
 * is not in the DOM. Each captcha answers once: right or wrong, it is gone, and it expires after
 * a few minutes.
 */
export interface CaptchaService {
  create(): { captchaId: string; image: string }
  /** Consumes the captcha; case-, width- and space-insensitive. */
  check(captchaId: string | undefined, answer: string | undefined): Result<true>
  /** The answer of a live captcha, without using it (demo mode's dev.captcha). */
  peek(captchaId: string): string | undefined
  clear(): void
}

export interface CaptchaOptions {
  /** Tests read the answer here to type it like a candidate who can see the image. */
  onCreate?: (captchaId: string, answer: string) => void
  ttlMs?: number
  now?: () => number
}

const maxLive = 200

export function createCaptchaService(options: CaptchaOptions = {}): CaptchaService {
  const now = options.now ?? Date.now
  const ttlMs = options.ttlMs ?? 5 * 60_000
  const live = new Map<string, { answer: string; expiresAt: number }>()
  return {
    create() {
      // Visually ambiguous characters are never drawn: the answer must be readable.
      const { text, data } = svgCaptcha.create({
        size: 4,
        ignoreChars: '0oO1lIi',
        noise: 2,
        color: true,
        background: '#f2f6fc',
        width: 132,
        height: 48,
        fontSize: 50,
      })
      const captchaId = randomUUID()
      if (live.size >= maxLive) live.delete(live.keys().next().value!)
      live.set(captchaId, { answer: text.toUpperCase(), expiresAt: now() + ttlMs })
      options.onCreate?.(captchaId, text)
      return { captchaId, image: `data:image/svg+xml;base64,${Buffer.from(data).toString('base64')}` }
    },
    check(captchaId, answer) {
      const entry = captchaId ? live.get(captchaId) : undefined
      if (captchaId) live.delete(captchaId)
      // A Chinese input method in full-width mode types ＡＢ１２, which looks like what the picture shows.
      const typed = toHalfWidth(answer ?? '').replace(/\s+/g, '').toUpperCase()
      if (!entry || entry.expiresAt <= now() || typed === '' || typed !== entry.answer) {
        return fail('BAD_CAPTCHA', { field: 'captcha' })
      }
      return ok(true)
    },
    peek(captchaId) {
      const entry = live.get(captchaId)
      return entry && entry.expiresAt > now() ? entry.answer : undefined
    },
    clear() {
      live.clear()
    },
  }
}
