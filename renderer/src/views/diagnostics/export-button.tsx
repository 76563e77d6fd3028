import { useState } from 'react';
import type { InvokeRequest } from '../../../../shared/ipc/contract';
import { downloadUrl } from '../../ui/clipboard';
import { useAppStore } from '../../ui/store-context';

/**
 * Saves an export as a file: the desktop app asks where (its save dialog, in the main process);
 * the browser host hands the text back and the page downloads it. Says where it went, or why not.
 */
export function ExportButton({
  label,
  request,
}: {
  label: string;
  request: InvokeRequest<'diagnostics:export'>;
}) {
  const store = useAppStore();
  const [state, setState] = useState<
    { phase: 'idle' | 'busy' } | { phase: 'done' | 'error'; message: string }
  >({ phase: 'idle' });
  const run = async () => {
    setState({ phase: 'busy' });
    try {
      const result = await store.getState().exportFile(request);
      if (result.how === 'download') {
        download(result.fileName, result.text, result.mime);
        setState({ phase: 'done', message: `Downloaded ${result.fileName}.` });
      } else if (result.how === 'saved')
        setState({ phase: 'done', message: `Saved to ${result.path}.` });
      else setState({ phase: 'idle' });
    } catch (err) {
      setState({ phase: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  };
  return (
    <>
      <button
        type="button"
        className="btn"
        disabled={state.phase === 'busy'}
        onClick={() => void run()}
      >
        {state.phase === 'busy' ? 'Saving…' : label}
      </button>
      {state.phase === 'done' ? (
        <span className="text-ok small" role="status">
          ✓ {state.message}
        </span>
      ) : state.phase === 'error' ? (
        <span className="text-bad small" role="alert">
          {state.message}
        </span>
      ) : null}
    </>
  );
}

/** A download of `text` started from the page (the browser host has no save dialog of its own). */
function download(fileName: string, text: string, mime: string): void {
  const url = downloadUrl(text, mime);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken the blob by now; a minute's grace for slow browsers.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
