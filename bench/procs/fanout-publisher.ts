/**
 * The publisher of the fan-out benchmark, in its own process: `POST /publish` at a steady rate,
 * the same requests to the Lookout gateway and to the plain reference. Bodies are built from
 * pre-built pieces with only the sequence number and the monotonic send stamp (`data.sentAt`,
 * read by the clients) spliced in, over keep-alive connections, so the publisher costs little and
 * the same for both servers. It reports how far behind its schedule it fell and its own CPU, so a
 * run it limited says so.
 */
import { Agent, request } from 'node:http';
import { childOptions, onCommand, reply } from '../support/child';
import { hrNow } from '../support/hr-clock';

interface Options {
  /** Base URLs (`http://127.0.0.1:port`) and the API key each takes. */
  servers: Array<{ url: string; apiKey: string }>;
}

const options = childOptions<Options>();
/**
 * Kept-alive connections for one `publish` command, closed at its end: a socket left idle between
 * steps could meet the server's keep-alive timeout just as it is reused.
 */
let agent = new Agent({ keepAlive: true, maxSockets: 16 });
/** Why publishes failed since the last `publish` began (message → count). */
const errors = new Map<string, number>();

function cpuMicros(): number {
  const c = process.cpuUsage();
  return c.user + c.system;
}

/** The pieces around the two numbers of each body, one per business name (as the demo varies). */
function pieces(channel: string): Array<[string, string]> {
  return Array.from({ length: 200 }, (_, b) => {
    const head = JSON.stringify({
      channel,
      kind: 'business.updated',
      severity: 'info',
      title: `Business “Harbor Yoga ${b}” updated`,
      body: 'Subdomain harbor-yoga, subscription active, active',
      link: `businesses/${b}`,
    }).slice(0, -1);
    return [`${head},"data":{"businessId":"${b}","n":`, '}}'];
  });
}

/**
 * One publish; true when the server answered 202. A request that met a kept-alive socket the
 * server had just closed (no answer at all) is sent again once, as Node's documentation advises
 * (`request.reusedSocket`): the server never read it.
 */
function post(
  server: { url: string; apiKey: string },
  body: string,
  retry = true,
): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      `${server.url}/publish`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${server.apiKey}`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 202) {
            const why = `HTTP ${res.statusCode ?? '?'}`;
            errors.set(why, (errors.get(why) ?? 0) + 1);
          }
          resolve(res.statusCode === 202);
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (retry && req.reusedSocket && error.code === 'ECONNRESET')
        resolve(post(server, body, false));
      else {
        errors.set(error.message, (errors.get(error.message) ?? 0) + 1);
        resolve(false);
      }
    });
    req.end(body);
  });
}

async function publish(server: number, channel: string, rate: number, count: number) {
  const target = options.servers[server] as Options['servers'][number];
  const parts = pieces(channel);
  errors.clear();
  agent.destroy();
  agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const cpu0 = cpuMicros();
  const started = hrNow();
  const interval = 1_000 / rate;
  let sent = 0;
  let failed = 0;
  let behindMs = 0;
  const pending: Array<Promise<void>> = [];
  // Bounded: it stops 10 s past the schedule whatever happens.
  while (sent < count && hrNow() - started < (count / rate) * 1_000 + 10_000) {
    const now = hrNow();
    const due = Math.min(count, Math.floor((now - started) / interval) + 1);
    // The first event of this tick was due at started + sent × interval.
    if (due > sent) behindMs = Math.max(behindMs, now - (started + sent * interval));
    while (sent < due) {
      sent += 1;
      const [head, tail] = parts[sent % parts.length] as [string, string];
      const body = `${head}${sent},"sentAt":${hrNow().toFixed(3)}${tail}`;
      pending.push(
        post(target, body).then((ok) => {
          if (!ok) failed += 1;
        }),
      );
    }
    await new Promise((r) => setTimeout(r, Math.max(1, started + sent * interval - hrNow())));
  }
  const elapsedMs = hrNow() - started;
  await Promise.all(pending);
  reply({
    type: 'published',
    count: sent,
    failed,
    elapsedMs,
    behindMs,
    errors: Object.fromEntries(errors),
    cpuMicros: cpuMicros() - cpu0,
  });
}

onCommand(async (message) => {
  if (message.type === 'publish')
    await publish(
      Number(message.server),
      String(message.channel),
      Number(message.rate),
      Number(message.count),
    );
});
reply({ type: 'ready' });
