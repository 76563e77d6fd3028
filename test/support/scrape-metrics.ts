import { expect } from 'vitest';
import { TEST_OPERATOR_KEY } from './gateway-fixtures';

/** Prometheus text → `name{labels}` → value (comments and the instance label left out). */
export function parseExposition(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!match) throw new Error(`not Prometheus text: ${line}`);
    const labels = (match[2] ?? '')
      .replace(/instance_id="[^"]*",?/, '')
      .replace(/,\}$/, '}')
      .replace(/^\{\}$/, '');
    out.set(`${match[1]}${labels}`, Number(match[3]));
  }
  return out;
}

/** `GET /metrics` with the test operator key, parsed. */
export async function scrape(base: string): Promise<Map<string, number>> {
  const res = await fetch(`${base}/metrics`, {
    headers: { authorization: `Bearer ${TEST_OPERATOR_KEY}` },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return parseExposition(await res.text());
}
