import { randomInt, randomUUID } from 'node:crypto'
import { formatHex, wcagContrast } from 'culori'
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
const background = '#f2f6fc'

/**
 * svg-captcha's picture, made readable without making it easier to read for a machine: each letter
 * keeps a random hue but is darkened to WCAG's 4.5:1 against the background (its own colours went
 * down to 1.5:1: yellow, pale green), and the picture is cropped to the letters and stretched over
 * the frame (it left blank bands at both sides). The letters' shapes, jitter, overlaps and the
 * noise lines are svg-captcha's, drawn as before; the lines take the letters' colours.
 */
function readable(svg: string): string {
  const letters = /<path fill="#[0-9a-f]{6}" d="([^"]+)"/gi
  // The letters are absolute M/L/Q/C commands: every other number is an x.
  const xs = [...svg.matchAll(letters)].flatMap(([, d]) => (d!.match(/-?\d+(\.\d+)?/g) ?? []).map(Number).filter((_, i) => i % 2 === 0))
  const left = Math.floor(Math.min(...xs)) - 4
  const width = Math.ceil(Math.max(...xs)) + 4 - left
  return svg
    .replace(/viewBox="0,0,(\d+),(\d+)"/, (_, _width: string, height: string) => `viewBox="${left},0,${width},${height}" preserveAspectRatio="none"`)
    .replace(/<rect width="100%" height="100%"/, `<rect x="${left}" width="${width}" height="100%"`)
    .replace(letters, (_, d: string) => `<path fill="${letterColour()}" d="${d}"`)
    // The noise as dark as the letters: lighter, it would be told apart from them by lightness alone.
    .replace(/stroke="#[0-9a-f]{3,6}"/gi, () => `stroke="${letterColour()}"`)
}

/** A random hue, as svg-captcha picks it, dark enough to read at 4.5:1 on the background. */
function letterColour(): string {
  const h = (randomInt(0, 24) / 24) * 360
  const s = randomInt(60, 81) / 100
  for (let l = randomInt(25, 46) / 100; ; l -= 0.01) {
    // The contrast of the colour as drawn: rounded to #rrggbb first.
    const colour = formatHex({ mode: 'hsl', h, s, l })
    if (wcagContrast(colour, background) >= 4.5) return colour
  }
}

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
        background,
        width: 132,
        height: 48,
        fontSize: 50,
      })
      const captchaId = randomUUID()
      if (live.size >= maxLive) live.delete(live.keys().next().value!)
      live.set(captchaId, { answer: text.toUpperCase(), expiresAt: now() + ttlMs })
      options.onCreate?.(captchaId, text)
      return { captchaId, image: `data:image/svg+xml;base64,${Buffer.from(readable(data)).toString('base64')}` }
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
