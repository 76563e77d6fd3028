/**
 * Writes the published JSON Schemas: `docs/endpoints.schema.json` from the zod schema of
 * `endpoints.json`. Run `npm run schemas` after changing `shared/config/endpoint.ts`; a test fails
 * while the published file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'prettier';
import { endpointsJsonSchema } from '../shared/config/endpoints-json-schema';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(root, 'docs', 'endpoints.schema.json');
writeFileSync(file, await format(JSON.stringify(endpointsJsonSchema()), { parser: 'json' }));
console.log(`wrote ${file}`);
