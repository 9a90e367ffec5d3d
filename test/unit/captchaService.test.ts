import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { wcagContrast } from 'culori'
import { createCaptchaService } from '../../src-main/services/captchaService'

/** The picture as the kiosk shows it: 150×50 px less the frame's 1 px border (CaptchaField.vue). */
const frame = { width: 148, height: 48 }

function drawn(image: string) {
  const svg = Buffer.from(image.replace(/^data:image\/svg\+xml;base64,/, ''), 'base64').toString('utf8')
  const [vbX, vbY, vbWidth, vbHeight] = /viewBox="([^"]+)"/.exec(svg)![1]!.split(/[ ,]+/).map(Number) as [number, number, number, number]
  const stretched = /preserveAspectRatio="none"/.test(svg)
  const background = /<rect[^>]*fill="(#[0-9a-f]{6})"/i.exec(svg)![1]!
  // The letters are filled paths; the noise is stroked lines across them.
  const letters = [...svg.matchAll(/<path fill="(#[0-9a-f]{6})" d="([^"]+)"/gi)].map(([, fill, d]) => ({ fill: fill!, d: d! }))
  const noise = [...svg.matchAll(/<path [^>]*stroke="(#[0-9a-f]{6})"/gi)].map(([, stroke]) => stroke!)
  // svg-captcha's letters are absolute M/L/Q/C commands: every other number is an x.
  const xs = letters.flatMap(({ d }) => (d.match(/-?\d+(\.\d+)?/g) ?? []).map(Number).filter((_, i) => i % 2 === 0))
  // How the img maps the picture into the frame: stretched to it, or fitted whole and centred (SVG's default).
  const scaleX = stretched ? frame.width / vbWidth : Math.min(frame.width / vbWidth, frame.height / vbHeight)
  const offsetX = stretched ? 0 : (frame.width - vbWidth * scaleX) / 2
  const toFrame = (x: number) => offsetX + (x - vbX) * scaleX
  return { background, letters, noise, left: toFrame(Math.min(...xs)), right: toFrame(Math.max(...xs)), vbY }
}

describe('the captcha picture', () => {
  test('every letter reads at 4.5:1 or more against the picture’s background, in a colour of its own, and so do the noise lines', () => {
    const captcha = createCaptchaService()
    const fills = new Set<string>()
    for (let i = 0; i < 300; i++) {
      const { background, letters, noise } = drawn(captcha.create().image)
      assert.equal(letters.length, 4)
      // Lines paler than the letters would be told apart from them by lightness alone.
      for (const fill of [...letters.map((letter) => letter.fill), ...noise]) {
        fills.add(fill)
        assert.ok(wcagContrast(fill, background) >= 4.5, `${fill} on ${background}: ${wcagContrast(fill, background).toFixed(2)}:1`)
      }
    }
    // Still coloured at random, not one safe ink a machine could pick out.
    assert.ok(fills.size > 100, `${fills.size} colours`)
  })

  test('the letters fill the frame’s width, with the noise lines still drawn across them', () => {
    const captcha = createCaptchaService()
    for (let i = 0; i < 300; i++) {
      const { left, right, noise } = drawn(captcha.create().image)
      assert.equal(noise.length, 2)
      assert.ok(left >= 0 && left <= 8, `the letters start ${left.toFixed(1)} px into the frame`)
      assert.ok(right <= frame.width && right >= frame.width - 8, `the letters end ${(frame.width - right).toFixed(1)} px before the frame's edge`)
    }
  })
})
