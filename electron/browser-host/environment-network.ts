import type { NetworkPorts } from '../core/transport/network';
import { environmentProxyResolver } from '../core/transport/proxy-rules';

/**
 * The browser host's network: proxies from `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` /
 * `NO_PROXY` (as curl reads them; loopback direct, as Chromium), `NODE_EXTRA_CA_CERTS` from the
 * same environment, and the OS trust store as far as Node can read it.
 */
export function environmentNetwork(
  env: Readonly<Record<string, string | undefined>>,
): NetworkPorts {
  return {
    resolveSystemProxy: environmentProxyResolver(env),
    proxySource: 'environment (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY)',
    env,
  };
}
