import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { contentSecurityPolicy } from './contentSecurityPolicy'

/**
 * The renderer is served from app://kiosk/ rather than file:// (Electron security checklist:
 * a custom protocol confines the page to the app's own files, path by path).
 */
export const appScheme = 'app'
export const appOrigin = 'app://kiosk'

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.json': 'application/json',
}

// WHATWG URL gives non-special schemes the origin "null", so compare scheme and host instead.
function isAppLocation(url: URL): boolean {
  return url.protocol === `${appScheme}:` && url.host === 'kiosk'
}

export function isAppUrl(url: string): boolean {
  try {
    return isAppLocation(new URL(url))
  } catch {
    return false
  }
}

/**
 * The page a main built by `electron-vite dev` loads: its dev server's (ELECTRON_RENDERER_URL), and
 * only pages of that origin count as the app's. A main built for the kiosk (`devBuild` false, fixed at
 * build time) never takes its page's address from the environment.
 */
export function devServerPage(devBuild: boolean, rendererUrl: string | undefined): { url: string; isDevUrl: (url: string) => boolean } | undefined {
  if (!devBuild || rendererUrl === undefined) return undefined
  const origin = webOriginOf(rendererUrl)
  if (origin === undefined) return undefined
  return { url: rendererUrl, isDevUrl: (url) => webOriginOf(url) === origin }
}

/** An http(s) address's origin; undefined for anything else (blob:, data:, file:, not a URL). */
function webOriginOf(url: string): string | undefined {
  try {
    const parsed = new URL(url)
    return /^https?:$/.test(parsed.protocol) ? parsed.origin : undefined
  } catch {
    return undefined
  }
}

/** Maps app://kiosk/<path> to a file under rendererDir; anything outside it, or another host, is 404. */
export async function serveAppRequest(rendererDir: string, requestUrl: string): Promise<Response> {
  const url = new URL(requestUrl)
  if (!isAppLocation(url)) return new Response('not found', { status: 404 })
  // A path that is not valid %-encoding is no file of ours: 404, not a handler that throws.
  let relative: string
  try {
    relative = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)
  } catch {
    return new Response('not found', { status: 404 })
  }
  const file = normalize(join(rendererDir, relative))
  if (!file.startsWith(normalize(rendererDir) + sep)) return new Response('not found', { status: 404 })
  try {
    const body = await readFile(file)
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': mimeTypes[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': contentSecurityPolicy,
        'x-content-type-options': 'nosniff',
      },
    })
  } catch {
    return new Response('not found', { status: 404 })
  }
}
