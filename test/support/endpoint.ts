import {
  endpointSchema,
  type EndpointConfig,
  type EndpointInput,
} from '../../shared/config/endpoint';

/** A validated endpoint config for tests, with fast backoff unless overridden. */
export function testEndpoint(
  input: Partial<EndpointInput> & { url: EndpointInput['url'] },
): EndpointConfig {
  return endpointSchema.parse({
    id: 'test',
    name: 'Test',
    dialect: 'lookout',
    backoff: { minMs: 20, maxMs: 200, factor: 2, stableAfterMs: 5_000 },
    handshakeTimeoutMs: 1_000,
    ...input,
  });
}
