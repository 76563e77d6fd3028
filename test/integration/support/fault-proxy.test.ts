import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultProxy } from '../../support/fault-proxy';
import { sleep, waitFor } from '../../support/wait';

/**
 * The proxy may only misbehave as a network does: late, slow, held while the path is down, but
 * never reordered and never with a hole in a connection that lives on. A proxy that breaks that
 * makes the suites it serves fail (or pass) for reasons no user ever meets.
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** A server that records every byte it receives, and a client through the proxy. */
async function setup() {
  let received = '';
  const sockets: Socket[] = [];
  const server: Server = createServer((s) => {
    sockets.push(s);
    s.on('data', (d) => (received += d.toString()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const proxy = await new FaultProxy(port).start();
  const client = createConnection({ host: '127.0.0.1', port: proxy.port });
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  cleanups.push(async () => {
    client.destroy();
    await proxy.stop();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { proxy, client, received: () => received };
}

describe('FaultProxy', () => {
  it('keeps byte order when the delay shrinks while chunks are still held', async () => {
    const { proxy, client, received } = await setup();
    proxy.setDelay(150);
    proxy.setTrickle(2);
    client.write('first-');
    await sleep(30);
    proxy.setDelay(0);
    proxy.setTrickle(0);
    client.write('second');
    await waitFor(() => received().length === 12, { what: 'all bytes' });
    expect(received()).toBe('first-second');
  });

  it('holds what is sent during a pause and delivers it, in order, when the path heals', async () => {
    const { proxy, client, received } = await setup();
    client.write('a');
    await waitFor(() => received() === 'a');
    proxy.pause();
    client.write('b');
    client.write('c');
    await sleep(100);
    expect(received()).toBe('a');
    proxy.resume();
    client.write('d');
    await waitFor(() => received() === 'abcd', { what: 'held bytes' });
  });
});
