import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventFrame, framePayload, textFrame } from '../../../gateway/src/ws/event-frames';
import type { WireEvent } from '../../../shared/protocol/lookout-wire';
import { waitFor } from '../../support/wait';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** A bare TCP server that completes one WebSocket handshake, then writes what it is given. */
async function frameServer(): Promise<{ server: Server; url: string; socket: Promise<Socket> }> {
  let resolveSocket: (s: Socket) => void = () => undefined;
  const socket = new Promise<Socket>((r) => (resolveSocket = r));
  const server = createServer((s) => {
    let head = '';
    s.on('data', (chunk) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const key = /sec-websocket-key: *(\S+)/i.exec(head)?.[1] ?? '';
      const accept = createHash('sha1').update(`${key}${GUID}`).digest('base64');
      s.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      resolveSocket(s);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, url: `ws://127.0.0.1:${port}/`, socket };
}

function event(title: string): WireEvent {
  return {
    type: 'event',
    channel: 'stats',
    seq: 1,
    id: 'stats:1',
    kind: 'alert',
    severity: 'info',
    title,
    body: '',
    time: 0,
    data: {},
  };
}

describe('prebuilt event frames', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  it('are read by a real ws client as the same text, at every length encoding, in order', async () => {
    const { server, url, socket } = await frameServer();
    const client = new WebSocket(url);
    cleanups.push(
      () => client.terminate(),
      () => server.close(),
    );
    const got: Array<{ text: string; binary: boolean }> = [];
    client.on('message', (data, isBinary) => got.push({ text: String(data), binary: isBinary }));
    await new Promise((r) => client.once('open', r));
    // 7-bit, 16-bit and 64-bit lengths (RFC 6455 §5.2), the edges of each, and multi-byte UTF-8.
    const texts = [
      '',
      'x'.repeat(125),
      'é'.repeat(63),
      'x'.repeat(126),
      'x'.repeat(65_535),
      'x'.repeat(65_536),
      `“${'y'.repeat(100_000)}”`,
    ];
    const server_ = await socket;
    for (const t of texts) server_.write(textFrame(Buffer.from(t, 'utf8')));
    await waitFor(() => got.length === texts.length, { what: 'every frame' });
    expect(got).toEqual(texts.map((text) => ({ text, binary: false })));
  });

  it('build one frame per event, shared by every socket, holding its JSON', () => {
    const e = event('Harbor Yoga “café” updated');
    const frame = eventFrame(e);
    expect(eventFrame(e)).toBe(frame);
    expect(JSON.parse(framePayload(frame).toString('utf8'))).toEqual(e);
    const big = event('z'.repeat(70_000));
    expect(JSON.parse(framePayload(eventFrame(big)).toString('utf8'))).toEqual(big);
  });
});
