import { useEffect, useEffectEvent, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  /** CSS custom property holding the colour, e.g. `--chart-1`. */
  colorVar: string;
  /** Put the series on the right-hand axis. */
  right?: boolean;
  fill?: boolean;
  unit?: string;
}

export interface UPlotChartProps {
  /** Columns: x (unix seconds) then one array per series. */
  data: uPlot.AlignedData;
  series: ChartSeries[];
  height: number;
  /** Small inline chart: no axes, legend or cursor. */
  sparkline?: boolean;
  /** Recreate the chart when this changes (theme: colours are read once at creation). */
  themeKey: string;
  label: string;
}

/** `14:03:07` of unix seconds (the x axis and legend). */
function clock(seconds: number): string {
  const d = new Date(seconds * 1_000);
  const p = (v: number) => String(v).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function cssVar(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

/**
 * uPlot in React: the chart is created once (and again only when the series or theme change);
 * new data goes through `setData`, which is cheap enough for several updates a second.
 */
export function UPlotChart({
  data,
  series,
  height,
  sparkline = false,
  themeKey,
  label,
}: UPlotChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  // Read when the chart is (re)built, without making every new data array rebuild it.
  const current = useEffectEvent(() => ({ data, series }));
  const seriesKey = series.map((s) => `${s.label}|${s.colorVar}|${s.right ? 1 : 0}`).join(',');

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const { data: initial, series } = current();
    const axisColor = cssVar(el, '--text-muted', '#888');
    const gridColor = cssVar(el, '--chart-grid', 'rgba(127,127,127,0.15)');
    const hasRight = series.some((s) => s.right);
    const opts: uPlot.Options = {
      width: Math.max(50, el.clientWidth),
      height,
      legend: { show: !sparkline },
      cursor: sparkline ? { show: false } : { drag: { x: false, y: false }, points: { size: 6 } },
      padding: sparkline ? [2, 0, 2, 0] : [8, 8, 0, 0],
      scales: {
        x: { time: true },
        y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
        r: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
      },
      axes: sparkline
        ? [{ show: false }, { show: false }]
        : [
            {
              stroke: axisColor,
              grid: { stroke: gridColor, width: 1 },
              ticks: { stroke: gridColor, width: 1 },
              font: '11px system-ui, sans-serif',
              space: 80,
              values: (_u: uPlot, splits: number[]) => splits.map((s) => clock(s)),
            },
            {
              stroke: axisColor,
              grid: { stroke: gridColor, width: 1 },
              ticks: { show: false },
              size: 48,
              font: '11px system-ui, sans-serif',
            },
            ...(hasRight
              ? [
                  {
                    scale: 'r',
                    side: 1 as const,
                    stroke: axisColor,
                    grid: { show: false },
                    ticks: { show: false },
                    size: 48,
                    font: '11px system-ui, sans-serif',
                  },
                ]
              : []),
          ],
      series: [
        { label: 'Time', value: (_u: uPlot, v: number | null) => (v === null ? '–' : clock(v)) },
        ...series.map((s) => {
          const color = cssVar(el, s.colorVar, '#3b82f6');
          return {
            label: s.label,
            scale: s.right ? 'r' : 'y',
            stroke: color,
            width: sparkline ? 1.25 : 1.75,
            fill: s.fill ? cssVar(el, `${s.colorVar}-fill`, 'transparent') : undefined,
            points: { show: false },
            value: (_u: uPlot, v: number | null) =>
              v === null
                ? '–'
                : `${Math.round(v).toLocaleString('en-US')}${s.unit ? ` ${s.unit}` : ''}`,
          };
        }),
      ],
    };
    const plot = new uPlot(opts, initial, el);
    chart.current = plot;
    const resize = new ResizeObserver(() => {
      const width = Math.max(50, el.clientWidth);
      if (width !== plot.width) plot.setSize({ width, height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
      chart.current = null;
    };
    // Rebuilt when the series change (seriesKey: a new array with the same series must not).
  }, [seriesKey, height, sparkline, themeKey]);

  useEffect(() => {
    const plot = chart.current;
    if (!plot) return;
    plot.setData(data);
    // Without a hovering cursor the legend shows the newest values instead of dashes.
    const n = data[0]?.length ?? 0;
    if (!sparkline && n > 0 && (plot.cursor.left ?? -1) < 0) plot.setLegend({ idx: n - 1 });
  }, [data, sparkline]);

  return (
    <div
      ref={host}
      className={sparkline ? 'chart chart--spark' : 'chart'}
      role="img"
      aria-label={label}
    />
  );
}
