/** Pure: what an attempt's ending (close code, handshake status, local reason) means and what to do next. */
import {
  explainCloseCode,
  explainHandshakeStatus,
  explainTransportError,
  type CodeMeaning,
} from '../../../shared/close-codes';
import type { AttemptOutcome, CloseAction } from '../../../shared/model/connection';
import { isTransportProblem, type TransportFacts } from '../../../shared/model/transport';
import { findTransportError } from '../transport/transport-error';
import { explainTransportProblem } from '../../../shared/transport-explanations';
import type { SocketFacts } from './instrumented-socket';

/** An ending the session caused itself (dead peer, stale, manual reconnect, stop). */
export interface LocalEnding {
  meaning: string;
  action: CloseAction;
}

export interface EndingInput {
  facts: SocketFacts;
  closeCode?: number;
  closeReason?: string;
  local?: LocalEnding;
  closeOverrides?: Readonly<Record<number, CodeMeaning>>;
  handshakeOverrides?: Readonly<Record<number, CodeMeaning>>;
  /** The dialect's explanation of a refused upgrade from what was sent; wins over the tables. */
  explainRefusal?: (status: number) => CodeMeaning | undefined;
}

/**
 * The outcome of an attempt that failed on the way to a server before any socket opened (the
 * sign-in or refresh over HTTP met a proxy or certificate problem): the same words as the
 * WebSocket's, so the user reads "Unknown certificate authority", not "could not get credentials".
 */
export function transportOutcome(
  error: unknown,
): (AttemptOutcome & { facts: TransportFacts }) | null {
  const found = findTransportError(error);
  if (!found) return null;
  return {
    error: found.code,
    meaning: `${found.title}: ${found.message}`,
    advice: found.advice,
    action: 'back-off',
    facts: found.facts,
  };
}

/** ws error codes that stand for a close code. */
const WS_ERROR_CLOSE: Readonly<Record<string, number>> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 1009,
  WS_ERR_INVALID_UTF8: 1007,
  WS_ERR_INVALID_CLOSE_CODE: 1002,
  WS_ERR_INVALID_OPCODE: 1002,
  WS_ERR_UNEXPECTED_MASK: 1002,
  WS_ERR_EXPECTED_MASK: 1002,
  WS_ERR_UNEXPECTED_RSV_1: 1002,
  WS_ERR_UNEXPECTED_RSV_2_3: 1002,
  WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH: 1002,
  WS_ERR_EXPECTED_FIN: 1002,
};

/**
 * How an attempt ended, in the words of the close-code table: a rejected handshake's HTTP status
 * first (it is the most specific), then a transport error, then the close code. Pure.
 */
export function classifyEnding(input: EndingInput): AttemptOutcome {
  const { facts, closeCode, closeReason, local } = input;
  const reason = closeReason ? { closeReason } : {};
  if (local) {
    return {
      ...(closeCode ? { closeCode } : {}),
      ...reason,
      meaning: local.meaning,
      action: local.action,
    };
  }
  if (facts.handshakeStatus !== undefined) {
    const m =
      input.explainRefusal?.(facts.handshakeStatus) ??
      explainHandshakeStatus(facts.handshakeStatus, input.handshakeOverrides);
    return {
      handshakeStatus: facts.handshakeStatus,
      meaning: `${m.name}: ${m.meaning}`,
      action: m.action,
    };
  }
  const error = facts.transportError;
  if (error && isTransportProblem(error.code)) {
    // A proxy or TLS failure carries its own explanation, with the facts (certificate, proxy).
    const explained = explainTransportProblem({
      code: error.code,
      ...(facts.transport ? { facts: facts.transport } : {}),
    });
    return {
      error: error.code,
      meaning: `${explained.name}: ${error.message}`,
      advice: explained.advice,
      action: 'back-off',
    };
  }
  if (error) {
    const mapped = WS_ERROR_CLOSE[error.code];
    if (mapped !== undefined) {
      const m = explainCloseCode(mapped, input.closeOverrides);
      return {
        closeCode: mapped,
        error: error.code,
        meaning: `${m.name}: ${m.meaning}`,
        action: m.action,
      };
    }
    if (error.code !== 'ERROR' || closeCode === undefined) {
      const m = explainTransportError(error.code === 'ERROR' ? error.message : error.code);
      return {
        error: error.code === 'ERROR' ? error.message : error.code,
        meaning: `${m.name}: ${m.meaning}`,
        action: m.action,
      };
    }
  }
  const code = closeCode ?? 1006;
  const m = explainCloseCode(code, input.closeOverrides);
  return { closeCode: code, ...reason, meaning: `${m.name}: ${m.meaning}`, action: m.action };
}
