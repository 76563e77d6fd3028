import { useRef, useState } from 'react';
import { parseSessionExport, type SessionExport } from '../../../../shared/model/session-export';

/** Larger files are refused before reading (a session export of a 256 MiB log stays under it). */
const MAX_FILE_BYTES = 512 * 1024 * 1024;

/**
 * Opens a session exported earlier (`.jsonl`) for viewing: read in the page, every line checked
 * against the export's schema; a file that does not fit says why (which line, what is wrong)
 * instead of showing anything half-read.
 */
export function OpenSessionFile({
  onOpen,
}: {
  onOpen: (session: SessionExport, fileName: string) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const read = async (file: File) => {
    setError(null);
    if (file.size > MAX_FILE_BYTES) {
      setError(
        `${file.name} is ${Math.round(file.size / 1024 / 1024)} MB: too large to be a session export.`,
      );
      return;
    }
    setBusy(true);
    try {
      const parsed = parseSessionExport(await file.text());
      if (parsed.ok) onOpen(parsed.session, file.name);
      else setError(`Could not open ${file.name}: ${parsed.error}`);
    } catch (err) {
      setError(`Could not read ${file.name}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="btn" disabled={busy} onClick={() => input.current?.click()}>
        {busy ? 'Opening…' : 'Open session file…'}
      </button>
      <input
        ref={input}
        type="file"
        accept=".jsonl,application/x-ndjson,application/json"
        className="sr-only"
        tabIndex={-1}
        aria-label="Session file to open"
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (file) void read(file);
        }}
      />
      {error ? (
        <span className="text-bad small" role="alert">
          {error}
        </span>
      ) : null}
    </>
  );
}
