import { useMemo } from 'react';
import { endpointName } from '../selectors/connection-health';
import {
  endpointsWithStats,
  sampleBefore,
  statCards,
  statsEndpointOf,
  throughputSeries,
} from '../selectors/live-selectors';
import { EmptyState, Panel, ProgressBar, RelativeTime } from '../ui/common';
import { useApp, useAppStore } from '../ui/store-context';
import { UPlotChart } from '../ui/uplot-chart';
import { useResolvedTheme } from '../ui/theme';
import { ServerText } from '../ui/server-text';

const SERIES = [
  { label: 'Throughput', colorVar: '--chart-1', fill: true, unit: 'msg/s' },
  { label: 'Queue depth', colorVar: '--chart-2', right: true },
];

/** Stat cards and the throughput chart of one endpoint, with a picker when several report stats. */
export function StatsPanel({ compact = false }: { compact?: boolean }) {
  const store = useAppStore();
  const live = useApp((s) => s.live);
  const chosen = useApp((s) => s.statsEndpoint);
  const endpoints = useApp((s) => s.endpoints);
  const theme = useResolvedTheme();
  const configured = useMemo(() => endpoints.map((e) => e.id), [endpoints]);
  const id = statsEndpointOf(live, chosen, configured);
  const data = id ? live[id] : undefined;
  const history = data?.statsHistory;
  const series = useMemo(
    () => throughputSeries(history ?? [], compact ? 3 * 60_000 : 5 * 60_000),
    [history, compact],
  );
  const withStats = endpointsWithStats(live, configured);
  const sample = data?.stats ?? null;
  const cards = statCards(sample, history ? sampleBefore(history) : null);

  return (
    <Panel
      title="Live stats"
      actions={
        withStats.length > 1 ? (
          <label className="inline-field">
            <span className="sr-only">Endpoint</span>
            <select
              value={id ?? ''}
              onChange={(e) => store.getState().setStatsEndpoint(e.target.value)}
            >
              {withStats.map((e) => (
                <option key={e} value={e}>
                  {endpointName(endpoints, e)}
                </option>
              ))}
            </select>
          </label>
        ) : id ? (
          <span className="muted">{endpointName(endpoints, id)}</span>
        ) : null
      }
    >
      {!sample ? (
        <EmptyState title="No stats yet" icon="∿">
          Throughput and queue figures appear here once an endpoint with a stats channel is
          connected.
        </EmptyState>
      ) : (
        <>
          {sample.degraded ? (
            <div className="callout callout--warn">
              The backend reports it is degraded: these figures are not real until it recovers.
            </div>
          ) : null}
          <div className="cards">
            {cards.map((c) => (
              <div key={c.id} className={`card card--${c.tone}`}>
                <div className="card__label">{c.label}</div>
                <div className="card__value">{c.value}</div>
                {c.percent !== null ? <ProgressBar percent={c.percent} label={c.label} /> : null}
                <div className="card__hint">{c.hint}</div>
              </div>
            ))}
          </div>
          <div className="chart-wrap">
            <div className="chart-wrap__head">
              <span>Throughput, last {compact ? 3 : 5} minutes</span>
              <span className="muted">
                updated <RelativeTime at={sample.at} />
              </span>
            </div>
            <UPlotChart
              data={series}
              series={SERIES}
              height={compact ? 170 : 260}
              themeKey={theme}
              label={`Throughput chart of ${endpointName(endpoints, id ?? '')}`}
            />
          </div>
        </>
      )}
    </Panel>
  );
}

export function StatsView() {
  const live = useApp((s) => s.live);
  const endpoints = useApp((s) => s.endpoints);
  const sites = Object.entries(live).filter(([, l]) => l.siteStatus || l.unreadCounts);
  return (
    <div className="page">
      <h1 className="page__title">Stats</h1>
      <StatsPanel />
      {sites.length > 0 ? (
        <Panel title="Site status and counters">
          <ul className="list">
            {sites.map(([id, l]) => (
              <li key={id} className="list__row">
                <div>
                  <div className="list__title">{endpointName(endpoints, id)}</div>
                  <div className="sub">
                    {l.siteStatus ? (
                      <ServerText
                        text={`${l.siteStatus.status}: ${l.siteStatus.detail}`}
                        max={300}
                      />
                    ) : (
                      'No site status reported'
                    )}
                    {l.unreadCounts
                      ? ` · unread ${Object.entries(l.unreadCounts)
                          .map(([k, v]) => `${k} ${v}`)
                          .join(', ')}`
                      : ''}
                  </div>
                </div>
                {l.siteStatus ? <RelativeTime at={l.siteStatus.at} /> : null}
              </li>
            ))}
          </ul>
        </Panel>
      ) : null}
    </div>
  );
}
