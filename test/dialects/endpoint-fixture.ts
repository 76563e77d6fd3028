import { endpointSchema } from '../../shared/config/endpoint';
import type { EndpointConfig, EndpointInput } from '../../shared/config/endpoint';

/** A parsed endpoint config for codec tests (defaults filled in by the real schema). */
export function testEndpoint(
  input: Partial<EndpointInput> & Pick<EndpointInput, 'dialect' | 'url'>,
): EndpointConfig {
  return endpointSchema.parse({ id: 'ep', name: 'Test endpoint', ...input });
}
