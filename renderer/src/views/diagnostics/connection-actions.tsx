import { useState } from 'react';
import {
  MAX_RAW_FRAME_CHARS,
  type SessionDiagnostics,
  type SupportAction,
  type SupportActionResult,
} from '../../../../shared/model/connection';
import { Panel } from '../../ui/common';
import { ServerText } from '../../ui/server-text';
import { useAppStore } from '../../ui/store-context';

type Outcome = { action: SupportAction; result: SupportActionResult } | null;

/**
 * Support actions on the live connection: ping now (with the round-trip time when the pong
 * comes), re-subscribe, and one raw frame typed by hand. Each is done now on an open socket or
 * refused with the reason (never queued), and written to the reconnect journal by the core.
 */
export function ConnectionActions({ diag }: { diag: SessionDiagnostics }) {
  const store = useAppStore();
  const [busy, setBusy] = useState<SupportAction | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [text, setText] = useState('');
  const open = diag.state === 'open' || diag.state === 'stale';

  const run = async (action: SupportAction) => {
    setBusy(action);
    try {
      const request =
        action === 'send'
          ? { endpoint: diag.endpoint, action, text }
          : { endpoint: diag.endpoint, action };
      const result = await store.getState().act(request);
      setOutcome({ action, result });
    } catch (err) {
      setOutcome({
        action,
        result: { ok: false, reason: err instanceof Error ? err.message : String(err) },
      });
    } finally {
      setBusy(null);
    }
  };

  return (
    <Panel title="Act on the connection">
      {!open ? (
        <p className="muted small">
          The connection is {diag.state}: ping, re-subscribe and send are refused until it is open
          (nothing is queued). Reconnect first.
        </p>
      ) : null}
      <div className="toolbar toolbar--tight">
        <button
          type="button"
          className="btn btn--small"
          disabled={busy !== null}
          onClick={() => void run('ping')}
        >
          {busy === 'ping' ? 'Pinging…' : 'Ping now'}
        </button>
        <button
          type="button"
          className="btn btn--small"
          disabled={busy !== null}
          onClick={() => void run('resubscribe')}
        >
          Re-subscribe
        </button>
      </div>
      <div className="compose">
        <label className="field">
          <span>Raw frame</span>
          <textarea
            className="mono compose__text"
            rows={3}
            value={text}
            maxLength={MAX_RAW_FRAME_CHARS}
            placeholder='{"type":"ping","t":1}'
            aria-describedby={`compose-warning-${diag.endpoint}`}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <p className="callout callout--warn small" id={`compose-warning-${diag.endpoint}`}>
          This frame goes as typed to <span className="mono">{diag.url}</span>, a live server
          (possibly production): it acts like any client’s message.
        </p>
        <button
          type="button"
          className="btn btn--small"
          disabled={busy !== null || text.length === 0}
          onClick={() => void run('send')}
        >
          {busy === 'send' ? 'Sending…' : 'Send frame'}
        </button>
      </div>
      {outcome ? (
        <p
          className={`small ${outcome.result.ok ? 'text-ok' : 'text-bad'}`}
          role={outcome.result.ok ? 'status' : 'alert'}
        >
          {outcome.result.ok ? '✓ ' : 'Refused: '}
          <ServerText
            text={outcome.result.ok ? outcome.result.detail : outcome.result.reason}
            max={300}
          />
        </p>
      ) : null}
    </Panel>
  );
}
