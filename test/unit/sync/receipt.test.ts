import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { newReceipt, normaliseReceipt, receiptPattern } from '../../../sync/receipt'

describe('receipt codes', () => {
  test('are 8 Crockford base32 characters, every character of the alphabet in every place, about equally often', () => {
    const draws = 32_000
    const counts = Array.from({ length: 8 }, () => new Map<string, number>())
    const seen = new Set<string>()
    for (let i = 0; i < draws; i++) {
      const code = newReceipt()
      assert.match(code, receiptPattern)
      seen.add(code)
      for (let place = 0; place < 8; place++) {
        const char = code[place] as string
        counts[place]!.set(char, (counts[place]!.get(char) ?? 0) + 1)
      }
    }
    // 40 random bits: two equal codes among 32,000 would happen about once in 2,000 runs.
    assert.ok(seen.size >= draws - 1, `${draws - seen.size} repeated codes`)
    // Each character is expected 1,000 times per place (standard deviation about 31): 25 % off is 8 of them.
    for (const [place, count] of counts.entries()) {
      assert.equal(count.size, 32, `place ${place} uses ${count.size} of 32 characters`)
      for (const [char, n] of count) assert.ok(Math.abs(n - draws / 32) < draws / 32 / 4, `place ${place}: ${char} drawn ${n} times`)
    }
  })

  test('read back as typed: lower case, O for 0, I or L for 1, dashes and spaces, full-width forms', () => {
    const code = newReceipt()
    assert.equal(normaliseReceipt(code.toLowerCase()), code)
    assert.equal(normaliseReceipt(`${code.slice(0, 4)}-${code.slice(4)}`), code)
    assert.equal(normaliseReceipt('oI l0 - 12 34'), '01101234')
    // A Chinese input method's full-width forms, its dash and its space included.
    const fullWidth = (text: string) => text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
    assert.equal(normaliseReceipt(fullWidth(code.toLowerCase())), code)
    assert.equal(normaliseReceipt(`${fullWidth(code.slice(0, 4))}－\u3000${fullWidth(code.slice(4))}`), code)
  })
})
