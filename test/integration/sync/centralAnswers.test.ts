import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { generateSealingKeyPair } from '../../../src-common/sealing'
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

// The sync engine hears of the link only from its own requests: with nothing queued it makes none.
test('a call that gets no answer is told (log-in, receipt lookup); answers, health probes, pushes and op polls are not', async () => {
  const server = createServer((request, response) => {
    response.setHeader('content-type', 'application/json')
    if (request.url === '/v1/health') return response.end(JSON.stringify({ ok: true, time: new Date().toISOString() }))
    response.statusCode = 404
    response.end(JSON.stringify({ error: { code: 'OP_NOT_FOUND' } }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const client = createCentralClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
  const keys = await generateSealingKeyPair()
  let told = 0
  try {
    client.setCredential({ kioskId: 'kiosk-1', secret: 'a'.repeat(43) })
    client.setCentralKey(keys.publicKey, 'k1')
    client.onCallUnanswered(() => told++)
    assert.equal((await client.receipt('ABCDEFGH')).ok, false)
    assert.equal(told, 0, 'a refusal is an answer')
    await new Promise<void>((resolve) => server.close(() => resolve()))
    client.close()
    for (const own of [await client.health(), await client.pushOps([]), await client.opStatus('op-1')]) assert.equal(own.ok, false)
    assert.equal(told, 0, 'health, pushes and op polls tell the engine themselves')
    const login = await client.login({ idNumber: '11010519491231002X', password: 'Kx9#mq2Lp_' })
    assert.equal(!login.ok && login.error.code, 'NETWORK_UNAVAILABLE')
    assert.equal(told, 1)
    assert.equal((await client.receipt('ABCDEFGH')).ok, false)
    assert.equal(told, 2)
    client.onCallUnanswered(undefined)
    await client.receipt('ABCDEFGH')
    assert.equal(told, 2)
  } finally {
    client.close()
    server.close()
  }
})

