import { useEffect, useState } from 'react';
import { copyText, downloadUrl } from '../../ui/clipboard';
import { useAppStore } from '../../ui/store-context';

/** Copies the redacted support bundle (or offers it as text and a download). */
export function SupportBundle() {
  const store = useAppStore();
  const [state, setState] = useState<
    | { phase: 'idle' | 'busy' | 'copied' }
    | { phase: 'fallback'; json: string; url: string }
    | { phase: 'error'; message: string }
  >({ phase: 'idle' });
  useEffect(
    () => () => (state.phase === 'fallback' ? URL.revokeObjectURL(state.url) : undefined),
    [state],
  );
  const run = async () => {
    setState({ phase: 'busy' });
    try {
      const json = await store.getState().supportBundle();
      if (await copyText(json)) {
        setState({ phase: 'copied' });
        store.getState().announce('Support bundle copied to the clipboard.');
      } else setState({ phase: 'fallback', json, url: downloadUrl(json) });
    } catch (err) {
      setState({ phase: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  };
  return (
    <div className="bundle">
      <button
        type="button"
        className="btn"
        disabled={state.phase === 'busy'}
        onClick={() => void run()}
      >
        {state.phase === 'busy' ? 'Collecting…' : 'Copy support bundle'}
      </button>
      {state.phase === 'copied' ? (
        <span className="text-ok small" role="status">
          ✓ Copied. Paste it into your support ticket: it holds no passwords or tokens.
        </span>
      ) : null}
      {state.phase === 'error' ? (
        <span className="text-bad small" role="alert">
          {state.message}
        </span>
      ) : null}
      {state.phase === 'fallback' ? (
        <div className="bundle__fallback" role="status">
          <p className="small">
            The clipboard is not available here. Select the text below, or download it:
          </p>
          <textarea
            readOnly
            value={state.json}
            rows={6}
            aria-label="Support bundle JSON"
            onFocus={(e) => e.currentTarget.select()}
          />
          <a className="btn btn--small" href={state.url} download="lookout-support-bundle.json">
            Download lookout-support-bundle.json
          </a>
        </div>
      ) : null}
    </div>
  );
}
