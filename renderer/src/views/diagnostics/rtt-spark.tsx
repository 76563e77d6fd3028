import { type HealthRow } from '../../selectors/connection-health';
import { useResolvedTheme } from '../../ui/theme';
import { UPlotChart } from '../../ui/uplot-chart';

const RTT_SERIES = [{ label: 'RTT', colorVar: '--chart-1', unit: 'ms' }];

/** A small chart of one endpoint's recent round-trip times. */
export function RttSpark({ row }: { row: HealthRow }) {
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
