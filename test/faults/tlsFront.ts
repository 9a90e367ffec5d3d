import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:tls'

export interface TlsFront {
  /** https://127.0.0.1:<port> */
  url: string
  /** The front's self-signed certificate (PEM), for NODE_EXTRA_CA_CERTS. */
  certFile: string
  close(): Promise<void>
}

/**
 * An https front on loopback, as a central server behind a hall's private CA looks to a kiosk nobody
 * configured: a fresh self-signed certificate (openssl), valid for 127.0.0.1 only, that nothing
 * trusts unless told to. Connections are piped to `upstream` (an http server on loopback) if given.
 */
export async function startTlsFront(upstream?: string): Promise<TlsFront> {
  const dir = mkdtempSync(join(tmpdir(), 'tls-front-'))
  const certFile = join(dir, 'cert.pem')
  const keyFile = join(dir, 'key.pem')
  // -addext: "localhost" is another name, which a client's host-name check must refuse.
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'],
      ...['-keyout', keyFile, '-out', certFile, '-subj', '/CN=central.test', '-addext', 'subjectAltName=IP:127.0.0.1'],
    ],
    { stdio: 'ignore' },
  )
  const target = upstream ? new URL(upstream) : null
  const server = createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (socket) => {
    if (!target) return socket.destroy()
    const up = connect(Number(target.port), target.hostname)
    socket.pipe(up).pipe(socket)
    socket.on('error', () => up.destroy())
    up.on('error', () => socket.destroy())
  })
  // A client that refuses the certificate aborts the handshake: not the front's error.
  server.on('tlsClientError', () => undefined)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `https://127.0.0.1:${port}`,
    certFile,
    close: async () => {
      await new Promise((resolve) => server.close(resolve))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
