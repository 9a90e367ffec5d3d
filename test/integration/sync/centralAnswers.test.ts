import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createCentralClient } from '../../../sync/centralClient'

// What the kiosk shows from a central server's answer is checked first: a server taken over (or a
// relay holding a trusted certificate) must not put its own text where a receipt code goes, which
// the progress screen turns into a QR code under 扫码查询进度.
test('a receipt lookup answered with anything but a receipt code is refused, not shown', async () => {
  const server = createServer((request, response) => {
    response.setHeader('content-type', 'application/json')
    const now = new Date()
    if (request.url === '/v1/health') return response.end(JSON.stringify({ ok: true, time: now.toISOString() }))
    if (request.url?.startsWith('/v1/receipts/')) {
      return response.end(JSON.stringify({ receipt: 'https://evil.example/etest-login', kind: 'appeal', status: 'pending', updatedAt: now.toISOString() }))
    }
    response.statusCode = 404
    response.end('{}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const client = createCentralClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
  try {
    client.setCredential({ kioskId: 'kiosk-1', secret: 'a'.repeat(43) })
    const answer = await client.receipt('ABCDEFGH')
    assert.equal(answer.ok, false)
    assert.equal(!answer.ok && answer.error.code, 'INTERNAL')
  } finally {
    client.close()
    server.close()
  }
})
