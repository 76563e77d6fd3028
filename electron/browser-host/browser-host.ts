import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { answerSocket } from '../../gateway/src/http/http-util';
import { guardParserErrors, totalHandler } from '../../gateway/src/http/server-guards';
import { join } from 'node:path';
import { LookoutCore } from '../core/app/lookout-core';
import type { CorePorts } from '../core/app/core-api';
import { startEmbeddedGateway } from '../host-common/embedded-gateway';
import { silentLogger, type Logger } from '../core/kernel/ports';
import { createDesktopNotifier } from '../core/notify/desktop-notifier';
import type { Notifier } from '../core/notify/notifier';
import { BridgeServer } from './bridge-server';
import { defaultDataDir } from './data-dir';
import { environmentNetwork } from './environment-network';
import { staticHandler } from './static-server';

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
}

export interface BrowserHost {
  /** The address to open, with this launch's secret. */
  url: string;
  port: number;
  core: LookoutCore;
  bridge: BridgeServer;
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
  const secret = randomBytes(24).toString('hex');
  const core = new LookoutCore({
    dataDir: options.dataDir ?? defaultDataDir(),
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
    ...options.corePorts,
  });
  let port = 0;
  // Every handler is total: whatever a request holds, it gets an answer and the host keeps going.
  const server = createServer(
    totalHandler(
      staticHandler(rendererDir, () => port),
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
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
    async stop() {
      bridge.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await core.stop();
    },
  };
}
