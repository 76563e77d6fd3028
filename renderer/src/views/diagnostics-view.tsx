import { useEffect, useState, type ReactNode } from 'react';
import { CLOSE_CODES, HANDSHAKE_STATUSES, type CodeMeaning } from '../../../shared/close-codes';
import type { SessionDiagnostics } from '../../../shared/model/connection';
import type { CheckStep } from '../../../shared/model/diagnostics';
import {
  describeDelivery,
  type EndpointHealth,
  type RankedCause,
} from '../../../shared/model/health';
import {
  endpointName,
  healthRow,
  outcomeCodes,
  type HealthRow,
} from '../selectors/connection-health';
import { formatBytes, formatDuration, formatNumber } from '../selectors/format';
import { copyText, downloadUrl } from '../ui/clipboard';
import { Badge, ClockTime, Dot, EmptyState, Panel, RelativeTime } from '../ui/common';
import { useApp, useAppStore } from '../ui/store-context';
import { useResolvedTheme } from '../ui/theme';
import { useNow } from '../ui/ticker';
import { UPlotChart } from '../ui/uplot-chart';
import { FrameLog } from './frame-log';
import { TransportPanel } from './transport-panel';
import type { Pending } from '../store/connections-slice';
import { ServerText } from '../ui/server-text';

const RTT_SERIES = [{ label: 'RTT', colorVar: '--chart-1', unit: 'ms' }];

function RttSpark({ row }: { row: HealthRow }) {
  const theme = useResolvedTheme();
  if (row.rttRecent.length < 2) return <span className="muted">—</span>;
  const data: [number[], number[]] = [
    row.rttRecent.map((s) => s.at / 1_000),
    row.rttRecent.map((s) => s.ms),
  ];
  return (
    <UPlotChart
      data={data}
      series={RTT_SERIES}
      height={28}
      sparkline
      themeKey={theme}
      label={`Round-trip times of ${row.name}`}
    />
  );
}

function HealthTable({ selected }: { selected: string | null }) {
  const store = useAppStore();
  const connections = useApp((s) => s.connections);
  const health = useApp((s) => s.health);
  const endpoints = useApp((s) => s.endpoints);
  const now = useNow();
  const rows = Object.values(connections).map((d) =>
    healthRow(d, endpointName(endpoints, d.endpoint), now, health[d.endpoint]),
  );
  if (rows.length === 0) {
    return (
      <EmptyState title="No connections" icon="⚡">
        Add an endpoint in Settings to see its connection health here.
      </EmptyState>
    );
  }
  return (
    <div className="table-scroll table-fit">
      <table className="table table--health">
        <thead>
          <tr>
            <th scope="col">Endpoint</th>
            <th scope="col">State</th>
            <th scope="col">Last data</th>
            <th scope="col" className="col-rtt">
              RTT p50 / p95
            </th>
            <th scope="col" className="spark-col col-spark">
              <span className="sr-only">RTT chart</span>
            </th>
            <th scope="col" className="num col-reconnects">
              Reconnects
            </th>
            <th scope="col">Last close / handshake</th>
          </tr>
        </thead>
        <tbody>
          {rows.flatMap((r) => [
            <tr key={r.endpoint} className={selected === r.endpoint ? 'is-selected' : undefined}>
              <td>
                <button
                  type="button"
                  className="row-link"
                  aria-current={selected === r.endpoint ? 'true' : undefined}
                  onClick={() => store.getState().navigate(`diagnostics/${r.endpoint}`)}
                >
                  {r.name}
                </button>
                <div className="sub">
                  {r.dialect} · {r.subscriptions.length} channel
                  {r.subscriptions.length === 1 ? '' : 's'}
                </div>
              </td>
              <td>
                <span className="state">
                  <Dot tone={r.tone} />
                  {r.stateLabel}
                </span>
                <div className="sub">
                  since <RelativeTime at={r.since} />
                </div>
              </td>
              <td className={r.stale ? 'text-warn' : undefined}>
                {r.lastDataAgeMs === null ? '—' : `${formatDuration(r.lastDataAgeMs)} ago`}
                {r.delivery ? (
                  <div className="sub">
                    <Dot tone={r.delivery.tone} /> {r.delivery.label}
                  </div>
                ) : null}
              </td>
              <td className="mono col-rtt">
                {r.p50Ms === null ? '—' : `${r.p50Ms} / ${r.p95Ms ?? '—'} ms`}
              </td>
              <td className="spark-col col-spark">
                <RttSpark row={r} />
              </td>
              <td className="num mono col-reconnects">{r.reconnects}</td>
              <td className="meaning">
                {r.lastCloseCode !== null ? (
                  <div title={r.lastCloseMeaning}>
                    <code>{r.lastCloseCode}</code> {r.lastCloseMeaning}
                  </div>
                ) : null}
                {r.lastHandshakeStatus !== null ? (
                  <div title={r.lastHandshakeMeaning}>
                    <code>HTTP {r.lastHandshakeStatus}</code> {r.lastHandshakeMeaning}
                  </div>
                ) : null}
                {r.lastCloseCode === null && r.lastHandshakeStatus === null ? (
                  <span className="muted">—</span>
                ) : null}
                {r.recoveredAt !== null ? (
                  <div className="sub text-ok">
                    recovered at <ClockTime at={r.recoveredAt} />
                  </div>
                ) : null}
              </td>
            </tr>,
            ...r.channels.map((c) => (
              <tr key={`${r.endpoint}#${c.name}`} className="channel-row">
                <td>
                  <span className="sub mono">└ {c.name}</span>
                </td>
                <td className={`sub${c.refused ? ' text-bad' : ''}`}>{c.status}</td>
                <td className="sub">
                  {c.lastEventAgeMs === null
                    ? 'no events yet'
                    : `${formatDuration(c.lastEventAgeMs)} ago`}
                </td>
                {/* One cell per column (no colspan), so a narrow window can drop columns. */}
                <td className="sub num col-rtt">
                  {c.events.toLocaleString()} event{c.events === 1 ? '' : 's'}
                </td>
                <td className="col-spark" />
                <td className="col-reconnects" />
                <td className="sub meaning">
                  {c.dropped ? (
                    <div className="text-warn" title={c.dropped.details.join('\n')}>
                      {c.dropped.total.toLocaleString()} not applied: {c.dropped.summary}
                    </div>
                  ) : null}
                  {c.lastReset ? (
                    <div className="text-warn" title={c.lastReset.explanation}>
                      {c.lastReset.label} at <ClockTime at={c.lastReset.at} />:{' '}
                      {c.lastReset.explanation}
                    </div>
                  ) : null}
                  {c.resume ? <div className="mono">{c.resume}</div> : null}
                </td>
              </tr>
            )),
          ])}
        </tbody>
      </table>
    </div>
  );
}

const STEP_LABEL: Record<CheckStep['id'], string> = {
  dns: 'DNS lookup',
  tcp: 'TCP connect',
  proxy: 'Proxy',
  tls: 'TLS certificate',
  upgrade: 'WebSocket upgrade',
  auth: 'Authentication',
  subscribe: 'Subscribe',
  'round-trip': 'Round trip',
  delivery: 'Delivery',
};
const STEP_ICON: Record<CheckStep['status'], string> = {
  ok: '✓',
  failed: '✕',
  skipped: '–',
  warning: '!',
};

/**
 * A panel around one on-demand request to main (connection check, probes): the action button,
 * then its intro, running, error and done states.
 */
function PendingPanel<T>({
  title,
  pending,
  run,
  label,
  runningLabel,
  primary = false,
  intro,
  failure,
  children,
}: {
  title: string;
  pending: Pending<T> | undefined;
  run: () => void;
  label: string;
  runningLabel: string;
  primary?: boolean;
  intro: string;
  failure: string;
  children: (value: T) => ReactNode;
}) {
  return (
    <Panel
      title={title}
      actions={
        <button
          type="button"
          className={`btn btn--small${primary ? ' btn--primary' : ''}`}
          disabled={pending?.status === 'running'}
          onClick={run}
        >
          {pending?.status === 'running' ? runningLabel : label}
        </button>
      }
    >
      {!pending ? (
        <p className="muted">{intro}</p>
      ) : pending.status === 'running' ? (
        <p className="muted" aria-busy="true">
          {runningLabel}
        </p>
      ) : pending.status === 'error' ? (
        <div className="callout callout--bad">
          {failure}: {pending.message}
        </div>
      ) : (
        children(pending.value)
      )}
    </Panel>
  );
}

function ConnectionCheck({ endpoint }: { endpoint: string }) {
  const store = useAppStore();
  const check = useApp((s) => s.checks[endpoint]);
  return (
    <PendingPanel
      title="Connection check"
      pending={check}
      run={() => void store.getState().runCheck(endpoint)}
      label="Run connection check"
      runningLabel="Checking…"
      primary
      intro="Walks DNS → TCP → upgrade → auth → subscribe → round trip with a separate test connection, and says in plain words where it fails and what to do."
      failure="The check could not run"
    >
      {(report) => (
        <>
          <div
            className={`callout callout--${!report.ok ? 'bad' : report.steps.some((s) => s.status === 'warning') ? 'warn' : 'ok'}`}
            role="status"
          >
            {report.summary}
          </div>
          {report.causes ? <CauseList causes={report.causes} /> : null}
          <ol className="steps">
            {report.steps.map((s) => (
              <li key={s.id} className={`step step--${s.status}`}>
                <span className="step__icon" aria-label={s.status}>
                  {STEP_ICON[s.status]}
                </span>
                <div>
                  <div className="step__name">
                    {STEP_LABEL[s.id]}
                    {s.durationMs !== undefined ? (
                      <span className="muted small"> · {formatDuration(s.durationMs)}</span>
                    ) : null}
                  </div>
                  <div className="step__detail">
                    <ServerText text={s.detail} max={600} />
                  </div>
                  {s.advice ? <div className="step__advice">What to do: {s.advice}</div> : null}
                </div>
              </li>
            ))}
          </ol>
        </>
      )}
    </PendingPanel>
  );
}

const PROBE_TONE = { healthy: 'ok', degraded: 'warn', down: 'bad', unknown: 'muted' } as const;

function Probes({ endpoint }: { endpoint: string }) {
  const store = useAppStore();
  const probes = useApp((s) => s.probes[endpoint]);
  return (
    <PendingPanel
      title="Health and stats probes"
      pending={probes}
      run={() => void store.getState().runProbes(endpoint)}
      label="Probe backend"
      runningLabel="Probing…"
      intro="Asks the backend's HTTP health and stats endpoints directly, outside the WebSocket."
      failure="The probe could not run"
    >
      {(results) =>
        results.length === 0 ? (
          <p className="muted">This backend has no HTTP probes.</p>
        ) : (
          <ul className="list">
            {results.map((p) => (
              <li key={p.name} className="list__row list__row--top">
                <div>
                  <div className="list__title">
                    <Dot tone={PROBE_TONE[p.status]} /> {p.name}: {p.summary}
                  </div>
                  <div className="sub mono">
                    GET {p.url} → {p.httpStatus ?? 'no answer'}
                    {p.durationMs !== null ? ` in ${formatDuration(p.durationMs)}` : ''}
                  </div>
                  {p.body ? (
                    <pre className="pre">
                      <ServerText text={p.body} max={2_000} />
                    </pre>
                  ) : null}
                </div>
              </li>
            ))}
          </ul>
        )
      }
    </PendingPanel>
  );
}

/** Possible causes of an ambiguous failure, most likely first, each with its evidence. */
function CauseList({ causes }: { causes: readonly RankedCause[] }) {
  return (
    <ol className="causes" aria-label="Possible causes, most likely first">
      {causes.map((c) => (
        <li key={c.id} className={`cause cause--${c.likelihood}`}>
          <span className={`likelihood likelihood--${c.likelihood}`}>{c.likelihood}</span> {c.text}{' '}
          <span className="muted small">({c.evidence})</span>
        </li>
      ))}
    </ol>
  );
}

/** Delivery (data, the Redis probe) and the current failure's possible causes. */
function DeliveryPanel({ health }: { health: EndpointHealth }) {
  const now = useNow();
  const d = health.delivery;
  return (
    <Panel title="Delivery">
      <p
        className={d.status === 'deaf' ? 'text-bad' : d.status === 'unverified' ? 'text-warn' : ''}
      >
        {describeDelivery(d, now)}
      </p>
      {d.redis ? (
        <p className="sub">
          Redis probe <RelativeTime at={d.redis.at} />: {d.redis.status} · {d.redis.detail}
        </p>
      ) : null}
      {health.causes.length > 0 ? (
        <>
          <h3 className="subhead">Why the server refuses, most likely first</h3>
          <CauseList causes={health.causes} />
        </>
      ) : null}
    </Panel>
  );
}

function Journal({ diag }: { diag: SessionDiagnostics }) {
  const attempts = [...diag.attempts].reverse();
  const timeline = [...diag.timeline].reverse().slice(0, 30);
  return (
    <Panel title="Reconnect journal">
      {attempts.length === 0 ? (
        <p className="muted">No connection attempts yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="table table--compact">
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">Started</th>
                <th scope="col">Trigger</th>
                <th scope="col" className="num">
                  Waited
                </th>
                <th scope="col">Lasted</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {attempts.map((a) => (
                <tr key={a.n}>
                  <td className="num mono">{a.n}</td>
                  <td className="mono">
                    <ClockTime at={a.startedAt} />
                  </td>
                  <td>{a.trigger}</td>
                  <td className="num mono">{a.delayMs ? formatDuration(a.delayMs) : '—'}</td>
                  <td className="mono">
                    {a.openedAt
                      ? a.endedAt
                        ? formatDuration(a.endedAt - a.openedAt)
                        : 'open now'
                      : a.endedAt
                        ? 'never opened'
                        : '…'}
                  </td>
                  <td className="meaning">
                    {a.outcome ? (
                      <>
                        {a.outcome.meaning} <code>{outcomeCodes(a.outcome)}</code>
                      </>
                    ) : a.openedAt && !a.endedAt ? (
                      <span className="text-ok">Connected</span>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3 className="subhead">State changes</h3>
      <ul className="timeline">
        {timeline.map((c, i) => (
          <li key={`${c.at}-${i}`}>
            <span className="mono muted">
              <ClockTime at={c.at} />
            </span>{' '}
            <Badge tone="muted">{c.from}</Badge> → <Badge tone="info">{c.to}</Badge>{' '}
            <span>{c.reason}</span>
          </li>
        ))}
      </ul>
    </Panel>
  );
}

function EndpointDetail({ diag }: { diag: SessionDiagnostics }) {
  const store = useAppStore();
  const name = useApp((s) => endpointName(s.endpoints, diag.endpoint));
  const canSignIn = useApp(
    (s) => s.endpoints.find((e) => e.id === diag.endpoint)?.authMethod !== 'none',
  );
  const health = useApp((s) => s.health[diag.endpoint]);
  const rejections = Object.entries(diag.rejections);
  const recovered = diag.recoveredAt !== null;
  return (
    <>
      <div className="page__head">
        <h2 className="section-title">{name}</h2>
        <div className="page__actions">
          {diag.state === 'auth-required' && canSignIn ? (
            <button
              type="button"
              className="btn btn--primary"
              onClick={() => store.getState().openSignIn(diag.endpoint)}
            >
              Sign in
            </button>
          ) : null}
          <button
            type="button"
            className="btn"
            onClick={() => store.getState().reconnect(diag.endpoint)}
          >
            Reconnect now
          </button>
        </div>
      </div>
      {diag.lastOutcome ? (
        <div className={`callout callout--${recovered ? 'muted' : 'warn'}`}>
          <strong>{recovered ? 'Previous failure:' : 'Last outcome:'}</strong>{' '}
          {diag.lastOutcome.meaning} <code>{outcomeCodes(diag.lastOutcome)}</code>
          {diag.lastOutcome.closeReason ? (
            <>
              {' '}
              Reason given: “<ServerText text={diag.lastOutcome.closeReason} max={200} />
              ”.
            </>
          ) : null}
          {diag.recoveredAt !== null ? (
            <>
              {' '}
              <span className="text-ok">
                Recovered at <ClockTime at={diag.recoveredAt} />.
              </span>
            </>
          ) : null}
          {diag.lastOutcome.advice && diag.recoveredAt === null ? (
            <div>What to do: {diag.lastOutcome.advice}</div>
          ) : null}
        </div>
      ) : null}
      {health ? <DeliveryPanel health={health} /> : null}
      <TransportPanel diag={diag} />
      <div className="grid grid--2">
        <Panel title="Connection">
          <dl className="kv">
            <dt>URL</dt>
            <dd className="mono">{diag.url}</dd>
            <dt>Protocol</dt>
            <dd>{diag.dialect}</dd>
            <dt>Channels</dt>
            <dd>{diag.subscriptions.length ? diag.subscriptions.join(', ') : '—'}</dd>
            <dt>Keepalive</dt>
            <dd>{diag.keepalive}</dd>
            <dt>Clock skew</dt>
            <dd>
              {diag.clockSkewMs === null
                ? 'not reported'
                : `${diag.clockSkewMs > 0 ? '+' : ''}${formatDuration(Math.abs(diag.clockSkewMs))}${diag.clockSkewMs < 0 ? ' behind' : ''} (server − us)`}
            </dd>
          </dl>
        </Panel>
        <Panel title="Counters">
          <dl className="kv kv--numbers">
            <dt>Frames in / out</dt>
            <dd>
              {formatNumber(diag.counters.framesIn)} / {formatNumber(diag.counters.framesOut)}
            </dd>
            <dt>Bytes in / out</dt>
            <dd>
              {formatBytes(diag.counters.bytesIn)} / {formatBytes(diag.counters.bytesOut)}
            </dd>
            <dt>Events</dt>
            <dd>{formatNumber(diag.counters.events)}</dd>
            <dt>Round trip p50 / p95</dt>
            <dd>
              {diag.rtt.p50Ms === null ? '—' : `${diag.rtt.p50Ms} / ${diag.rtt.p95Ms ?? '—'} ms`}
            </dd>
            <dt>Reconnects</dt>
            <dd>{formatNumber(diag.counters.reconnects)}</dd>
            <dt>Rejected frames</dt>
            <dd>
              {rejections.length ? (
                <ServerText text={rejections.map(([k, v]) => `${k}: ${v}`).join(', ')} max={400} />
              ) : (
                formatNumber(diag.counters.rejectedFrames)
              )}
            </dd>
            <dt>Server errors</dt>
            <dd>
              {diag.serverErrors.length === 0 ? (
                'none'
              ) : (
                <ServerText
                  text={diag.serverErrors
                    .slice(-3)
                    .map((e) => e.message)
                    .join(' · ')}
                  max={600}
                />
              )}
            </dd>
          </dl>
        </Panel>
      </div>
      <div className="grid grid--2">
        <ConnectionCheck endpoint={diag.endpoint} />
        <Probes endpoint={diag.endpoint} />
      </div>
      <Journal diag={diag} />
      <FrameLog frames={diag.frames} />
    </>
  );
}

function SupportBundle() {
  const store = useAppStore();
  const [state, setState] = useState<
    | { phase: 'idle' | 'busy' | 'copied' }
    | { phase: 'fallback'; json: string; url: string }
    | { phase: 'error'; message: string }
  >({ phase: 'idle' });
  useEffect(
    () => () => (state.phase === 'fallback' ? URL.revokeObjectURL(state.url) : undefined),
    [state],
  );
  const run = async () => {
    setState({ phase: 'busy' });
    try {
      const json = await store.getState().supportBundle();
      if (await copyText(json)) {
        setState({ phase: 'copied' });
        store.getState().announce('Support bundle copied to the clipboard.');
      } else setState({ phase: 'fallback', json, url: downloadUrl(json) });
    } catch (err) {
      setState({ phase: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  };
  return (
    <div className="bundle">
      <button
        type="button"
        className="btn"
        disabled={state.phase === 'busy'}
        onClick={() => void run()}
      >
        {state.phase === 'busy' ? 'Collecting…' : 'Copy support bundle'}
      </button>
      {state.phase === 'copied' ? (
        <span className="text-ok small" role="status">
          ✓ Copied. Paste it into your support ticket: it holds no passwords or tokens.
        </span>
      ) : null}
      {state.phase === 'error' ? (
        <span className="text-bad small" role="alert">
          {state.message}
        </span>
      ) : null}
      {state.phase === 'fallback' ? (
        <div className="bundle__fallback" role="status">
          <p className="small">
            The clipboard is not available here. Select the text below, or download it:
          </p>
          <textarea
            readOnly
            value={state.json}
            rows={6}
            aria-label="Support bundle JSON"
            onFocus={(e) => e.currentTarget.select()}
          />
          <a className="btn btn--small" href={state.url} download="lookout-support-bundle.json">
            Download lookout-support-bundle.json
          </a>
        </div>
      ) : null}
    </div>
  );
}

/** One half of the help table: codes with their name and meaning. */
function MeaningTable({
  caption,
  table,
}: {
  caption: string;
  table: Readonly<Record<number, CodeMeaning>>;
}) {
  return (
    <table className="table table--compact">
      <caption>{caption}</caption>
      <tbody>
        {Object.entries(table).map(([code, m]) => (
          <tr key={code}>
            <td className="mono">{code}</td>
            <td>
              <strong>{m.name}</strong> — {m.meaning}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CodeTable() {
  return (
    <details className="help">
      <summary>What do close codes and handshake statuses mean?</summary>
      <div className="grid grid--2">
        <MeaningTable caption="Close codes" table={CLOSE_CODES} />
        <MeaningTable caption="Handshake (HTTP) statuses" table={HANDSHAKE_STATUSES} />
      </div>
    </details>
  );
}

/** Support staff's view of every connection: health, journal, frames, checks and the bundle. */
export function DiagnosticsView() {
  const store = useAppStore();
  const param = useApp((s) => s.route.param);
  const connections = useApp((s) => s.connections);
  useEffect(() => {
    store.getState().setDiagnosticsLive(true);
    return () => store.getState().setDiagnosticsLive(false);
  }, [store]);
  const selectedId = param && connections[param] ? param : (Object.keys(connections)[0] ?? null);
  const diag = selectedId ? connections[selectedId] : undefined;
  return (
    <div className="page">
      <div className="page__head">
        <h1 className="page__title">Diagnostics</h1>
        <div className="page__actions">
          <SupportBundle />
        </div>
      </div>
      <Panel title="Connection health">
        <HealthTable selected={selectedId} />
      </Panel>
      {param && !connections[param] ? (
        <div className="callout callout--warn">No connection named “{param}”.</div>
      ) : null}
      {diag ? <EndpointDetail diag={diag} /> : null}
      <CodeTable />
    </div>
  );
}
