import { useMemo } from 'react';
import { formatClock } from '../selectors/format';
import { endpointName } from '../selectors/connection-health';
import {
  endpointsWithStats,
  sampleBefore,
  sampleGaps,
  statCards,
  statsEndpointOf,
  throughputSeries,
} from '../selectors/live-selectors';
import { EmptyState, Panel, ProgressBar, RelativeTime } from '../ui/common';
import { useApp, useAppStore } from '../ui/store-context';
import { UPlotChart } from '../ui/uplot-chart';
import { useResolvedTheme } from '../ui/theme';
import { InboxPanels } from './inbox-panel';

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
  const gaps = useMemo(() => {
    const last = history?.[history.length - 1];
    if (!history || !last) return [];
    const from = last.at - (compact ? 3 : 5) * 60_000;
    return sampleGaps(history.filter((s) => s.at >= from).map((s) => s.at));
  }, [history, compact]);
  const gapText = gaps.map((g) => `${formatClock(g.from)}–${formatClock(g.to)}`).join(', ');
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
              label={`Throughput chart of ${endpointName(endpoints, id ?? '')}${gapText ? `; no samples ${gapText}` : ''}`}
            />
            {gapText ? (
              <p className="muted small chart-wrap__gaps">
                No samples {gapText} (Lookout was not running, or the backend sent none): shown as a
                gap.
              </p>
            ) : null}
          </div>
        </>
      )}
    </Panel>
  );
}

export function StatsView() {
  return (
    <div className="page">
      <h1 className="page__title">Stats</h1>
      <StatsPanel />
      <InboxPanels />
    </div>
  );
}
