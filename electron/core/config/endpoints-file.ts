import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  endpointSchema,
  formatIssues,
  type EndpointConfig,
  type EndpointInput,
} from '../../../shared/config/endpoint';
import { writeFileAtomic } from './atomic-write';

/**
 * `endpoints.json`: the admin-editable list of backends. Plain JSON (no envelope) so admins can
 * write it by hand or roll it out with their tools. Loading never throws: an invalid endpoint is
 * skipped with a message naming the field, the valid ones still connect, the file is left as is.
 */
export interface EndpointsLoad {
  endpoints: EndpointConfig[];
  /** Problems in words that say what to fix; empty when the file is fine or absent. */
  problems: string[];
  /** False when the file does not exist (first run: the embedded demo gateway is used). */
  exists: boolean;
}

const fileShape = z
  .object({ version: z.literal(1), endpoints: z.array(z.unknown()).max(64) })
  .passthrough();

export async function loadEndpointsFile(path: string): Promise<EndpointsLoad> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { endpoints: [], problems: [], exists: false };
    return {
      endpoints: [],
      problems: [`${path}: cannot be read (${(error as Error).message}).`],
      exists: true,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      endpoints: [],
      problems: [
        `${path} is not valid JSON (${(error as Error).message}). Fix it or remove it to start over.`,
      ],
      exists: true,
    };
  }
  const shape = fileShape.safeParse(json);
  if (!shape.success) {
    return {
      endpoints: [],
      problems: formatIssues(shape.error).map(
        (p) => `${path}: ${p} (expected {"version": 1, "endpoints": [...]})`,
      ),
      exists: true,
    };
  }
  const endpoints: EndpointConfig[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  shape.data.endpoints.forEach((raw, index) => {
    const parsed = endpointSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of formatIssues(parsed.error))
        problems.push(`${path}: endpoints[${index}].${issue} — this endpoint is skipped.`);
      return;
    }
    if (seen.has(parsed.data.id)) {
      problems.push(
        `${path}: endpoints[${index}].id: duplicate id "${parsed.data.id}" — this endpoint is skipped.`,
      );
      return;
    }
    seen.add(parsed.data.id);
    endpoints.push(parsed.data);
  });
  return { endpoints, problems, exists: true };
}

export async function saveEndpointsFile(
  path: string,
  endpoints: readonly (EndpointConfig | EndpointInput)[],
): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify({ version: 1, endpoints }, null, 2)}\n`);
}
