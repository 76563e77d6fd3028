import { copyFile, readFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  ENDPOINTS_FILE_VERSION,
  ENDPOINTS_SCHEMA_REF,
  endpointSchema,
  formatIssues,
  type EndpointConfig,
} from '../../../shared/config/endpoint';
import { writeFileAtomic } from '../kernel/atomic-write';
import { upgradeEndpointsDocument, writeEndpointsSchemaBeside } from './endpoints-format';

/**
 * `endpoints.json`: the admin-editable list of backends. Plain JSON (no envelope) so admins can
 * write it by hand or roll it out with their tools. Loading never throws: an invalid endpoint is
 * skipped with a message naming the field, the valid ones still connect.
 *
 * Saving never writes over what could not be read. An entry Lookout skipped (an unknown key from
 * a newer version, a typo, a duplicate id) and unknown top-level keys are written back verbatim
 * and in place; untouched entries keep the admin's own spelling. A file that is not valid JSON,
 * not of this shape, or of a newer version is never overwritten: the save is refused with the
 * path and what to do. Every save first copies the previous file to `endpoints.json.bak`.
 * A file of an older format is migrated in memory (`endpoints-format.ts`); the file Lookout writes
 * names its JSON Schema (`$schema`), which is written beside it.
 */
export interface EndpointsLoad {
  endpoints: EndpointConfig[];
  /** Problems in words that say what to fix; empty when the file is fine or absent. */
  problems: string[];
  /** False when the file does not exist (first run: the embedded demo gateway is used). */
  exists: boolean;
  /** Why the file must not be overwritten (with its path), or null when saving is safe. */
  writeBlocked: string | null;
}

export type EndpointsSaveResult = { ok: true } | { ok: false; error: string };

const fileShape = z
  .object({ version: z.literal(ENDPOINTS_FILE_VERSION), endpoints: z.array(z.unknown()).max(64) })
  .passthrough();

/** One entry of the file as loaded: an endpoint in use, or raw JSON kept as it was. */
type Slot =
  | { kind: 'endpoint'; id: string; raw: unknown; parsed: EndpointConfig }
  | { kind: 'kept'; raw: unknown };

export class EndpointsFile {
  private slots: Slot[] = [];
  /** Top-level keys other than `version` and `endpoints`, written back as they were. */
  private extras: Record<string, unknown> = {};
  private blocked: string | null = null;

  constructor(readonly path: string) {}

  /** Why saving is refused (see `EndpointsLoad.writeBlocked`). */
  get writeBlocked(): string | null {
    return this.blocked;
  }

  async load(): Promise<EndpointsLoad> {
    const path = this.path;
    this.slots = [];
    this.extras = {};
    this.blocked = null;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return { endpoints: [], problems: [], exists: false, writeBlocked: null };
      return this.unusable(`${path} cannot be read (${(error as Error).message})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return this.unusable(`${path} is not valid JSON (${(error as Error).message})`);
    }
    const upgraded = upgradeEndpointsDocument(path, json);
    if (!upgraded.ok) return this.unusable(upgraded.why, upgraded.advice);
    const shape = fileShape.safeParse(upgraded.document);
    if (!shape.success) {
      return this.unusable(
        `${path} is not a Lookout endpoints file this version can read (${formatIssues(shape.error).join('; ')}; expected {"version": 1, "endpoints": [...]})`,
      );
    }
    const { version: _version, endpoints: entries, ...extras } = shape.data;
    this.extras = extras;
    const endpoints: EndpointConfig[] = [];
    const problems: string[] = [];
    const seen = new Set<string>();
    const kept = 'this endpoint is skipped and kept in the file as written';
    entries.forEach((raw, index) => {
      const parsed = endpointSchema.safeParse(raw);
      if (!parsed.success) {
        for (const issue of formatIssues(parsed.error))
          problems.push(`${path}: endpoints[${index}].${issue} — ${kept}: fix it there.`);
        this.slots.push({ kind: 'kept', raw });
        return;
      }
      if (seen.has(parsed.data.id)) {
        problems.push(
          `${path}: endpoints[${index}].id: duplicate id "${parsed.data.id}" — ${kept}: give it another id there.`,
        );
        this.slots.push({ kind: 'kept', raw });
        return;
      }
      seen.add(parsed.data.id);
      endpoints.push(parsed.data);
      this.slots.push({ kind: 'endpoint', id: parsed.data.id, raw, parsed: parsed.data });
    });
    return { endpoints, problems, exists: true, writeBlocked: null };
  }

  /**
   * Write `endpoints` (the complete list in use), keeping in place every entry the last `load`
   * could not use. Refused when the file could not be read; never throws.
   */
  async save(endpoints: readonly EndpointConfig[]): Promise<EndpointsSaveResult> {
    if (this.blocked) return { ok: false, error: this.blocked };
    const byId = new Map(endpoints.map((e) => [e.id, e]));
    const written = new Set<string>();
    const slots: Slot[] = [];
    for (const slot of this.slots) {
      if (slot.kind === 'kept') {
        slots.push(slot);
        continue;
      }
      const now = byId.get(slot.id);
      if (!now) continue; // removed
      written.add(slot.id);
      // Unchanged since it was read: the admin's own text, not the one with defaults filled in.
      slots.push(
        now === slot.parsed ? slot : { kind: 'endpoint', id: now.id, raw: now, parsed: now },
      );
    }
    for (const e of endpoints)
      if (!written.has(e.id)) slots.push({ kind: 'endpoint', id: e.id, raw: e, parsed: e });
    const document = {
      $schema: ENDPOINTS_SCHEMA_REF,
      ...this.extras,
      version: ENDPOINTS_FILE_VERSION,
      endpoints: slots.map((s) => s.raw),
    };
    try {
      await backUp(this.path);
      await writeFileAtomic(this.path, `${JSON.stringify(document, null, 2)}\n`);
      await writeEndpointsSchemaBeside(this.path);
    } catch (error) {
      return {
        ok: false,
        error: `Could not save ${this.path} (${(error as Error).message}): check that the folder is writable and the disk is not full; nothing was changed.`,
      };
    }
    this.slots = slots;
    return { ok: true };
  }

  private unusable(why: string, advice = 'fix it or move it away'): EndpointsLoad {
    this.blocked = `${why}. Lookout will not overwrite it, so changes cannot be saved: ${advice}, then try again.`;
    return {
      endpoints: [],
      problems: [
        `${why}. No endpoint from it is used, and Lookout will not overwrite it: ${advice}.`,
      ],
      exists: true,
      writeBlocked: this.blocked,
    };
  }
}

/** Copy the current file to `<path>.bak` (nothing to copy on the first save). */
async function backUp(path: string): Promise<void> {
  try {
    await copyFile(path, `${path}.bak`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
