import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/**
 * A fault-injecting HTTP proxy for sync tests: it sits on loopback between the kiosk's central
 * client and the reference server and, request by request, does what the schedule says. The faults
 * are those of a campus network: refused connections, resets before or in the middle of a request,
 * delays, 5xx and 429 answers, and the worst one for exactly-once delivery, a response lost after
 * the server applied the batch.
 */

export type Fault =
  | { kind: 'pass' }
  /** Wait, then forward. */
  | { kind: 'delay'; ms: number }
  /** Stop listening for `ms` (new connections are refused) and drop this request unanswered. */
  | { kind: 'refuse'; ms: number }
  /** Reset the connection as soon as the request starts: the server sees nothing. */
  | { kind: 'resetMidRequest' }
  /** Answer 500 without forwarding. */
  | { kind: 'status500' }
  /** Answer 503 or 429 with a Retry-After header, without forwarding. */
  /** `dateSkewMs`: Retry-After as an HTTP date, in a clock that far off this machine's, which also writes the Date header. */
  | { kind: 'busy'; status: 429 | 503; retryAfterSeconds: number; dateSkewMs?: number }
  /** Forward, let the server apply, then reset the connection instead of answering. */
  | { kind: 'loseResponse' }
  /** Forward, then send the headers and half the body and reset. */
  | { kind: 'truncateResponse' }
  /** Forward, let the server apply, then answer 502 as a broken gateway would. */
  | { kind: 'applyThen502' }
  /** Forward, then answer the first op of a push as the server does after a bug: rejected INTERNAL (not stored). */
  | { kind: 'firstOpInternal' }
  /** Forward, then answer the first op of a push with an error code newer than the kiosk (a newer server). */
  | { kind: 'firstOpUnknownCode' }
  /** Answer with the proxy's own HTML page (a 404 while the server is redeployed, a WAF's 400), without forwarding. */
  | { kind: 'page'; status: number }

export interface RequestInfo {
  method: string
  path: string
  /** 0-based count of requests seen by this proxy. */
  index: number
}

export type Schedule = (request: RequestInfo) => Fault

export interface FaultProxy {
  url: string
  port: number
  /** Replace what happens to the next requests. */
  setSchedule(schedule: Schedule): void
  /** How many times each fault kind was applied. */
  readonly applied: Record<Fault['kind'], number>
  /** Requests the server actually received through the proxy (forwarded). */
  readonly forwarded: number
  close(): Promise<void>
}

export const passAll: Schedule = () => ({ kind: 'pass' })

const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade', 'content-length'])

export async function startFaultProxy(upstreamUrl: string, schedule: Schedule = passAll): Promise<FaultProxy> {
  const upstream = new URL(upstreamUrl)
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 })
  let current = schedule
  let index = 0
  let forwarded = 0
  let closing = false
  let refusingUntil = 0
  const applied = { pass: 0, delay: 0, refuse: 0, resetMidRequest: 0, status500: 0, busy: 0, loseResponse: 0, truncateResponse: 0, applyThen502: 0, firstOpInternal: 0, firstOpUnknownCode: 0, page: 0 }
  const sockets = new Set<Socket>()

  function readBody(req: http.IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => resolve(Buffer.concat(chunks)))
      req.on('error', reject)
    })
  }

  function forward(req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    forwarded++
    return new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = {}
      for (const [k, v] of Object.entries(req.headers)) if (!hopByHop.has(k) && v !== undefined) headers[k] = v
      headers['content-length'] = String(body.length)
      const out = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }))
          res.on('error', reject)
        },
      )
      out.on('error', reject)
      out.end(body)
    })
  }

  function reply(res: http.ServerResponse, status: number, headers: http.IncomingHttpHeaders, body: Buffer) {
    const out: http.OutgoingHttpHeaders = {}
    for (const [k, v] of Object.entries(headers)) if (!hopByHop.has(k) && v !== undefined) out[k] = v
    out['content-length'] = String(body.length)
    res.writeHead(status, out)
    res.end(body)
  }

  const errorBody = (code: string) => Buffer.from(JSON.stringify({ error: { code } }))

  const server = http.createServer((req, res) => {
    const fault = current({ method: req.method ?? 'GET', path: req.url ?? '/', index: index++ })
    applied[fault.kind]++
    void (async () => {
      if (fault.kind === 'resetMidRequest') {
        req.socket.destroy()
        return
      }
      if (fault.kind === 'refuse') {
        req.socket.destroy()
        await refuseFor(fault.ms)
        return
      }
      const body = await readBody(req)
      switch (fault.kind) {
        case 'status500':
          return reply(res, 500, { 'content-type': 'application/json' }, errorBody('INTERNAL'))
        case 'page':
          return reply(res, fault.status, { 'content-type': 'text/html' }, Buffer.from(`<html><body><h1>${fault.status}</h1>nginx</body></html>`))
        case 'busy':
          return reply(
            res,
            fault.status,
            fault.dateSkewMs === undefined
              ? { 'content-type': 'application/json', 'retry-after': String(fault.retryAfterSeconds) }
              : {
                  'content-type': 'application/json',
                  date: new Date(Date.now() + fault.dateSkewMs).toUTCString(),
                  'retry-after': new Date(Date.now() + fault.dateSkewMs + fault.retryAfterSeconds * 1000).toUTCString(),
                },
            errorBody(fault.status === 429 ? 'RATE_LIMITED' : 'INTERNAL'),
          )
        case 'delay':
          await new Promise((r) => setTimeout(r, fault.ms))
          break
        default:
          break
      }
      const answer = await forward(req, body)
      switch (fault.kind) {
        case 'loseResponse':
          req.socket.destroy()
          return
        case 'truncateResponse': {
          res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': String(answer.body.length) })
          res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)))
          setImmediate(() => req.socket.destroy())
          return
        }
        case 'applyThen502':
          return reply(res, 502, { 'content-type': 'text/html' }, Buffer.from('<html>Bad Gateway</html>'))
        case 'firstOpInternal':
        case 'firstOpUnknownCode': {
          const parsed = JSON.parse(answer.body.toString()) as { results?: { id: string }[] }
          const first = parsed.results?.[0]
          const code = fault.kind === 'firstOpInternal' ? 'INTERNAL' : 'EXAM_SEASON_CLOSED'
          if (first) parsed.results?.splice(0, 1, { id: first.id, status: 'rejected', error: { code } } as { id: string })
          return reply(res, answer.status, answer.headers, Buffer.from(JSON.stringify(parsed)))
        }
        default:
          return reply(res, answer.status, answer.headers, answer.body)
      }
    })().catch(() => {
      // The upstream went away mid-request: the client sees a reset, as it would in the field.
      req.socket.destroy()
    })
  })
  server.keepAliveTimeout = 5_000
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port

  async function refuseFor(ms: number) {
    const until = Date.now() + ms
    if (refusingUntil >= until) return
    const wasListening = refusingUntil < Date.now()
    refusingUntil = until
    if (!wasListening) return
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      for (const s of sockets) s.destroy()
    })
    while (!closing && Date.now() < refusingUntil) await new Promise((r) => setTimeout(r, Math.max(1, refusingUntil - Date.now())))
    if (closing) return
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject)
        resolve()
      })
    })
  }

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setSchedule(next) {
      current = next
    },
    applied,
    get forwarded() {
      return forwarded
    },
    async close() {
      closing = true
      for (const s of sockets) s.destroy()
      agent.destroy()
      await new Promise<void>((resolve) => {
        if (!server.listening) return resolve()
        server.close(() => resolve())
      })
    },
  }
}
