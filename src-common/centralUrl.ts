/**
 * Where a kiosk may find its central API. The kiosk takes the central public key from its enrolment
 * answer: over plain http anyone on the campus network could answer with their own key (and read
 * every sealed payload after it) or fake results. So https, and plain http only to a server on this
 * machine (demo mode, tests, a local relay).
 */
export function isTrustedCentralUrl(value: string): boolean {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return false
  }
  if (url.protocol === 'https:') return url.hostname !== ''
  return url.protocol === 'http:' && (url.hostname === 'localhost' || url.hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(url.hostname))
}
