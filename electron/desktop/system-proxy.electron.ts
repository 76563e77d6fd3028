import type { Session } from 'electron';
import type { NetworkPorts } from '../core/transport/network';
import { parsePacResult } from '../core/transport/proxy-rules';

/**
 * The desktop app's network: each URL's proxy as Chromium would choose it
 * (`session.resolveProxy`: the OS settings, a PAC file or WPAD, its bypass list and loopback
 * rule), so Lookout's main-process WebSocket and HTTP calls take the route the user's browser
 * takes. Trust: Node's bundled roots plus the OS store read through `tls.getCACertificates`
 * (Electron's Node has it), and `NODE_EXTRA_CA_CERTS`.
 */
export function electronNetwork(
  session: Pick<Session, 'resolveProxy'>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): NetworkPorts {
  return {
    resolveSystemProxy: async (url) => {
      const answer = await session.resolveProxy(url);
      return {
        candidates: parsePacResult(answer),
        source: 'system',
        why: `system settings say "${answer.trim() || 'DIRECT'}"`,
      };
    },
    proxySource: 'Electron session (system settings, PAC)',
    env,
  };
}
