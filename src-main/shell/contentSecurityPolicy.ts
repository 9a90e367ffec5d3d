/**
 * The renderer's Content-Security-Policy: only the app's own scripts, no eval, no remote content,
 * no plugins, no framing, no form posts. Element Plus sets inline style attributes, hence the one
 * 'unsafe-inline' for styles (scripts stay strict). Images may be data: URLs (captcha, QR codes).
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ')
