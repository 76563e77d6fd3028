import type { DecodeResult } from '../dialects/dialect';

/**
 * What a frame's decode came to, as one small integer the frame log keeps per row instead of the
 * decode result itself (issue 23: a result and its event objects kept for every row outlived the
 * young generation, and the collector paid for them on every cycle). The inspector re-derives the
 * detail from the row's text when a row is opened, and checks it against this code.
 *
 * Low bits: one flag per part of a `DecodeResult`; above them, how many events it carried.
 */
export const OUTCOME = {
  events: 1,
  pong: 2,
  acks: 4,
  greeting: 8,
  serverError: 16,
  refused: 32,
  reset: 64,
  dropped: 128,
  resubscribe: 256,
  rejected: 512,
} as const;

const FLAG_BITS = 10;
const FLAGS = (1 << FLAG_BITS) - 1;
/** Counts above this are kept as this (the code stays a small integer). */
const MAX_COUNT = (1 << 20) - 1;

/**
 * Parts whose reading depends on what the codec had seen before (its cursors, its epochs): a
 * fresh codec would read the same text otherwise, so rows with them keep their decode result.
 * They are rare (a stream that broke, a replayed copy, a lost history).
 */
const STATEFUL = OUTCOME.reset | OUTCOME.dropped | OUTCOME.resubscribe;

/** The outcome code of a decode result: flags plus the event count. */
export function outcomeOf(r: DecodeResult): number {
  let flags = 0;
  const events = r.events?.length ?? 0;
  if (events > 0) flags |= OUTCOME.events;
  if (r.pong) flags |= OUTCOME.pong;
  if (r.acks?.length) flags |= OUTCOME.acks;
  if (r.greeting) flags |= OUTCOME.greeting;
  if (r.serverError) flags |= OUTCOME.serverError;
  if (r.refused?.length) flags |= OUTCOME.refused;
  if (r.reset?.length) flags |= OUTCOME.reset;
  if (r.dropped?.length) flags |= OUTCOME.dropped;
  if (r.resubscribe?.length) flags |= OUTCOME.resubscribe;
  if (r.rejected) flags |= OUTCOME.rejected;
  return flags + Math.min(events, MAX_COUNT) * (FLAGS + 1);
}

/** The flags of an outcome code (without the event count). */
export function outcomeFlags(outcome: number): number {
  return outcome & FLAGS;
}

/** How many events the frame carried. */
export function outcomeEvents(outcome: number): number {
  return Math.floor(outcome / (FLAGS + 1));
}

/**
 * Whether the inspector could not read this outcome again from the frame's text alone: it depended
 * on the codec's state at the time, so the row keeps its decode result.
 */
export function dependsOnState(outcome: number): boolean {
  return (outcome & STATEFUL) !== 0;
}

/** Whether there is anything to describe beyond a rejection (whose reason the row keeps as text). */
export function hasDetail(outcome: number): boolean {
  return (outcome & FLAGS & ~OUTCOME.rejected) !== 0;
}

/** The outcome in words, for a row whose detail could not be re-derived faithfully. */
export function outcomeSummary(outcome: number): string {
  const parts: string[] = [];
  const events = outcomeEvents(outcome);
  if (events > 0) parts.push(events === 1 ? '1 event' : `${events} events`);
  const named: Array<[number, string]> = [
    [OUTCOME.pong, 'an application pong'],
    [OUTCOME.acks, 'subscription acknowledgements'],
    [OUTCOME.greeting, 'the server’s greeting'],
    [OUTCOME.serverError, 'a server error'],
    [OUTCOME.refused, 'a refused subscription'],
  ];
  for (const [flag, words] of named) if (outcome & flag) parts.push(words);
  return parts.length > 0 ? parts.join(', ') : 'nothing to apply';
}
