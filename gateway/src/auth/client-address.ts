import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

/**
 * The address a request comes from, for per-client limits. Behind a reverse proxy every request
 * arrives from the proxy, so ten typos by one user would lock out everyone behind it: the
 * gateway then reads `X-Forwarded-For`, but only the hops its trusted proxies appended. It walks
 * the header from the right (the hop nearest to us) past every trusted proxy, and the first
 * address it does not trust is the client: entries a client wrote itself further left are never
 * believed. Without trusted proxies the header is ignored.
 */
export class ClientAddresses {
  private readonly trusted = new BlockList();
  private readonly any: boolean;

  /** @param trustedProxies addresses or CIDR ranges (`10.0.0.0/8`, `::1`, `fd00::/8`). */
  constructor(trustedProxies: readonly string[] = []) {
    for (const entry of trustedProxies) {
      const [address = '', bits] = entry.trim().split('/');
      const type = isIP(address) === 6 ? 'ipv6' : isIP(address) === 4 ? 'ipv4' : null;
      if (!type) throw new Error(`trusted proxy "${entry}" is not an IP address or CIDR range`);
      if (bits === undefined) this.trusted.addAddress(address, type);
      else {
        const prefix = Number(bits);
        if (!Number.isInteger(prefix) || prefix < 0 || prefix > (type === 'ipv4' ? 32 : 128))
          throw new Error(`trusted proxy "${entry}" has a bad prefix length`);
        this.trusted.addSubnet(address, prefix, type);
      }
    }
    this.any = trustedProxies.length > 0;
  }

  /** The client's address for a request. */
  of(req: IncomingMessage): string {
    let address = normalize(req.socket.remoteAddress ?? 'unknown');
    if (!this.any || !this.isTrusted(address)) return address;
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((h) => normalize(h.trim()))
      .filter((h) => h.length > 0);
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i] ?? '';
      // A hop that is not an address was not written by a proxy we trust: stop at the last good one.
      if (isIP(hop) === 0) return address;
      address = hop;
      if (!this.isTrusted(address)) return address;
    }
    return address;
  }

  private isTrusted(address: string): boolean {
    const type = isIP(address);
    return type !== 0 && this.trusted.check(address, type === 6 ? 'ipv6' : 'ipv4');
  }
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is `10.0.0.1`. */
function normalize(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}
