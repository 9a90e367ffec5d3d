/**
 * Chinese input methods type full-width forms (１３８, ＡＢＣ, ＠, the ideographic space) that look like
 * ASCII on screen. Every identifier is folded to half-width before it is checked, so the candidate is
 * not told "wrong format" for something that looks right.
 */
export function toHalfWidth(value: string): string {
  return value.replace(/[\uFF01-\uFF5E\u3000]/g, (ch) =>
    ch === '\u3000' ? ' ' : String.fromCharCode(ch.charCodeAt(0) - 0xfee0),
  )
}

/** The first character (code point) of `value` that `allowed` rejects, for messages that name it. */
export function firstDisallowed(value: string, allowed: RegExp): string | undefined {
  for (const ch of value) if (!allowed.test(ch)) return ch
  return undefined
}
