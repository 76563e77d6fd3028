import type { EndpointConfig } from '../../../../shared/config/endpoint';
import type { SaveResult } from '../../../../shared/ipc/contract';
import type { CoreParts } from '../../app/core-parts';
import { dialectOf, subscriptionsFor } from '../../dialects';
import type { InvokeHandlers } from '../ipc-router';

/** Watching one task's progress, where the endpoint's dialect has a channel per task. */
export function taskHandlers(p: CoreParts): Pick<InvokeHandlers, 'tasks:watch' | 'tasks:unwatch'> {
  return {
    'tasks:watch': async ({ endpoint, taskId }) => watchTask(p, endpoint, taskId, true),
    'tasks:unwatch': async ({ endpoint, taskId }) => watchTask(p, endpoint, taskId, false),
  };
}

async function watchTask(
  p: CoreParts,
  id: string,
  taskId: string,
  watch: boolean,
): Promise<SaveResult> {
  const endpoint = p.endpoints.get(id);
  const channel = dialectOf(endpoint).tasks?.taskChannel(taskId);
  if (channel === undefined)
    return { ok: false, errors: [`${endpoint.name} does not subscribe to tasks by id.`] };
  const subs = new Set(subscriptionsFor(endpoint));
  if (!watch && !subs.has(channel))
    return { ok: false, errors: [`${endpoint.name} does not watch task ${taskId}.`] };
  if (watch) subs.add(channel);
  else subs.delete(channel);
  const updated = { ...endpoint, subscriptions: [...subs] };
  const replace = (list: EndpointConfig[]) => list.map((e) => (e.id === id ? updated : e));
  // Saved with the user's list; the demo's (no file) is changed in memory only.
  if (p.endpoints.fileExists) {
    const saved = await p.endpoints.persist(replace);
    if (!saved.ok) return saved;
  } else {
    await p.endpoints.changeInMemory(replace);
  }
  const session = p.sessions.session(id);
  if (watch) session?.subscribe(channel);
  else session?.unsubscribe(channel);
  return { ok: true };
}
