/**
 * The model's dedupe memory: which events were applied recently, by their identity (endpoint,
 * channel, epoch and the server's id; the same identity as `eventKey`, event-identity.ts).
 */
import { incarnationKey } from '../../../shared/model/event-identity';
import type { LiveEvent } from '../../../shared/model/live-event';

type Identity = Pick<LiveEvent, 'endpoint' | 'channel' | 'epoch' | 'id'>;

/** One ring of remembered ids, oldest replaced first: a slot holds an id and the set it is in. */
class Ring {
  private readonly sets: Array<Set<string> | undefined>;
  private readonly ids: Array<string | undefined>;
  private next = 0;

  constructor(capacity: number) {
    this.sets = new Array<Set<string> | undefined>(Math.max(1, capacity)).fill(undefined);
    this.ids = new Array<string | undefined>(Math.max(1, capacity)).fill(undefined);
  }

  /** Remember `id` (just added to `set`), forgetting the oldest id when full. */
  push(set: Set<string>, id: string): void {
    const i = this.next;
    const oldest = this.ids[i];
    if (oldest !== undefined) this.sets[i]?.delete(oldest);
    this.sets[i] = set;
    this.ids[i] = id;
    this.next = i + 1 === this.ids.length ? 0 : i + 1;
  }
}

/**
 * Event identities seen recently, bounded, in two rings: one for events that made a bell entry,
 * one for the rest. The bell's ring holds at least as many as the bell, so every entry the bell
 * holds is remembered for as long as it is there, whatever telemetry flows past meanwhile: the
 * model's check alone keeps the bell's ids unique.
 *
 * Ids are kept per incarnation (a set per endpoint, channel and epoch) rather than as one joined
 * key: joining the scope and the id into a new string for every event, and hashing it, cost more
 * than the rest of the check (the ingest profile, issue 23). The scope of the last event is kept
 * at hand: a flood comes on one channel.
 */
export class EventMemory {
  private readonly scopes = new Map<string, Set<string>>();
  private readonly bellRing: Ring;
  private readonly otherRing: Ring;
  private last: { endpoint: string; channel: string; epoch: string | undefined; ids: Set<string> } =
    { endpoint: '', channel: '', epoch: undefined, ids: new Set() };

  /**
   * @param capacity identities remembered of each of the two kinds (at least the bell's size for
   *   events that made a bell entry).
   */
  constructor(capacity: number, bellCapacity = capacity) {
    this.bellRing = new Ring(Math.max(capacity, bellCapacity));
    this.otherRing = new Ring(capacity);
  }

  /** True when the event was seen already; otherwise remembers it and returns false. */
  checkAndAdd(e: Identity, bell: boolean): boolean {
    const ids = this.idsOf(e.endpoint, e.channel, e.epoch);
    if (ids.has(e.id)) return true;
    ids.add(e.id);
    (bell ? this.bellRing : this.otherRing).push(ids, e.id);
    return false;
  }

  /** Remember a key saved in the bell (`eventKey` or `occurrenceKey` form) as seen. */
  rememberKey(key: string): void {
    const { scope, id } = splitKey(key);
    let ids = this.scopes.get(scope);
    if (!ids) this.scopes.set(scope, (ids = new Set()));
    if (ids.has(id)) return;
    ids.add(id);
    this.bellRing.push(ids, id);
  }

  /** Whether an event of this identity was seen (and not forgotten since). */
  has(e: Identity): boolean {
    return this.scopes.get(incarnationKey(e.endpoint, e.channel, e.epoch))?.has(e.id) ?? false;
  }

  /** Forget every identity whose key starts with `prefix` (an incarnation whose history is gone). */
  forget(prefix: string): void {
    for (const scope of this.scopes.keys()) if (scope.startsWith(prefix)) this.scopes.delete(scope);
    // The scope at hand may be one just forgotten: looked up again next time.
    this.last = { endpoint: '', channel: '', epoch: undefined, ids: new Set() };
  }

  private idsOf(endpoint: string, channel: string, epoch: string | undefined): Set<string> {
    const last = this.last;
    if (last.endpoint === endpoint && last.channel === channel && last.epoch === epoch && endpoint)
      return last.ids;
    const scope = incarnationKey(endpoint, channel, epoch);
    let ids = this.scopes.get(scope);
    if (!ids) this.scopes.set(scope, (ids = new Set()));
    this.last = { endpoint, channel, epoch, ids };
    return ids;
  }
}

/**
 * A saved bell id split into its scope and the server's id. Event keys are
 * `endpoint|epoch|<length>:channel|id` (the channel is length-prefixed, so a `|` in it is no
 * separator); origin keys `endpoint|*|origin`. Anything else (ids saved before keys were scoped)
 * becomes a scope of its own that no new event has.
 */
export function splitKey(key: string): { scope: string; id: string } {
  const first = key.indexOf('|');
  const second = first < 0 ? -1 : key.indexOf('|', first + 1);
  if (second < 0) return { scope: '\u0000legacy', id: key };
  if (key.slice(first + 1, second) === '*') {
    return { scope: key.slice(0, second + 1), id: key.slice(second + 1) };
  }
  const colon = key.indexOf(':', second + 1);
  const length = colon < 0 ? NaN : Number(key.slice(second + 1, colon));
  const end = colon + 1 + length;
  if (!Number.isInteger(length) || key[end] !== '|') return { scope: '\u0000legacy', id: key };
  return { scope: key.slice(0, end + 1), id: key.slice(end + 1) };
}
