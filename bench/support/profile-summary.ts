import type { Profiler } from 'node:inspector';

/**
 * A V8 CPU profile's functions by self time (samples spent in the function itself, not in what it
 * called), as a printable table: share of all samples, function, file:line.
 */
export function selfTimes(profile: Profiler.Profile, top = 25): string {
  const samplesOf = new Map<number, number>();
  for (const id of profile.samples ?? []) samplesOf.set(id, (samplesOf.get(id) ?? 0) + 1);
  const total = profile.samples?.length ?? 0;
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const n = samplesOf.get(node.id) ?? 0;
    if (n === 0) continue;
    const f = node.callFrame;
    const file = f.url
      .replace(/^file:\/\//, '')
      .replace(/^.*\/(node_modules|electron|shared)\//, '$1/');
    const key = `${f.functionName || '(anonymous)'}  ${file ? `${file}:${f.lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + n);
  }
  return [...byFunction]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, n]) => `${((100 * n) / Math.max(1, total)).toFixed(1).padStart(5)} %  ${key}`)
    .join('\n');
}
