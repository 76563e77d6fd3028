import { cpus, totalmem } from 'node:os';

/** One line of the printed table: a figure next to its goal. */
export interface Row {
  bench: string;
  name: string;
  value: number;
  unit: string;
  goal: string;
  /** null when the figure has no goal (a reference or a detail). */
  met: boolean | null;
}

/** What each benchmark returns: table rows and every raw figure for the JSON file. */
export interface BenchResult {
  name: string;
  rows: Row[];
  details: Record<string, unknown>;
  /** Set when the benchmark could not run (and why); its rows are then empty. */
  skipped?: string;
}

/** What the runner gives each benchmark. */
export interface BenchContext {
  quick: boolean;
  log: (line: string) => void;
}

export function environment(): Record<string, unknown> {
  const cpu = cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpuModel: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryMb: Math.round(totalmem() / 1024 / 1024),
  };
}

function formatValue(row: Row): string {
  const v = Number.isInteger(row.value)
    ? row.value.toLocaleString('en-US')
    : row.value.toLocaleString('en-US', { maximumFractionDigits: 2 });
  return `${v}${row.unit ? ` ${row.unit}` : ''}`;
}

/** The table printed at the end of a run. */
export function table(rows: readonly Row[]): string {
  const lines = rows.map((r) => [
    r.bench,
    r.name,
    formatValue(r),
    r.goal || '—',
    r.met === null ? '' : r.met ? 'yes' : 'NO',
  ]);
  const header = ['bench', 'figure', 'value', 'goal', 'met'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
}
