import type { StorageProblem, StoredFile } from '../../../shared/model/storage';
import type { Logger } from '../kernel/ports';

/**
 * Which saves in the data folder are failing. Every save reports its outcome here; the listener
 * hears only transitions (a file starts failing, its error changes, it is saved again), so the
 * renderer shows a banner while saving fails and drops it once it works, and the log gets one
 * line per transition rather than one per attempt.
 */
export class StorageHealth {
  private readonly problems = new Map<StoredFile, StorageProblem>();
  private readonly listeners = new Set<(problems: StorageProblem[]) => void>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /** Record the outcome of one save of `file` at `path`. */
  report(
    file: StoredFile,
    path: string,
    result: { ok: true } | { ok: false; error: string },
  ): void {
    const before = this.problems.get(file);
    if (result.ok) {
      if (!before) return;
      this.problems.delete(file);
      this.logger.info('saving works again', { file, path });
    } else {
      if (before && before.error === result.error) return;
      this.problems.set(file, {
        file,
        path,
        error: result.error,
        since: before?.since ?? this.now(),
      });
      this.logger.error('save failed', { file, path, error: result.error });
    }
    const list = this.list();
    for (const listener of this.listeners) listener(list);
  }

  list(): StorageProblem[] {
    return [...this.problems.values()];
  }

  onChange(listener: (problems: StorageProblem[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
