/** What Diagnostics exports to a file: the support bundle and one session's record, as text. */
import type { ExportResult } from '../../../shared/ipc/contract';
import { formatSessionExport } from '../../../shared/model/session-export';
import type { CoreParts } from './core-parts';
import { buildSupportBundle } from './support-bundle';

/** How much of the log file's end goes into the support bundle. */
export const BUNDLE_LOG_BYTES = 64 * 1024;

/** The support bundle's text: everything Diagnostics knows, and the end of the redacted log file. */
export function supportBundleText(p: CoreParts): string {
  const log = p.logTail(BUNDLE_LOG_BYTES);
  return buildSupportBundle(
    {
      generatedAt: p.clock.now(),
      host: p.hostInfo(),
      endpoints: [...p.endpoints.list()],
      connections: p.sessions.diagnostics(),
      health: p.sessions.health(),
      probes: p.checks.probes(),
      notifications: {
        counters: p.notifications.stats(),
        trace: p.policy.trace.list().slice(-500),
      },
      configProblems: p.endpoints.problems,
      credentialStore: p.credentials.describe(),
      network: p.network.describe(),
      logExcerpt: { maxBytes: BUNDLE_LOG_BYTES, bytes: log.bytes, lines: log.text },
    },
    p.redactor,
  );
}

/** One endpoint's session as JSON lines, or null when it has no session running. */
export function sessionExportText(p: CoreParts, endpoint: string): string | null {
  const session = p.sessions.session(endpoint);
  return session ? formatSessionExport(session.exportSession()) : null;
}

/** `2026-11-30T18-02-11` from epoch ms: a file-name-safe local-free timestamp (UTC). */
export function fileStamp(at: number): string {
  return new Date(at).toISOString().slice(0, 19).replace(/:/g, '-');
}

/**
 * Save `text` where the user chooses (the desktop host's dialog), or hand it to the page to
 * download (the browser host). A failing write is an error with what to do.
 */
export async function exportFile(
  p: CoreParts,
  fileName: string,
  text: string,
  mime: string,
): Promise<ExportResult> {
  const save = p.host.saveFile;
  if (!save) return { how: 'download', fileName, text, mime };
  let path: string | null;
  try {
    path = await save(fileName, text);
  } catch (error) {
    throw new Error(
      `Could not write ${fileName}: ${error instanceof Error ? error.message : String(error)}. Choose a folder you can write to (or free some disk space) and try again.`,
      { cause: error },
    );
  }
  if (path === null) return { how: 'canceled' };
  p.logger.info('diagnostics exported', { fileName, path, bytes: Buffer.byteLength(text) });
  return { how: 'saved', path };
}
