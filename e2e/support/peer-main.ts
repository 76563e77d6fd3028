/**
 * Runs one backend double from test/peers as its own process for the end-to-end tests. Prints
 * `PEER {json}` when ready; then reads commands on stdin, one per line, and answers `DONE <cmd>`:
 * - `restart-redis` (sakura): kill its private redis-server and start it again on the same port,
 *   once the service lost its listener (it goes deaf, as the real one does).
 * - `restart-peer`: restart the double itself (no close frame: clients see 1006).
 */
import { createInterface } from 'node:readline';
import { startDjangoDouble } from '../../test/peers/django-double';
import { startSakuraDouble } from '../../test/peers/sakura-double';
import { RedisServer } from '../../test/support/redis-server';
import { waitFor } from '../../test/support/wait';

const kind = process.argv[2];

async function main(): Promise<void> {
  if (kind === 'django') {
    const double = await startDjangoDouble();
    console.log(
      `PEER ${JSON.stringify({ url: double.url, apiUrl: double.apiUrl, notificationsUrl: double.notificationsUrl })}`,
    );
    commands({ 'restart-peer': () => double.restart() }, () => double.stop());
    return;
  }
  if (kind === 'sakura') {
    const redis = await RedisServer.start();
    const double = await startSakuraDouble({
      redisUrl: redis.url,
      chatSnapshotMs: 500,
      unreadSnapshotMs: 2_000,
    });
    console.log(`PEER ${JSON.stringify({ url: double.url, redisUrl: redis.url })}`);
    commands(
      {
        'restart-redis': async () => {
          await redis.stop();
          await waitFor(() => !double.streamAlive, { timeoutMs: 10_000, what: 'deaf' });
          await redis.restart();
        },
        'restart-peer': () => double.restart(),
      },
      async () => {
        await double.stop();
        await redis.stop();
      },
    );
    return;
  }
  console.error(`unknown peer "${kind}"`);
  process.exit(2);
}

function commands(table: Record<string, () => Promise<void>>, stop: () => Promise<void>): void {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const name = line.trim();
    const run = table[name];
    if (!run) {
      console.log(`FAILED ${name}: unknown command`);
      return;
    }
    run().then(
      () => console.log(`DONE ${name}`),
      (error: unknown) => console.log(`FAILED ${name}: ${String(error)}`),
    );
  });
  process.on('SIGTERM', () => void stop().then(() => process.exit(0)));
}

await main();
