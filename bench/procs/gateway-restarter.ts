/**
 * The server of benchmark 4: Lookout's own gateway in its own process, publishing to
 * `dashboard` at a steady rate into an event log that outlives every restart (as the Redis log
 * does in production), and restarting on command on the same port.
 */
import { randomBytes } from 'node:crypto';
import {
  createGateway,
  MemoryEventLog,
  silentGatewayLogger,
  type Gateway,
} from '../../gateway/src';
import { childOptions, onCommand, reply } from '../support/child';
import { hrNow } from '../support/hr-clock';

interface Options {
  publishPerSec: number;
}

const options = childOptions<Options>();
const log = new MemoryEventLog(10_000);
const secret = randomBytes(32).toString('hex');
let port = 0;
let published = 0;
let publisher: ReturnType<typeof setInterval> | null = null;

const make = (): Gateway =>
  createGateway({ eventLog: log, secret, host: '127.0.0.1', port, logger: silentGatewayLogger });

let gateway = make();

async function start(): Promise<void> {
  const address = await gateway.start();
  port = address.port;
  const tokens = await gateway.issueTokens({ sub: 'bench-admin', role: 'super_admin' });
  // Publish into the shared log whether or not a gateway is listening: nothing may be lost.
  publisher = setInterval(() => {
    published += 1;
    void log.append({
      channel: 'dashboard',
      kind: 'business.updated',
      severity: 'info',
      title: `Business #${published} updated`,
      body: 'subscription active',
      data: { businessId: String(published % 200), n: published },
    });
  }, 1_000 / options.publishPerSec);
  reply({ type: 'ready', port, wsUrl: address.wsUrl, token: tokens.access });
}

onCommand(async (message) => {
  if (message.type === 'restart') {
    await gateway.stop();
    await new Promise((r) => setTimeout(r, Number(message.downMs)));
    gateway = make();
    await gateway.start();
    reply({ type: 'listening', at: hrNow() });
  } else if (message.type === 'stop-publishing') {
    if (publisher) clearInterval(publisher);
    publisher = null;
    reply({ type: 'published', count: published });
  }
});

void start();
