import { readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { z } from 'zod';
import { silentLogger, type Clock, type Logger, type TimerHandle } from '../kernel/ports';
import { writeFileAtomic } from '../kernel/atomic-write';
import { migrate, newerFileMessage, type Migration } from './migrations';

/**
 * Crash-safe JSON persistence. A save writes a temporary file next to the target, fsyncs it,
 * renames it over the target and fsyncs the directory, so a process killed at any instant leaves
 * either the previous complete file or the new complete file, never a torn one. Loading never
 * throws: a file of an older format is migrated (`migrations.ts`; the original is kept as
 * `<file>.v<N>.bak`), one of a newer format is left untouched and never overwritten, and a
 * corrupt or foreign file is moved aside; start-up continues in every case.
 */

const APP = 'lookout';

export type LoadOutcome<T> =
  | { status: 'loaded'; value: T }
  | { status: 'missing'; value: null }
  | {
      status: 'set-aside';
      value: null;
      /** What happened and where the old file went, for the user and the log. */
      message: string;
      setAsidePath: string | null;
    }
  | {
      /** Written by a newer Lookout: kept untouched, and this object will not write over it. */
      status: 'newer';
      value: null;
      message: string;
    };

export type SaveResult = { ok: true } | { ok: false; error: string };

export interface PersistedFileOptions<T> {
  path: string;
  /** What this file holds (`state`, `prefs`): a file of another kind is foreign. */
  kind: string;
  /** The format version written; older files are brought up to it by `migrations`. */
  version: number;
  /** One step per older version (see `file-formats.ts`). */
  migrations?: readonly Migration[];
  schema: z.ZodType<T>;
  clock: Clock;
  /** Debounce for `schedule`: at most one write per this many ms. */
  debounceMs?: number;
  /**
   * Write budget for `schedule`: after writing N bytes the next scheduled write waits at least
   * N / this many seconds, so a large file is rewritten proportionally less often (default: none).
   */
  maxBytesPerSecond?: number;
  logger?: Logger;
  /** Told the outcome of every write (the storage health banner listens). */
  onSaved?: (result: SaveResult) => void;
}

/** A scheduled save that failed is tried again after this long, doubling up to a minute. */
const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 60_000;

interface Envelope {
  app: typeof APP;
  kind: string;
  version: number;
  savedAt: number;
  data: unknown;
}

export class PersistedFile<T> {
  private timer: TimerHandle | null = null;
  private source: (() => T) | null = null;
  /** Writes run one after another (they share one temp file name per process). */
  private queue: Promise<SaveResult> = Promise.resolve({ ok: true });
  private readonly logger: Logger;
  /** Earliest time the write budget allows the next scheduled write. */
  private nextWriteAt = 0;
  private retryMs = 0;
  /** The last failed save, for diagnostics; null after a successful one. */
  lastError: string | null = null;
  /** Bytes written by successful saves since this object was made (for benchmarks). */
  bytesWritten = 0;
  /** Set when the file on disk is of a newer format: why nothing is written. */
  private readOnly: string | null = null;

  constructor(private readonly options: PersistedFileOptions<T>) {
    this.logger = options.logger ?? silentLogger;
  }

  get path(): string {
    return this.options.path;
  }

  async load(): Promise<LoadOutcome<T>> {
    await this.removeStaleTemps();
    let text: string;
    try {
      text = await readFile(this.options.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return { status: 'missing', value: null };
      return this.setAside(`could not be read (${(error as Error).message})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return this.setAside('is not valid JSON (damaged or truncated)');
    }
    if (!isEnvelope(parsed) || parsed.kind !== this.options.kind) {
      return this.setAside(`is not a Lookout ${this.options.kind} file`);
    }
    const { kind, version, migrations = [] } = this.options;
    const step = migrate({ kind, version, migrations }, parsed.version, parsed.data);
    if (step.status === 'newer') return this.keepNewer(parsed.version);
    if (step.status === 'failed') return this.setAside(step.reason);
    const result = this.options.schema.safeParse(step.data);
    if (!result.success) {
      const first = result.error.issues[0];
      const where = first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'unknown';
      return this.setAside(`does not match the expected shape (${where})`);
    }
    if (step.status === 'migrated') await this.keepOriginal(text, step.from, step.changes);
    return { status: 'loaded', value: result.data };
  }

  /** Write `value` now (after any write in progress). Never throws. */
  save(value: T): Promise<SaveResult> {
    if (this.readOnly) {
      const refused: SaveResult = { ok: false, error: this.readOnly };
      this.options.onSaved?.(refused);
      return Promise.resolve(refused);
    }
    const data = JSON.stringify({
      app: APP,
      kind: this.options.kind,
      version: this.options.version,
      savedAt: this.options.clock.now(),
      data: value,
    } satisfies Envelope);
    this.queue = this.queue.then(() => this.writeAtomically(data));
    return this.queue;
  }

  /**
   * Save soon: `source()` is read when the timer fires, so bursts of changes cost one write. The
   * timer waits the debounce, or longer when the write budget asks; a failed write is tried again
   * later (2 s, doubling to a minute) with whatever `source()` gives then, until one succeeds.
   */
  schedule(source: () => T): void {
    if (this.readOnly) return;
    this.source = source;
    if (this.timer !== null) return;
    const clock = this.options.clock;
    const wait = Math.max(
      this.retryMs || (this.options.debounceMs ?? 1_000),
      this.nextWriteAt - clock.now(),
    );
    this.timer = clock.setTimeout(() => {
      this.timer = null;
      const read = this.source;
      this.source = null;
      if (!read) return;
      void this.save(read()).then((result) => {
        if (result.ok) {
          this.retryMs = 0;
          return;
        }
        this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs ? this.retryMs * 2 : RETRY_FIRST_MS);
        // A newer change scheduled meanwhile carries the latest source; else try this one again.
        if (this.source === null) this.schedule(read);
      });
    }, wait);
  }

  /** Write anything scheduled now and wait for all writes (on quit). */
  async flush(): Promise<SaveResult> {
    if (this.timer !== null) {
      this.options.clock.clearTimeout(this.timer);
      this.timer = null;
    }
    const read = this.source;
    this.source = null;
    if (read) return this.save(read());
    return this.queue;
  }

  private async writeAtomically(data: string): Promise<SaveResult> {
    const target = this.options.path;
    let result: SaveResult;
    try {
      await writeFileAtomic(target, data);
      this.lastError = null;
      this.bytesWritten += Buffer.byteLength(data);
      const budget = this.options.maxBytesPerSecond;
      if (budget) this.nextWriteAt = this.options.clock.now() + (data.length / budget) * 1_000;
      result = { ok: true };
    } catch (error) {
      const message = `Could not save ${target} (${(error as Error).message}): check that the disk is not full and that the folder is writable.`;
      this.lastError = message;
      this.logger.warn('save failed', { path: target, error: (error as Error).message });
      result = { ok: false, error: message };
    }
    this.options.onSaved?.(result);
    return result;
  }

  private async setAside(problem: string): Promise<LoadOutcome<T>> {
    const target = this.options.path;
    const aside = `${target}.corrupt-${this.options.clock.now()}`;
    try {
      await rename(target, aside);
      const message = `${target} ${problem}; it was moved to ${aside} and Lookout started with a fresh ${this.options.kind}.`;
      this.logger.warn('state file set aside', { path: target, setAsidePath: aside, problem });
      return { status: 'set-aside', value: null, message, setAsidePath: aside };
    } catch (error) {
      const message = `${target} ${problem}, and could not be moved aside (${(error as Error).message}); Lookout started with a fresh ${this.options.kind} and will overwrite it.`;
      this.logger.warn('state file unusable', { path: target, problem });
      return { status: 'set-aside', value: null, message, setAsidePath: null };
    }
  }

  private keepNewer(found: number): LoadOutcome<T> {
    const { path, kind, version } = this.options;
    const message = newerFileMessage(path, kind, found, version);
    this.readOnly = `${path} is from a newer Lookout, and this version does not write over it: update Lookout, or move the file away to start over.`;
    this.logger.warn('file from a newer Lookout kept as it is', { path, found, reads: version });
    return { status: 'newer', value: null, message };
  }

  /** The file as an older Lookout wrote it, kept once before it is first rewritten in the new format. */
  private async keepOriginal(text: string, from: number, changes: string[]): Promise<void> {
    const { path } = this.options;
    const backup = `${path}.v${from}.bak`;
    await writeFile(backup, text, { flag: 'wx' }).catch(() => {});
    this.logger.info('file migrated', { path, from, to: this.options.version, changes, backup });
  }

  /** Temp files left by killed processes are incomplete by definition: remove them. */
  private async removeStaleTemps(): Promise<void> {
    const dir = dirname(this.options.path);
    const prefix = `${basename(this.options.path)}.tmp-`;
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (name.startsWith(prefix)) await unlink(join(dir, name)).catch(() => {});
    }
  }
}

function isEnvelope(v: unknown): v is Envelope {
  if (!v || typeof v !== 'object') return false;
  const e = v as Record<string, unknown>;
  return (
    e.app === APP && typeof e.kind === 'string' && typeof e.version === 'number' && 'data' in e
  );
}
