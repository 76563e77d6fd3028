import { z } from 'zod';
import { endpointsFileSchema } from './endpoint';

/**
 * The JSON Schema of `endpoints.json`, generated from the zod schema the app validates with, so
 * editors can check and complete the file as it is typed. Published as
 * `docs/endpoints.schema.json` (a test keeps it current) and written beside the file Lookout
 * saves, whose `$schema` points at it. Refinements a JSON Schema cannot express (duplicate ids,
 * backoff maxMs ≥ minMs) are still checked by Lookout when it loads the file.
 */
export function endpointsJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(endpointsFileSchema, {
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return {
    $schema,
    title: 'Lookout endpoints.json',
    description:
      'The backends Lookout connects to. Secrets never go here: credentialRef names an entry of the encrypted credential store.',
    ...rest,
  };
}
