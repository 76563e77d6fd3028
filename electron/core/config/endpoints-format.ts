/** endpoints.json's format versions: brings an older file to the current format in memory. */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ENDPOINTS_FILE_VERSION } from '../../../shared/config/endpoint';
import { endpointsJsonSchema } from '../../../shared/config/endpoints-json-schema';
import { ENDPOINTS_FORMAT } from '../state/file-formats';
import { migrate, type FileFormat } from '../state/migrations';

if (ENDPOINTS_FORMAT.version !== ENDPOINTS_FILE_VERSION)
  throw new Error('ENDPOINTS_FORMAT and ENDPOINTS_FILE_VERSION disagree: add the migration step');

/** `endpoints.json` as read, brought to the current format, or why it cannot be used. */
export type EndpointsUpgrade =
  | { ok: true; document: unknown; migratedFrom: number | null }
  | { ok: false; why: string; advice: string };

/**
 * Runs the migration steps of `endpoints.json` on a parsed document (in memory: the file is only
 * rewritten when the user saves from the app). A document without a numeric `version` is passed
 * through for the shape check to explain.
 */
export function upgradeEndpointsDocument(
  path: string,
  json: unknown,
  format: FileFormat = ENDPOINTS_FORMAT,
): EndpointsUpgrade {
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    return { ok: true, document: json, migratedFrom: null };
  }
  const version = (json as { version?: unknown }).version;
  if (typeof version !== 'number') return { ok: true, document: json, migratedFrom: null };
  const step = migrate(format, version, json);
  switch (step.status) {
    case 'current':
      return { ok: true, document: json, migratedFrom: null };
    case 'migrated':
      return {
        ok: true,
        document: { ...(step.data as object), version: format.version },
        migratedFrom: step.from,
      };
    case 'newer':
      return {
        ok: false,
        why: `${path} was written by a newer Lookout (format ${version}; this one reads up to ${format.version})`,
        advice: 'update Lookout to use it, or move it away to start over with this version',
      };
    case 'failed':
      return { ok: false, why: `${path} ${step.reason}`, advice: 'fix it or move it away' };
  }
}

/**
 * Writes the JSON Schema the saved file's `$schema` points at, beside it, so an editor validates
 * and completes the file against this Lookout's own format. Best effort: never throws.
 */
export async function writeEndpointsSchemaBeside(path: string): Promise<void> {
  const file = join(dirname(path), 'endpoints.schema.json');
  await writeFile(file, `${JSON.stringify(endpointsJsonSchema(), null, 2)}\n`).catch(() => {});
}
