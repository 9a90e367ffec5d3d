import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { appOrigin, serveAppRequest } from '../../../src-main/shell/appProtocol'

/**
 * Serves the built renderer on loopback exactly as the app:// protocol handler serves it in
 * Electron (same handler, same CSP header), so the browser tests load the same bytes.
 */
export async function startRendererServer(
  rendererDir: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (request, response) => {
    const answer = await serveAppRequest(rendererDir, `${appOrigin}${request.url ?? '/'}`)
    response.writeHead(answer.status, Object.fromEntries(answer.headers))
    response.end(Buffer.from(await answer.arrayBuffer()))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    // The test's page is still open at teardown: a connection it holds with a request under way kept
    // close() waiting past the test's timeout once in CI. Nothing more is served, so all are cut.
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
