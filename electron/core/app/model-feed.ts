/** `ModelFeed`: the model's changes to the renderer, one merged `app:patch` per interval. */
import type { AppPatch } from '../../../shared/model/app-state';
import type { FoldLimits } from '../../../shared/model/patch-fold';
import type { Clock } from '../kernel/ports';
import { PatchBatcher } from '../state/patch-batcher';

/** The model as the feed reads it. */
export interface FedModel {
  subscribe(listener: (patch: AppPatch) => void): () => void;
  unread(): number;
  /** What the model's snapshot keeps at most: a batch is trimmed to it as it fills. */
  readonly limits?: FoldLimits;
}

/**
 * The model's changes on their way to the renderer: merged into one `app:patch` per interval (not
 * one per event), each carrying the unread count read then; the tray hears when that count changed.
 */
export class ModelFeed {
  private readonly batcher: PatchBatcher;
  private lastUnread = -1;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly model: FedModel,
    clock: Clock,
    publish: (patch: AppPatch & { unread: number }) => void,
    unreadChanged: () => void,
    intervalMs = 100,
  ) {
    this.batcher = new PatchBatcher(
      clock,
      (patch) => {
        const unread = this.model.unread();
        publish({ ...patch, unread });
        if (unread !== this.lastUnread) {
          this.lastUnread = unread;
          unreadChanged();
        }
      },
      intervalMs,
      model.limits,
    );
    this.unsubscribe = model.subscribe((patch) => this.batcher.push(patch));
  }

  /** Send what is pending now (the renderer asked for its initial state, or is ready). */
  flush(): void {
    this.batcher.flush();
  }

  /** Send what is pending and stop listening to the model. */
  close(): void {
    this.batcher.flush();
    this.unsubscribe();
  }
}
