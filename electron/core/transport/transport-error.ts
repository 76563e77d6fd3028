import type { TransportFacts, TransportProblem } from '../../../shared/model/transport';
import { explainTransportProblem } from '../../../shared/transport-explanations';

/**
 * A failure on the way to a server (proxy or TLS), with its own code and the facts that explain
 * it. Its message is the plain-words explanation, so whatever reports the error (ws's `error`
 * event, a rejected fetch, a log line) already says what happened and what to do.
 */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly advice: string;
  readonly title: string;

  constructor(
    readonly code: TransportProblem,
    readonly facts: TransportFacts,
    readonly detail?: string,
  ) {
    const explained = explainTransportProblem({
      code,
      facts,
      ...(detail !== undefined ? { detail } : {}),
    });
    super(explained.meaning);
    this.title = explained.name;
    this.advice = explained.advice;
  }
}

/** The TransportError inside whatever an HTTP client or ws wrapped it in, if any. */
export function findTransportError(error: unknown): TransportError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth += 1) {
    if (current instanceof TransportError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}
