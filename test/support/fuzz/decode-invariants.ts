import type { DecodeResult } from '../../../electron/core/dialects/dialect';
import { EVENT_KINDS, SEVERITIES } from '../../../shared/model/live-event';

/**
 * What must hold for every `decode` result, whatever the input: a plain result object, a short
 * reason for every rejection, and events that are plain JSON with untouched prototypes.
 */

/** The reason vocabulary of the dialects (wire.ts) plus the guard for input too deep to read. */
export const REASON = /^(non-json|not-an-object|schema: |unknown-type: |too-deep)/;

const KINDS = new Set<string>(EVENT_KINDS);
const SEVERITY = new Set<string>(SEVERITIES);

/** Own properties of the built-in prototypes, to prove afterwards that nothing was added. */
export function prototypeFingerprint(): string {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype]
    .map((p) => Object.getOwnPropertyNames(p).sort().join(','))
    .join('|');
}

/** A problem with one value inside an event's data, or null when it is plain JSON. */
function jsonProblem(value: unknown, path: string, depth: number): string | null {
  if (depth > 100_000) return `${path}: deeper than any input`;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : `${path}: non-finite`;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return `${path}: array prototype`;
    for (let i = 0; i < value.length; i++) {
      const p = jsonProblem(value[i], `${path}[${i}]`, depth + 1);
      if (p) return p;
    }
    return null;
  }
  if (typeof value === 'object') {
    if (Object.getPrototypeOf(value) !== Object.prototype)
      return `${path}: object prototype changed`;
    for (const key of Object.keys(value)) {
      const p = jsonProblem((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
      if (p) return p;
    }
    return null;
  }
  return `${path}: ${typeof value} is not JSON`;
}

/** Every broken invariant of one result (empty when all hold). */
export function resultProblems(result: DecodeResult, receivedAt: number): string[] {
  const problems: string[] = [];
  if (typeof result !== 'object' || result === null) return ['result is not an object'];
  if (Object.getPrototypeOf(result) !== Object.prototype) problems.push('result prototype');
  if (result.rejected !== undefined) {
    if (typeof result.rejected !== 'string' || !REASON.test(result.rejected))
      problems.push(`rejection without a known reason: ${String(result.rejected).slice(0, 80)}`);
    else if (result.rejected.length > 300) problems.push('rejection reason too long');
    if (result.events?.length) problems.push('rejected and produced events');
  }
  for (const event of result.events ?? []) {
    if (Object.getPrototypeOf(event) !== Object.prototype) problems.push('event prototype');
    if (typeof event.id !== 'string' || event.id.length === 0 || event.id.length > 2_000)
      problems.push(`event id: ${String(event.id).slice(0, 40)}`);
    if (!KINDS.has(event.kind)) problems.push(`event kind: ${String(event.kind).slice(0, 40)}`);
    if (!SEVERITY.has(event.severity)) problems.push(`severity: ${String(event.severity)}`);
    if (typeof event.title !== 'string' || event.title.length > 500) problems.push('event title');
    if (typeof event.body !== 'string' || event.body.length > 10_000) problems.push('event body');
    if (event.receivedAt !== receivedAt) problems.push('receivedAt');
    if (event.serverTime !== null && !Number.isFinite(event.serverTime))
      problems.push('serverTime');
    if (event.link !== undefined && (typeof event.link !== 'string' || event.link.length > 2_000))
      problems.push('link');
    const p = jsonProblem(event.data, 'data', 0);
    if (p) problems.push(p);
  }
  return problems;
}
