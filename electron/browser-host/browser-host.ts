import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { answerSocket } from '../../gateway/src/http/http-util';
import { guardParserErrors, totalHandler } from '../../gateway/src/http/server-guards';
import { join } from 'node:path';
import { LookoutCore } from '../core/compose/lookout-core';
import type { CorePorts } from '../core/app/core-api';
import { startEmbeddedGateway } from '../host-common/embedded-gateway';
import { silentLogger, type Logger } from '../core/kernel/ports';
import { createDesktopNotifier } from '../core/notify/desktop-notifier';
import type { Notifier } from '../core/notify/notifier';
import { BridgeServer } from './bridge-server';
import { defaultDataDir } from './data-dir';
import { environmentNetwork } from './environment-network';
import { ADDRESS_FILE, loadHostAddress, saveHostAddress } from './host-address';
import { staticHandler } from './static-server';
import { probeSecretService, secretServiceOrMemory } from '../core/state/secret-service-store';
import { browserHostDndReader } from './os-dnd';

export interface BrowserHostOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  dataDir?: string;
  /** The built renderer (`dist/renderer`). */
  rendererDir?: string;
  notifier?: Notifier;
  logger?: Logger;
  /** Start the embedded demo gateway when no endpoint is configured (default true). */
  embedded?: boolean;
  appVersion?: string;
  /**
   * Where proxy settings (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`) and
   * `NODE_EXTRA_CA_CERTS` are read: `process.env` from the command line; none (direct) by default,
   * so a test's connections never depend on the machine's environment.
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Override core ports (tests: clock, random). */
  corePorts?: Partial<CorePorts>;
  /** Make a new secret instead of the one kept in the data folder (`--new-secret`). */
  newSecret?: boolean;
  /**
   * The session bus whose Secret Service keeps passwords and tokens across restarts; default
   * `env.DBUS_SESSION_BUS_ADDRESS`. Without one (or without a running, unlocked keyring on it)
   * secrets stay in memory and Settings says why.
   */
  secretBus?: string;
}

export interface BrowserHost {
  /** The address to open, with this launch's secret. */
  url: string;
  port: number;
  core: LookoutCore;
  bridge: BridgeServer;
  /** Where the address is kept between starts (0600). */
  addressFile: string;
  /** What changed about the address at this start, in words (a new secret, a busy port). */
  notes: string[];
  stop(): Promise<void>;
}

/**
 * The Node host: the same core as the Electron app, the renderer served on 127.0.0.1, the typed
 * IPC contract over a loopback WebSocket guarded by a per-launch secret, notifications through
 * node-notifier. What `npm start` runs where no Electron binary is installed, and what the
 * end-to-end tests drive in Chromium.
 */
export async function startBrowserHost(options: BrowserHostOptions = {}): Promise<BrowserHost> {
  const rendererDir = options.rendererDir ?? join(process.cwd(), 'dist', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(
      `The renderer is not built (${join(rendererDir, 'index.html')} is missing): run "npm run build" first.`,
    );
  }
  const logger = options.logger ?? silentLogger;
  const dataDir = options.dataDir ?? defaultDataDir();
  // The same address every day (port and secret kept in the data folder), so open tabs and
  // bookmarks keep working across restarts.
  const address = await loadHostAddress(dataDir, { newSecret: options.newSecret ?? false });
  const notes = address.note ? [address.note] : [];
  const secret = address.secret;
  const credentialStore = await secretStore(
    options.secretBus ?? options.env?.DBUS_SESSION_BUS_ADDRESS,
  );
  const dndReader = browserHostDndReader(process.platform);
  const core = new LookoutCore({
    dataDir,
    notifier:
      options.notifier ??
      createDesktopNotifier({
        appName: 'Lookout',
        appIcon: join(process.cwd(), 'build', 'icon.png'),
      }),
    logger,
    ...(options.embedded === false ? {} : { embeddedGateway: () => startEmbeddedGateway() }),
    appVersion: options.appVersion ?? '0.0.0',
    hostKind: 'browser',
    network: environmentNetwork(options.env ?? {}),
    ...(credentialStore ? { credentialStore } : {}),
    ...(dndReader ? { readDoNotDisturb: dndReader } : {}),
    ...options.corePorts,
  });
  let port = 0;
  // Every handler is total: whatever a request holds, it gets an answer and the host keeps going.
  const server = createServer(
    totalHandler(
      withKeyCheck(
        () => bridge,
        staticHandler(rendererDir, () => port),
      ),
      (error, _req, res) => {
        logger.error('page request failed', { error: String(error) });
        if (!res.headersSent)
          res.writeHead(500, { 'Content-Type': 'text/plain' }).end('Internal error');
        else res.destroy();
      },
    ),
  );
  const bridge = new BridgeServer(core, secret, () => port, logger);
  server.on(
    'upgrade',
    totalHandler(
      (req: IncomingMessage, socket: Duplex, head: Buffer) =>
        bridge.handleUpgrade(req, socket, head),
      (error, _req, socket) => {
        logger.error('bridge upgrade failed', { error: String(error) });
        answerSocket(socket, 500, 'internal', 'internal error');
      },
    ),
  );
  guardParserErrors(server, () => {});
  const listen = (wanted: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(wanted, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const asked = options.port ?? 0;
  try {
    await listen(asked || (address.port ?? 0));
  } catch (error) {
    // Only the kept port may move (something else took it); a port the user asked for may not.
    if (asked || address.port === null || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE')
      throw error;
    await listen(0);
    notes.push(
      `Port ${address.port} is taken by another program, so Lookout listens on a new port this time: open the new address below.`,
    );
  }
  const bound = server.address();
  port = typeof bound === 'object' && bound ? bound.port : 0;
  try {
    await saveHostAddress(dataDir, { port, secret });
  } catch (error) {
    notes.push(
      `The address could not be kept for the next start (${error instanceof Error ? error.message : String(error)}): it will change when Lookout restarts.`,
    );
  }
  try {
    await core.start();
  } catch (error) {
    server.close();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}/?k=${secret}`,
    port,
    core,
    bridge,
    addressFile: join(dataDir, ADDRESS_FILE),
    notes,
    async stop() {
      bridge.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await core.stop();
    },
  };
}

/**
 * Secrets in the desktop's Secret Service where a session bus is (Linux, the BSDs), else memory
 * with the reason; elsewhere (no D-Bus at all) the core's own memory store and its words.
 */
async function secretStore(busAddress: string | undefined): Promise<CorePorts['credentialStore']> {
  if (!busAddress && process.platform !== 'linux' && !process.platform.endsWith('bsd'))
    return undefined;
  const probe = await probeSecretService({ busAddress });
  return (deps) => secretServiceOrMemory(probe, deps);
}

/**
 * `GET /bridge/check` with the tab's key in `X-Lookout-Key`: 204 when the host takes it, 401 when
 * not. A browser cannot read why a WebSocket was refused; with this a tab holding an old key says
 * so (and what to do) instead of retrying forever. It tells nothing to whoever lacks the key.
 */
function withKeyCheck(
  bridge: () => BridgeServer,
  next: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.url !== '/bridge/check') return next(req, res);
    const key = req.headers['x-lookout-key'];
    const ok = typeof key === 'string' && bridge().keyMatches(key);
    res.writeHead(ok ? 204 : 401, { 'Cache-Control': 'no-store' }).end();
  };
}
