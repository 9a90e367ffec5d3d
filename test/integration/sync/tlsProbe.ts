import { createCentralClient } from '../../../sync/centralClient'

// Run as a child process by centralTls.test.ts, because Node reads NODE_EXTRA_CA_CERTS only when a
// process starts: probes GET /v1/health at each base URL given and prints what the kiosk's client
// answered for each, as JSON.
const answers: Record<string, string> = {}
for (const baseUrl of process.argv.slice(2)) {
  const client = createCentralClient({ baseUrl, timeoutMs: 5_000 })
  const r = await client.health()
  answers[baseUrl] = r.ok ? 'ok' : r.error.code
  client.close()
}
console.log(JSON.stringify(answers))
