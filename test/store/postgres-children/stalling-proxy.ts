/**
 * A TCP proxy in front of the test server that can stall: stop passing bytes on, in one direction
 * or both, without closing anything, as a pulled cable or a firewall dropping packets would. The
 * store cannot tell a stalled network from a slow server; only its own timeouts get it out.
 *
 * When one side closes, the proxy closes the other, so that the server notices a client that gave
 * up (as it would over a real network once its keepalive fires).
 */
import { connect, createServer, type Socket } from 'node:net'
import { TEST_DATABASE_URL } from './database.js'

/** Which bytes no longer get through. */
export type Stall = 'both' | 'to-client'

/** A running proxy. */
export interface StallingProxy {
  /** The test server's URL, through the proxy. */
  readonly url: string
  /** From now on, drops what goes `direction` (both ways by default); closes nothing. */
  readonly stall: (direction?: Stall) => void
  /** Closes every connection and the proxy. */
  readonly close: () => Promise<void>
}

/** Starts a proxy to the server of `target` (the test server by default). */
export const stallingProxy = async (target = TEST_DATABASE_URL): Promise<StallingProxy> => {
  const upstream = new URL(target)
  const sockets: Socket[] = []
  let stalled: Stall | undefined
  const proxy = createServer((client) => {
    const server = connect(Number(upstream.port || 5432), upstream.hostname)
    sockets.push(client, server)
    client.on('data', (chunk) => void (stalled === 'both' ? undefined : server.write(chunk)))
    server.on('data', (chunk) => void (stalled === undefined ? client.write(chunk) : undefined))
    client.on('close', () => server.destroy())
    server.on('close', () => client.destroy())
    client.on('error', () => undefined)
    server.on('error', () => undefined)
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  const address = proxy.address()
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port')
  const url = new URL(target)
  url.host = `127.0.0.1:${address.port}`
  return {
    url: url.toString(),
    stall: (direction = 'both') => {
      stalled = direction
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => proxy.close(() => resolve()))
    },
  }
}
