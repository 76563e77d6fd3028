import type { EndpointConfig } from '../../../shared/config/endpoint';
import type { HandshakeSent } from '../../../shared/model/connection';
import type { DecodeResult, DialectCodec } from '../dialects/dialect';
import type { Credentials } from '../kernel/ports';
import { InstrumentedSocket, type SocketPlan } from './instrumented-socket';

/**
 * How Lookout opens a connection, one implementation for the session and the connection check:
 * the socket's per-attempt plan, the socket itself, the dialect's opening frames followed by every
 * subscription, and what counts as the server's reply to them.
 */

/** The `ws` limits and headers of one attempt at `endpoint`. */
export function socketPlan(
  endpoint: Pick<EndpointConfig, 'handshakeTimeoutMs' | 'maxPayloadBytes'>,
  headers: Record<string, string>,
  handshakeTimeoutMs = endpoint.handshakeTimeoutMs,
): SocketPlan {
  return {
    headers,
    handshakeTimeoutMs,
    // Hard cap at 4× the soft limit: smaller oversized frames are rejected and counted, the socket kept.
    maxPayloadBytes: Math.min(endpoint.maxPayloadBytes * 4, 1024 * 1024 * 1024),
  };
}

/** A socket to `url` with the plan's headers and limits; its events are the caller's to handle. */
export function openSocket(url: string, plan: SocketPlan): InstrumentedSocket {
  return new InstrumentedSocket(url, undefined, plan);
}

/**
 * On a socket that just opened: the dialect's opening frames, then a subscription per channel.
 * `send` returns whether the frame went out; returns the channels whose subscription went out
 * (their acks are awaited).
 */
export function sendOpenSequence(
  codec: DialectCodec,
  channels: Iterable<string>,
  send: (frame: string | null) => boolean,
): string[] {
  for (const frame of codec.onOpen()) send(frame);
  const sent: string[] = [];
  for (const channel of channels) if (send(codec.subscribe(channel))) sent.push(channel);
  return sent;
}

/** The server's answer to the open sequence, as the connection check reports it. */
export type OpenReply =
  { kind: 'reply'; detail: string; data?: boolean } | { kind: 'error'; message: string };

/** Whether a decoded frame answers the open sequence (an error, an ack, data, a greeting). */
export function replyOf(result: DecodeResult): OpenReply | null {
  if (result.serverError) return { kind: 'error', message: result.serverError };
  if (result.acks?.length)
    return {
      kind: 'reply',
      detail: `Subscribed: ${result.acks.map((a) => a.channel).join(', ')}.`,
    };
  if (result.events?.length)
    return { kind: 'reply', detail: `Data is flowing (${result.events[0]?.kind}).`, data: true };
  if (result.greeting) return { kind: 'reply', detail: 'The server greeted us.' };
  return null;
}

/** What the upgrade carried, without the secrets: its Origin and the kind of credentials. */
export function sentFacts(headers: Record<string, string>, creds: Credentials): HandshakeSent {
  const origin = Object.entries(headers).find(([k]) => k.toLowerCase() === 'origin')?.[1];
  return {
    ...(origin ? { origin } : {}),
    credentials: creds.cookie ? 'cookie' : creds.token ? 'token' : 'none',
  };
}
