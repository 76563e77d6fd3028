import { useState, type FormEvent } from 'react';
import type { TaskItem } from '../../../shared/model/app-state';
import { endpointName } from '../selectors/connection-health';
import { TASK_TONES, isFresh, taskCounts } from '../selectors/live-selectors';
import { Badge, EmptyState, Panel, ProgressBar, RelativeTime } from '../ui/common';
import { useApp, useAppStore } from '../ui/store-context';
import { useNow } from '../ui/ticker';
import { labelText } from '../../../shared/util/display-text';
import { ServerText } from '../ui/server-text';

/** A task matches a route param by key (`demo:abc`) or task id (`abc`). */
export function findTask(tasks: readonly TaskItem[], param: string | null): TaskItem | null {
  if (!param) return null;
  return tasks.find((t) => t.key === param) ?? tasks.find((t) => t.taskId === param) ?? null;
}

/** Tasks with progress bars, most recently changed first. */
export function TasksPanel({ limit, selected }: { limit?: number; selected?: string | null }) {
  const store = useAppStore();
  const tasks = useApp((s) => s.tasks);
  const endpoints = useApp((s) => s.endpoints);
  const now = useNow();
  const shown = limit ? tasks.slice(0, limit) : tasks;
  const counts = taskCounts(tasks);
  return (
    <Panel
      title={
        <>
          Tasks <span className="count">{tasks.length}</span>
        </>
      }
      actions={
        <span className="muted small">
          {counts.active} active · {counts.completed} done · {counts.failed} failed
          {limit ? (
            <>
              {' '}
              ·{' '}
              <a className="link-btn" href="#/tasks">
                All tasks →
              </a>
            </>
          ) : null}
        </span>
      }
    >
      {shown.length === 0 ? (
        <EmptyState title="No tasks yet" icon="✓">
          Background jobs reported by your backends (imports, exports, reindexing) show their
          progress here.
        </EmptyState>
      ) : (
        <ul className="tasks">
          {shown.map((t) => (
            <li
              key={t.key}
              className={`task${isFresh(t.updatedAt, now) ? ' is-fresh' : ''}${selected === t.key ? ' is-selected' : ''}`}
            >
              <div className="task__head">
                <button
                  type="button"
                  className="row-link"
                  onClick={() => store.getState().navigate(`tasks/${t.key}`)}
                >
                  <ServerText text={t.title} max={160} />
                </button>
                <Badge tone={TASK_TONES[t.status]}>{t.status}</Badge>
              </div>
              <ProgressBar
                percent={t.status === 'pending' || t.status === 'created' ? 0 : t.progress}
                tone={TASK_TONES[t.status]}
                label={`${labelText(t.title)} progress`}
              />
              <div className="task__meta">
                <span className={t.status === 'failed' ? 'text-bad' : undefined}>
                  {t.message ? <ServerText text={t.message} max={300} /> : '—'}
                </span>
                <span className="muted">
                  {t.progress !== null ? `${Math.round(t.progress)}% · ` : ''}
                  {endpointName(endpoints, t.endpoint)} ·{' '}
                  <code>
                    <ServerText text={t.taskId} max={40} />
                  </code>{' '}
                  · <RelativeTime at={t.updatedAt} />
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

/** Add / remove watched task ids on backends that subscribe by id. */
function WatchedTasks() {
  const store = useAppStore();
  const endpoints = useApp((s) => s.endpoints);
  const watching = endpoints.filter((e) => e.watchesTasks);
  const [endpoint, setEndpoint] = useState('');
  const [taskId, setTaskId] = useState('');
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const target = endpoint || watching[0]?.id || '';

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const id = taskId.trim();
    if (!id || !target) return;
    const r = await store.getState().watchTask(target, id);
    setMessage(
      r.ok ? { tone: 'ok', text: `Watching ${id}.` } : { tone: 'bad', text: r.errors.join(' ') },
    );
    if (r.ok) setTaskId('');
  };
  const remove = async (ep: string, id: string) => {
    const r = await store.getState().unwatchTask(ep, id);
    setMessage(
      r.ok
        ? { tone: 'ok', text: `Stopped watching ${id}.` }
        : { tone: 'bad', text: r.errors.join(' ') },
    );
  };

  return (
    <Panel title="Watched task ids">
      {watching.length === 0 ? (
        <EmptyState title="No endpoint watches tasks by id" icon="◎">
          Task-status and Lookout gateway endpoints can follow single task ids; add one in Settings.
        </EmptyState>
      ) : (
        <>
          <p className="muted small">
            Some backends only send a task's progress to clients that subscribed to its id. Lookout
            re-subscribes after every reconnect.
          </p>
          <form className="inline-form" onSubmit={add}>
            <label className="field field--inline">
              <span className="field__label">Endpoint</span>
              <select value={target} onChange={(e) => setEndpoint(e.target.value)}>
                {watching.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="field field--inline">
              <span className="field__label">Task id</span>
              <input
                value={taskId}
                onChange={(e) => setTaskId(e.target.value)}
                placeholder="e.g. import-2291"
                maxLength={200}
              />
            </label>
            <button type="submit" className="btn btn--primary" disabled={!taskId.trim()}>
              Watch
            </button>
          </form>
          {message ? (
            <p className={message.tone === 'ok' ? 'text-ok small' : 'text-bad small'} role="status">
              {message.text}
            </p>
          ) : null}
          {watching.map((e) => (
            <div key={e.id} className="watch-group">
              <div className="watch-group__name">{e.name}</div>
              {e.watchedTasks.length === 0 ? (
                <span className="muted small">No task watched.</span>
              ) : (
                <ul className="chips" aria-label={`Watched on ${e.name}`}>
                  {e.watchedTasks.map((id) => (
                    <li key={id} className="chip chip--removable">
                      <code>
                        <ServerText text={id} max={60} />
                      </code>
                      <button
                        type="button"
                        className="chip__x"
                        aria-label={`Stop watching ${labelText(id)}`}
                        title={`Stop watching ${labelText(id)}`}
                        onClick={() => void remove(e.id, id)}
                      >
                        ✕
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          ))}
        </>
      )}
    </Panel>
  );
}

export function TasksView() {
  const param = useApp((s) => s.route.param);
  const selected = useApp((s) => findTask(s.tasks, s.route.param));
  return (
    <div className="page">
      <h1 className="page__title">Tasks</h1>
      {param && !selected ? (
        <div className="callout callout--warn">
          Task “{param}” is not in the recent list (it may have been deleted or not reported yet).
        </div>
      ) : null}
      <div className="grid grid--2-1">
        <TasksPanel selected={selected?.key ?? null} />
        <WatchedTasks />
      </div>
    </div>
  );
}
