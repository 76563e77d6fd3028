import { updateFeedProblem, type UpdateState } from '../../../shared/model/settings';
import { useState } from 'react';
import type { EndpointSummary } from '../../../shared/ipc/contract';
import {
  EVENT_KINDS,
  SEVERITIES,
  type EventKind,
  type Severity,
} from '../../../shared/model/live-event';
import type { NotifyPrefs } from '../../../shared/model/notify-prefs';
import { AUTH_LABELS, type AuthStatus } from '../../../shared/model/health';
import { STATE_LABELS, healthTone, type Tone } from '../selectors/connection-health';
import {
  DIALECT_LABELS,
  emptyForm,
  formFromEndpoint,
  type EndpointForm,
} from '../selectors/endpoint-form';
import { kindLabel } from '../selectors/notification-filters';
import { Dialog, Dot, EmptyState, Panel, RelativeTime } from '../ui/common';
import { useApp, useAppStore } from '../ui/store-context';
import { EndpointEditor } from './endpoint-editor';
import { untilPhrase } from '../../../shared/util/local-time';
import { useNow } from '../ui/ticker';
import { dndLine } from './dnd-line';

const AUTH_TONE: Record<AuthStatus, Tone> = {
  'not-needed': 'muted',
  'signed-in': 'ok',
  refused: 'bad',
  'not-signed-in': 'warn',
  unverified: 'info',
};

/** The verified sign-in state (what the server said), never merely "a secret is stored". */
function AuthLine({ e }: { e: EndpointSummary }) {
  const auth = useApp((s) => s.health[e.id]?.auth ?? null);
  if (!auth) {
    return (
      <div className="sub">
        {DIALECT_LABELS[e.dialect]} · {e.auth}
        {e.authMethod === 'none' ? ' · no sign-in needed' : ' · not running'}
      </div>
    );
  }
  return (
    <div className="sub auth-line" data-auth={auth.status}>
      {DIALECT_LABELS[e.dialect]} · {e.auth} ·{' '}
      <span className={`auth-state auth-state--${AUTH_TONE[auth.status]}`}>
        {AUTH_LABELS[auth.status]}
      </span>
      {auth.at !== null && auth.status === 'signed-in' ? (
        <span className="muted">
          {' '}
          (verified <RelativeTime at={auth.at} />)
        </span>
      ) : null}
      {auth.status === 'refused' || auth.status === 'unverified' ? (
        <div className="small">{auth.detail}</div>
      ) : null}
    </div>
  );
}

function EndpointRow({ e, onEdit }: { e: EndpointSummary; onEdit: (e: EndpointSummary) => void }) {
  const store = useAppStore();
  const health = useApp((s) => s.health[e.id] ?? null);
  const state = health?.state ?? null;
  const authStatus = health?.auth.status ?? null;
  const [confirm, setConfirm] = useState(false);
  const [message, setMessage] = useState('');
  const remove = async () => {
    const r = await store.getState().removeEndpoint(e.id);
    if (!r.ok) setMessage(r.errors.join(' '));
    setConfirm(false);
  };
  return (
    <li className="endpoint">
      <div className="endpoint__main">
        <div className="list__title">
          {health && state ? (
            <Dot tone={healthTone(health)} label={STATE_LABELS[state]} />
          ) : (
            <Dot tone="muted" label="not running" />
          )}{' '}
          {e.name}
          {!e.enabled ? <span className="tag">disabled</span> : null}
        </div>
        <div className="sub mono">{e.url}</div>
        <AuthLine e={e} />
        {message ? <div className="text-bad small">{message}</div> : null}
      </div>
      <div className="endpoint__actions">
        {e.authMethod !== 'none' ? (
          <>
            {authStatus !== 'signed-in' ? (
              <button
                type="button"
                className="btn btn--small btn--primary"
                onClick={() => store.getState().openSignIn(e.id)}
              >
                Sign in
              </button>
            ) : null}
            {e.hasSecret ? (
              <button
                type="button"
                className="btn btn--small"
                onClick={() => void store.getState().signOut(e.id)}
              >
                Sign out
              </button>
            ) : null}
          </>
        ) : null}
        <button
          type="button"
          className="btn btn--small"
          onClick={() =>
            void store
              .getState()
              .runCheck(e.id)
              .then(() => store.getState().navigate(`diagnostics/${e.id}`))
          }
        >
          Test
        </button>
        <button type="button" className="btn btn--small" onClick={() => onEdit(e)}>
          Edit
        </button>
        {confirm ? (
          <>
            <button
              type="button"
              className="btn btn--small btn--danger"
              onClick={() => void remove()}
            >
              Remove {e.name}
            </button>
            <button type="button" className="btn btn--small" onClick={() => setConfirm(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" className="btn btn--small" onClick={() => setConfirm(true)}>
            Remove
          </button>
        )}
      </div>
    </li>
  );
}

function EndpointsPanel() {
  const store = useAppStore();
  const endpoints = useApp((s) => s.endpoints);
  const [editing, setEditing] = useState<{ form: EndpointForm; isNew: boolean } | null>(null);
  const [error, setError] = useState('');
  const edit = async (e: EndpointSummary) => {
    try {
      const input = await store.getState().getEndpoint(e.id);
      if (input) setEditing({ form: formFromEndpoint(input), isNew: false });
      else setError(`${e.name} is no longer configured.`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <Panel
      title="Endpoints"
      actions={
        <button
          type="button"
          className="btn btn--primary btn--small"
          onClick={() => setEditing({ form: emptyForm(), isNew: true })}
        >
          Add endpoint
        </button>
      }
    >
      {error ? <div className="callout callout--bad">{error}</div> : null}
      {endpoints.length === 0 ? (
        <EmptyState title="No endpoints" icon="⚡">
          Add the WebSocket address of a backend to start watching it.
        </EmptyState>
      ) : (
        <ul className="endpoints">
          {endpoints.map((e) => (
            <EndpointRow key={e.id} e={e} onEdit={(x) => void edit(x)} />
          ))}
        </ul>
      )}
      <Dialog
        open={editing !== null}
        onClose={() => setEditing(null)}
        title={editing?.isNew ? 'Add endpoint' : `Edit ${editing?.form.name ?? ''}`}
        wide
      >
        {editing ? (
          <EndpointEditor
            initial={editing.form}
            isNew={editing.isNew}
            onDone={() => setEditing(null)}
          />
        ) : null}
      </Dialog>
    </Panel>
  );
}

function PrefsPanel() {
  const store = useAppStore();
  const stored = useApp((s) => s.prefs);
  const [draft, setDraft] = useState<NotifyPrefs | null>(null);
  const [status, setStatus] = useState('');
  const prefs = draft ?? stored;
  const dnd = useApp((s) => s.notificationHealth?.dnd);
  const endpoints = useApp((s) => s.endpoints);
  const now = useNow();
  const setMute = (id: string, muted: boolean) => {
    const current = prefs.endpoints[id] ?? { muted: false, mutedUntil: null, kinds: {} };
    change({
      endpoints: { ...prefs.endpoints, [id]: { ...current, muted, mutedUntil: null } },
    });
  };
  const change = (next: Partial<NotifyPrefs>) => {
    setDraft({ ...prefs, ...next });
    setStatus('');
  };
  const setKind = (kind: EventKind, rule: Partial<{ notify: boolean; minSeverity: Severity }>) =>
    change({ kinds: { ...prefs.kinds, [kind]: { ...prefs.kinds[kind], ...rule } } });
  const save = async () => {
    try {
      await store.getState().savePrefs(prefs);
      setDraft(null);
      setStatus('Saved.');
    } catch (err) {
      setStatus(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <Panel
      title="Desktop notifications"
      actions={
        <>
          {status ? (
            <span className="small muted" role="status">
              {status}
            </span>
          ) : null}
          <button
            type="button"
            className="btn btn--small"
            disabled={!draft}
            onClick={() => setDraft(null)}
          >
            Discard
          </button>
          <button
            type="button"
            className="btn btn--primary btn--small"
            disabled={!draft}
            onClick={() => void save()}
          >
            Save preferences
          </button>
        </>
      }
    >
      <label className="check">
        <input
          type="checkbox"
          checked={prefs.enabled}
          onChange={(e) => change({ enabled: e.target.checked })}
        />{' '}
        Show desktop notifications (the bell always records everything)
      </label>
      <div className="prefs-row">
        <label className="check">
          <input
            type="checkbox"
            checked={prefs.quietHours.enabled}
            onChange={(e) =>
              change({ quietHours: { ...prefs.quietHours, enabled: e.target.checked } })
            }
          />{' '}
          Quiet hours from
        </label>
        <input
          type="time"
          aria-label="Quiet hours start"
          value={prefs.quietHours.start}
          disabled={!prefs.quietHours.enabled}
          onChange={(e) => change({ quietHours: { ...prefs.quietHours, start: e.target.value } })}
        />
        <span>to</span>
        <input
          type="time"
          aria-label="Quiet hours end"
          value={prefs.quietHours.end}
          disabled={!prefs.quietHours.enabled}
          onChange={(e) => change({ quietHours: { ...prefs.quietHours, end: e.target.value } })}
        />
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={prefs.criticalBypassesQuiet}
          onChange={(e) => change({ criticalBypassesQuiet: e.target.checked })}
        />{' '}
        Critical events break through quiet hours, pauses and Do Not Disturb
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={prefs.respectOsDoNotDisturb}
          onChange={(e) => change({ respectOsDoNotDisturb: e.target.checked })}
        />{' '}
        Respect the system's Do Not Disturb
      </label>
      <p className="small muted" data-testid="dnd-reading">
        {dndLine(dnd)}
      </p>
      <div className="prefs-row">
        <label htmlFor="prefs-budget">At most</label>
        <input
          id="prefs-budget"
          type="number"
          min={1}
          max={100}
          value={prefs.budget.max}
          onChange={(e) =>
            change({
              budget: {
                ...prefs.budget,
                max: Math.min(100, Math.max(1, Math.round(Number(e.target.value) || 1))),
              },
            })
          }
        />
        <span>
          desktop notifications a minute from all endpoints together; the rest become one summary
          per endpoint (critical alerts never wait)
        </span>
      </div>
      <div className="prefs-row">
        <label className="check">
          <input
            type="checkbox"
            checked={prefs.incidents.enabled}
            onChange={(e) =>
              change({ incidents: { ...prefs.incidents, enabled: e.target.checked } })
            }
          />{' '}
          Tell me when an endpoint is down, deaf or needs a sign-in for more than
        </label>
        <input
          type="number"
          aria-label="Minutes before a connection incident notifies"
          min={1}
          max={60}
          value={Math.round(prefs.incidents.afterMs / 60_000)}
          disabled={!prefs.incidents.enabled}
          onChange={(e) =>
            change({
              incidents: {
                ...prefs.incidents,
                afterMs:
                  Math.min(60, Math.max(1, Math.round(Number(e.target.value) || 1))) * 60_000,
              },
            })
          }
        />
        <span>min (and again when it recovers)</span>
      </div>
      {endpoints.length > 0 ? (
        <fieldset className="prefs-endpoints">
          <legend>Per endpoint</legend>
          {endpoints.map((e) => {
            const ep = prefs.endpoints[e.id];
            const until = ep?.mutedUntil ?? null;
            return (
              <div key={e.id} className="prefs-row">
                <label className="check">
                  <input
                    type="checkbox"
                    checked={ep?.muted ?? false}
                    onChange={(ev) => setMute(e.id, ev.target.checked)}
                  />{' '}
                  Mute {e.name}
                </label>
                {until !== null && until > now && !ep?.muted ? (
                  <span className="small muted">
                    muted {untilPhrase(until, now)}{' '}
                    <button type="button" className="link-btn" onClick={() => setMute(e.id, false)}>
                      Unmute
                    </button>
                  </span>
                ) : null}
              </div>
            );
          })}
        </fieldset>
      ) : null}
      <table className="table table--compact prefs-kinds">
        <caption className="sr-only">Notification rules per event kind</caption>
        <thead>
          <tr>
            <th scope="col">Event kind</th>
            <th scope="col">Notify</th>
            <th scope="col">From severity</th>
          </tr>
        </thead>
        <tbody>
          {EVENT_KINDS.map((k) => (
            <tr key={k}>
              <td>
                {kindLabel(k)}
                {prefs.kinds[k].watchedOnly ? (
                  <span className="small muted"> (only tasks you watch)</span>
                ) : null}
              </td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Notify for ${kindLabel(k)}`}
                  checked={prefs.kinds[k].notify}
                  onChange={(e) => setKind(k, { notify: e.target.checked })}
                />
              </td>
              <td>
                <select
                  aria-label={`Minimum severity for ${kindLabel(k)}`}
                  value={prefs.kinds[k].minSeverity}
                  disabled={!prefs.kinds[k].notify}
                  onChange={(e) => setKind(k, { minSeverity: e.target.value as Severity })}
                >
                  {SEVERITIES.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}

function AppPanel() {
  const store = useAppStore();
  const settings = useApp((s) => s.settings);
  const host = useApp((s) => s.host);
  const updateState = useApp((s) => s.update);
  const [feed, setFeed] = useState(settings.updateFeedUrl ?? '');
  const [feedProblem, setFeedProblem] = useState<string | null>(null);
  const saveFeed = () => {
    const url = feed.trim();
    const problem = url === '' ? null : updateFeedProblem(url);
    setFeedProblem(problem);
    if (!problem) update({ updateFeedUrl: url === '' ? null : url });
  };
  const [logs, setLogs] = useState('');
  const update = (change: Parameters<ReturnType<typeof store.getState>['updateSettings']>[0]) =>
    void store
      .getState()
      .updateSettings(change)
      .catch(() => undefined);
  const openLogs = async () => {
    const bridge = store.getState().bridge;
    if (!bridge) return;
    const r = await bridge.invoke('logs:open', {});
    setLogs(r.opened ? 'Opened the log folder.' : `Logs are in ${r.path}`);
  };
  return (
    <Panel title="Application">
      <label className="field field--inline">
        <span className="field__label">Theme</span>
        <select
          value={settings.theme}
          onChange={(e) => update({ theme: e.target.value as typeof settings.theme })}
        >
          <option value="system">Follow the system</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </label>
      {/* Start at login and the tray belong to the desktop app: the browser host has neither. */}
      {host?.kind === 'electron' ? (
        <>
          <label className="check">
            <input
              type="checkbox"
              checked={settings.startAtLogin}
              onChange={(e) => update({ startAtLogin: e.target.checked })}
            />{' '}
            Start Lookout when I log in
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={settings.closeToTray}
              onChange={(e) => update({ closeToTray: e.target.checked })}
            />{' '}
            Closing the window keeps Lookout running in the tray
          </label>
        </>
      ) : null}
      <label className="check">
        <input
          type="checkbox"
          checked={settings.autoUpdate}
          onChange={(e) => update({ autoUpdate: e.target.checked })}
        />{' '}
        Check for updates
      </label>
      <label className="field">
        <span className="field__label">Update feed URL</span>
        <input
          type="url"
          placeholder="https://updates.example.com/lookout/"
          value={feed}
          aria-invalid={feedProblem ? true : undefined}
          aria-describedby={feedProblem ? 'update-feed-problem' : undefined}
          onChange={(e) => setFeed(e.target.value)}
          onBlur={saveFeed}
        />
        {feedProblem ? (
          <span id="update-feed-problem" className="field__error" role="alert">
            {feedProblem}
          </span>
        ) : null}
      </label>
      <p className="muted small" role="status">
        {updateText(updateState, host?.kind ?? null)}
      </p>
      {host ? (
        <dl className="kv">
          <dt>Version</dt>
          <dd>
            {host.appVersion} ({host.kind}, {host.platform})
          </dd>
          <dt>Config folder</dt>
          <dd className="mono">{host.configDir}</dd>
          <dt>Log file</dt>
          <dd className="mono">
            {host.logFile}{' '}
            <button type="button" className="link-btn" onClick={() => void openLogs()}>
              Open
            </button>{' '}
            {logs ? <span className="muted small">{logs}</span> : null}
          </dd>
          <dt>Secrets</dt>
          <dd>{host.secretsNote}</dd>
        </dl>
      ) : null}
      <button type="button" className="link-btn" onClick={() => update({ firstRunDone: false })}>
        Show the welcome again
      </button>
    </Panel>
  );
}

export function SettingsView() {
  return (
    <div className="page">
      <h1 className="page__title">Settings</h1>
      <EndpointsPanel />
      <div className="grid grid--2">
        <PrefsPanel />
        <AppPanel />
      </div>
    </div>
  );
}

/** Where automatic updates stand, in words. */
export function updateText(state: UpdateState | null, host: 'electron' | 'browser' | null): string {
  if (host === 'browser')
    return 'Updates apply to the installed desktop app; this browser host runs from source.';
  if (!state) return 'Update status appears here once the app has checked.';
  switch (state.status) {
    case 'off':
      return `Updates are off: ${state.reason}`;
    case 'idle':
      return 'Updates are on; the next check is soon.';
    case 'checking':
      return 'Checking for updates…';
    case 'up-to-date':
      return `Lookout is up to date (checked ${new Date(state.checkedAt).toLocaleTimeString()}).`;
    case 'downloading':
      return `Downloading update ${state.version} (${state.percent}%).`;
    case 'downloaded':
      return `Update ${state.version} is ready: it installs when Lookout restarts (tray menu → Restart to install).`;
    case 'error':
      return `The last update check failed: ${state.message}`;
  }
}
