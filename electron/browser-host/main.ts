/**
 * `npm start` without an Electron binary: the browser host. Prints the address to open.
 * Options: --port N, --data-dir DIR, --no-demo (do not start the embedded demo gateway),
 * --new-secret (replace the kept secret: tabs opened with the old address are refused).
 */
import { parseArgs } from 'node:util';
import { installLastResortHandlers } from '../../shared/process/last-resort';
import { startBrowserHost } from './browser-host';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.LOOKOUT_PORT ?? '0' },
    'data-dir': { type: 'string' },
    'no-demo': { type: 'boolean', default: false },
    'new-secret': { type: 'boolean', default: false },
  },
});

/**
 * The terminal gets warnings and errors, each distinct one once: the log file keeps every line.
 * (A missing notification daemon would otherwise print the same warning for every event.)
 */
const printed = new Set<string>();
const once =
  (print: (line: string) => void) =>
  (m: string, f?: Record<string, unknown>): void => {
    const line = `lookout: ${m}${f ? ` ${JSON.stringify(f)}` : ''}`;
    if (printed.has(line)) return;
    if (printed.size < 1_000) printed.add(line);
    print(line);
  };
const consoleLogger = {
  info: () => {},
  warn: once((line) => console.warn(line)),
  error: once((line) => console.error(line)),
};

// A bug in a handler must not end the host (and the user's session): log it and keep serving,
// to the terminal until the core has started, then to its log file (which tees to the terminal).
let faultLog: { error: (m: string, f?: Record<string, unknown>) => void } = consoleLogger;
installLastResortHandlers(process, { error: (message, fields) => faultLog.error(message, fields) });

try {
  const host = await startBrowserHost({
    port: Number(values.port),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    embedded: !values['no-demo'],
    newSecret: values['new-secret'],
    logger: consoleLogger,
    appVersion: process.env.npm_package_version ?? '0.0.0',
    env: process.env,
  });
  faultLog = host.core.log;
  const initial = await host.core.invoke('app:initial-state', {});
  console.log('');
  console.log('  Lookout is running (browser host).');
  for (const note of host.notes) console.log(`  Note: ${note}`);
  console.log(`  Open: ${host.url}`);
  console.log(
    `  This address stays the same at every start (kept in ${host.addressFile}, readable by you only; --new-secret makes a new one).`,
  );
  console.log(`  Data and config: ${initial.host.configDir}`);
  console.log(`  Log file: ${initial.host.logFile}`);
  console.log(
    initial.endpoints.some((e) => e.id === 'demo')
      ? '  Backend: the embedded demo gateway (add your own in Settings → Endpoints).'
      : `  Backends: ${initial.endpoints.map((e) => e.name).join(', ')}`,
  );
  for (const problem of initial.configProblems) console.log(`  Config problem: ${problem}`);
  console.log('  Press Ctrl+C to quit.');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await host.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
} catch (error) {
  console.error(
    `lookout: could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}
