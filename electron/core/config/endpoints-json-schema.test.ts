import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIALECT_IDS, endpointSchema } from '../../../shared/config/endpoint';
import { endpointsJsonSchema } from '../../../shared/config/endpoints-json-schema';

const root = join(import.meta.dirname, '..', '..', '..');

interface Node {
  properties?: Record<string, Node & { enum?: string[]; pattern?: string }>;
  items?: Node;
  anyOf?: Node[];
  required?: string[];
  additionalProperties?: unknown;
}

describe('the JSON Schema of endpoints.json', () => {
  it('is published in docs/ and matches the zod schema the app validates with (npm run schemas)', () => {
    const published = JSON.parse(
      readFileSync(join(root, 'docs', 'endpoints.schema.json'), 'utf8'),
    ) as unknown;
    expect(published).toEqual(endpointsJsonSchema());
  });

  it('describes every endpoint field, requires what the app requires, and allows $schema', () => {
    const schema = endpointsJsonSchema() as unknown as Node & { $schema: string };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(schema.properties ?? {})).toEqual(['$schema', 'version', 'endpoints']);
    expect(schema.required).toEqual(['version', 'endpoints']);
    const endpoint = schema.properties?.endpoints?.items as Node;
    expect(Object.keys(endpoint.properties ?? {}).sort()).toEqual(
      Object.keys(endpointSchema.shape).sort(),
    );
    expect(endpoint.required).toEqual(['id', 'name', 'dialect', 'url']);
    expect(endpoint.additionalProperties).toBe(false);
    expect(endpoint.properties?.dialect?.enum).toEqual([...DIALECT_IDS]);
    // The ws:// rule the app checks with a refinement is a pattern an editor can check.
    const url = endpoint.properties?.url?.anyOf?.[0] as { pattern?: string };
    expect(new RegExp(url.pattern ?? '').test('wss://rt.example.com/ws')).toBe(true);
    expect(new RegExp(url.pattern ?? '').test('https://rt.example.com/ws')).toBe(false);
  });
});
