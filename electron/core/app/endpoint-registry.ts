/** The configured endpoints and the configuration's problems; a change is saved before it applies. */
import type { EndpointConfig } from '../../../shared/config/endpoint';
import type { EndpointSummary, SaveResult } from '../../../shared/ipc/contract';
import type { EndpointsFile } from '../config/endpoints-file';

export interface EndpointRegistryOptions {
  file: Pick<EndpointsFile, 'load' | 'save' | 'writeBlocked'>;
  /** The file's path: problems that name it are replaced when it is read again. */
  path: string;
  /** Told every save's outcome (failed saves reach the storage banner). */
  onSaved(result: { ok: true } | { ok: false; error: string }): void;
  /** Endpoints that exist only in memory and are never written (the embedded demo's). */
  isTransient(endpoint: EndpointConfig): boolean;
  /** Every endpoint that enters the list (its config secrets are registered for redaction). */
  onAdded(endpoint: EndpointConfig): void;
  /** What the renderer may know about one endpoint (never a secret). */
  summarize(endpoint: EndpointConfig): Promise<EndpointSummary>;
  /** The list changed: the views are told (`endpoints:changed`). */
  announce(summaries: EndpointSummary[]): void;
  /**
   * The file, refused at start-up, is usable now: its endpoints replace the ones in use; the
   * sessions of the old list are closed and the new ones opened.
   */
  restart(endpoints: readonly EndpointConfig[]): Promise<void>;
}

/**
 * The configured endpoints (`endpoints.json`, or the embedded demo while none exists) and the
 * problems met reading the configuration. Changes are saved first and applied in memory only once
 * the file was written, one at a time, each on the list the previous one left.
 */
export class EndpointRegistry {
  private endpoints: EndpointConfig[] = [];
  private exists = false;
  /** What the user must fix in their configuration files, in words. */
  readonly problems: string[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: EndpointRegistryOptions) {}

  /**
   * Reads `endpoints.json` at start. Returns whether the file is the authority on which endpoints
   * exist: only when it was read whole (an endpoint skipped for a problem, or a missing file, must
   * not cost data).
   */
  async load(): Promise<{ authoritative: boolean }> {
    const loaded = await this.o.file.load();
    this.problems.push(...loaded.problems);
    this.endpoints = loaded.endpoints;
    for (const endpoint of this.endpoints) this.o.onAdded(endpoint);
    this.exists = loaded.exists;
    return { authoritative: loaded.exists && loaded.problems.length === 0 };
  }

  /** Whether the user has an `endpoints.json` (else the embedded demo stands in). */
  get fileExists(): boolean {
    return this.exists;
  }

  list(): readonly EndpointConfig[] {
    return this.endpoints;
  }

  find(id: string): EndpointConfig | undefined {
    return this.endpoints.find((e) => e.id === id);
  }

  /** The endpoint, or an error that says what to do. */
  get(id: string): EndpointConfig {
    const found = this.find(id);
    if (!found) throw new Error(`No endpoint "${id}": it may have been removed. Reload the list.`);
    return found;
  }

  has(id: string): boolean {
    return this.endpoints.some((e) => e.id === id);
  }

  /** Replaces the list in memory only (the embedded demo's endpoint, never saved). */
  useTransient(endpoints: EndpointConfig[]): void {
    for (const endpoint of endpoints) this.o.onAdded(endpoint);
    this.endpoints = endpoints;
  }

  /** Changes the list in memory only, where no file exists to save it to; the views are told. */
  async changeInMemory(change: (current: EndpointConfig[]) => EndpointConfig[]): Promise<void> {
    this.endpoints = change(this.endpoints);
    await this.announce();
  }

  async summaries(): Promise<EndpointSummary[]> {
    return Promise.all(this.endpoints.map((e) => this.o.summarize(e)));
  }

  async announce(): Promise<void> {
    this.o.announce(await this.summaries());
  }

  /**
   * Saves the user's list after `change` (transient endpoints are never written). Nothing changes
   * in memory unless the file was written. A file Lookout refused to overwrite at start-up is read
   * again first: an admin may have fixed it meanwhile.
   */
  persist(change: (current: EndpointConfig[]) => EndpointConfig[]): Promise<SaveResult> {
    // One at a time: each change applies to the list the previous one left (saves may overlap).
    const run = this.queue.then(() => this.persistNow(change));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async persistNow(
    change: (current: EndpointConfig[]) => EndpointConfig[],
  ): Promise<SaveResult> {
    // Fixed by hand since? Then its endpoints are in use now and the change applies on top.
    if (this.o.file.writeBlocked) await this.reload();
    const endpoints = change(this.endpoints);
    const result = await this.o.file.save(endpoints.filter((e) => !this.o.isTransient(e)));
    this.o.onSaved(result);
    if (!result.ok) return { ok: false, errors: [result.error] };
    this.endpoints = endpoints;
    this.exists = true;
    await this.announce();
    return { ok: true };
  }

  /**
   * Reads endpoints.json again after it was refused at start-up; true when it is usable now (its
   * endpoints replace the ones in use, their sessions restarted).
   */
  private async reload(): Promise<boolean> {
    const loaded = await this.o.file.load();
    if (loaded.writeBlocked) return false;
    const stale = this.problems.filter((p) => p.startsWith(this.o.path));
    for (const problem of stale) this.problems.splice(this.problems.indexOf(problem), 1);
    this.problems.push(...loaded.problems);
    this.endpoints = loaded.endpoints;
    this.exists = loaded.exists;
    for (const endpoint of this.endpoints) this.o.onAdded(endpoint);
    await this.o.restart(this.endpoints);
    await this.announce();
    return true;
  }
}
