import type { WireEvent } from '../../../shared/protocol/lookout-wire';

/**
 * One event goes to every subscriber as the same object: build its whole WebSocket frame once
 * (JSON, UTF-8, and the RFC 6455 header of an unmasked, final text frame), not once per client.
 * With a thousand subscribers that is one `JSON.stringify` and one frame instead of a thousand
 * headers allocated by `ws` and a two-buffer `writev` per socket: each socket gets one buffer,
 * the same one.
 */
const FRAMES = new WeakMap<WireEvent, Buffer>();

export function eventFrame(event: WireEvent): Buffer {
  let frame = FRAMES.get(event);
  if (frame === undefined) {
    frame = textFrame(Buffer.from(JSON.stringify(event), 'utf8'));
    FRAMES.set(event, frame);
  }
  return frame;
}

/** The payload of a frame built here (for a socket that must go through `ws.send`). */
export function framePayload(frame: Buffer): Buffer {
  const len = (frame[1] as number) & 0x7f;
  return frame.subarray(len === 126 ? 4 : len === 127 ? 10 : 2);
}

/** An unmasked, final text frame holding `payload` (server to client, RFC 6455 §5.2). */
export function textFrame(payload: Buffer): Buffer {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + n);
  frame[0] = 0x81;
  if (head === 2) frame[1] = n;
  else if (head === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(n), 2);
  }
  payload.copy(frame, head);
  return frame;
}
