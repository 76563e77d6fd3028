import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseRequestTarget } from '../../../shared/http/request-target';
import { publishBodySchema, type WireEvent } from '../../../shared/protocol/lookout-wire';
import type { AuthService } from '../auth/auth-service';
import type { HealthAnswer, HealthMonitor } from '../health';
import type { GatewayLogger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import type { PrometheusExporter } from '../observability/prometheus';
import type { GatewayGauges, GatewayLimits, PublicStats } from '../options';
import { PublishRefusedError, type Publisher, type PublishRequest } from '../publisher';
import type { StorageHealth } from '../storage/event-log';
import { BodyError, readJson, sendError, sendJson } from '../http/http-util';
import { presentedKey as presented, type KeySet } from '../http/keys';

type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** What the HTTP routes work with; the gateway builds it once. */
export interface HttpApiDeps {
  metrics: GatewayMetrics;
  logger: GatewayLogger;
  health: HealthMonitor;
  auth: AuthService;
  publisher: Publisher;
  apiKeys: KeySet;
  operatorKeys: KeySet;
  publicMetrics: boolean;
  limits: GatewayLimits;
  publicStats(): PublicStats;
  gauges(): GatewayGauges;
  storage(): StorageHealth;
  /** Why this instance takes no new clients now (draining, at capacity…), or null. */
  refusing(): string | null;
  /** The Prometheus exporter, once loaded (null in the embedded gateway). */
  prometheus(): PrometheusExporter | null;
  revoke(sub: string): Promise<number>;
}

/**
 * The gateway's HTTP API (docs/protocol.md §8): a route table, path → method → handler. Anything
 * else is 404 or 405, never a throw; a handler that fails answers 500 through `failed`.
 */
export class HttpApi {
  private readonly routes: Map<string, Partial<Record<string, RouteHandler>>>;

  constructor(private readonly deps: HttpApiDeps) {
    this.routes = new Map<string, Partial<Record<string, RouteHandler>>>([
      ['/livez', { GET: (_req, res) => answer(res, deps.health.liveness()) }],
      ['/readyz', { GET: (_req, res) => answer(res, deps.health.readiness(deps.refusing())) }],
      ['/health', { GET: async (_req, res) => answer(res, await deps.health.health()) }],
      ['/stats', { GET: (req, res) => this.stats(req, res) }],
      ['/metrics', { GET: (req, res) => this.prometheusText(req, res) }],
      ['/auth/login', { POST: (req, res) => deps.auth.login(req, res) }],
      ['/auth/refresh', { POST: (req, res) => deps.auth.refresh(req, res) }],
      ['/auth/revoke', { POST: (req, res) => this.revoke(req, res) }],
      ['/publish', { POST: (req, res) => this.publish(req, res) }],
    ]);
  }

  /** The server's request listener (wrapped by `totalHandler`). */
  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { metrics } = this.deps;
    const target = parseRequestTarget(req.url);
    if (!target.ok) {
      metrics.count('http.badTarget');
      return sendError(res, 400, 'bad-target', target.reason);
    }
    const methods = this.routes.get(target.path);
    if (!methods) {
      // Counted under one key: a counter per unknown path would let anyone grow /stats forever.
      metrics.count('http.notFound');
      return sendError(res, 404, 'not-found', 'no such route; see docs/protocol.md §8');
    }
    const method = req.method === 'HEAD' && methods.GET ? 'GET' : (req.method ?? '');
    const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
    if (!handler) {
      metrics.count('http.methodNotAllowed');
      const allow = Object.keys(methods).join(', ');
      return sendError(res, 405, 'method-not-allowed', `use ${allow} here`, { allow });
    }
    metrics.count(`http.${method} ${target.path}`);
    try {
      return await handler(req, res);
    } catch (error) {
      if (error instanceof BodyError)
        return sendError(res, error.status, error.code, error.message);
      throw error;
    }
  };

  /** Last line of the HTTP path: a handler that failed unexpectedly answers 500, never crashes. */
  readonly failed = (error: unknown, req: IncomingMessage, res: ServerResponse): void => {
    this.deps.metrics.count('http.internalErrors');
    this.deps.logger.error('http handler failed', { method: req.method, error: String(error) });
    if (!res.headersSent) sendError(res, 500, 'internal', 'internal error');
    else res.destroy();
  };

  /**
   * `GET /stats`: the public view for anyone (the app's health probe reads it), everything with an
   * operator key. Counters are bounded (metric names come from fixed sets), but they describe what
   * clients get wrong and how the instance is configured: that is for operators.
   */
  private stats(req: IncomingMessage, res: ServerResponse): void {
    const { deps } = this;
    if (!this.operator(req, res, 'stats.unauthorized', 'public')) return;
    if (!deps.operatorKeys.matches(presented(req))) return sendJson(res, 200, deps.publicStats());
    sendJson(res, 200, {
      ...deps.publicStats(),
      storage: deps.storage(),
      gauges: deps.gauges(),
      rates: deps.metrics.ratesPerSecond(),
      counters: deps.metrics.snapshot(),
      limits: deps.limits,
    });
  }

  /** `GET /metrics`: Prometheus text; an operator key unless `publicMetrics`. */
  private async prometheusText(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { deps } = this;
    if (!deps.publicMetrics && !this.operator(req, res, 'metrics.unauthorized', 'required')) return;
    const exporter = deps.prometheus();
    if (!exporter)
      return sendError(
        res,
        404,
        'metrics-disabled',
        'this gateway serves no /metrics (the app embeds it without prom-client); run it with npm run gateway',
      );
    const { contentType, text } = await exporter.render();
    res.writeHead(200, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    res.end(text);
  }

  /**
   * Checks an operator key. `public`: no key at all passes (the caller shows the public view), a
   * wrong one is refused; `required`: only a right key passes.
   */
  private operator(
    req: IncomingMessage,
    res: ServerResponse,
    counter: string,
    without: 'public' | 'required',
  ): boolean {
    const given = presented(req);
    if (given === undefined && without === 'public') return true;
    if (this.deps.operatorKeys.matches(given)) return true;
    this.deps.metrics.count(counter);
    sendError(
      res,
      401,
      'bad-operator-key',
      without === 'public'
        ? '/stats without a key is the public view; the full view needs an operator key (LOOKOUT_OPERATOR_KEYS)'
        : `${req.url?.split('?')[0] ?? 'this route'} needs an operator key (Authorization: Bearer <key>, LOOKOUT_OPERATOR_KEYS)`,
    );
    return false;
  }

  /** `POST /auth/revoke`: operators only (the same keys as the full `/stats`). */
  private async revoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.deps.operatorKeys.admits(req)) {
      this.deps.metrics.count('auth.revokeUnauthorized');
      return sendError(
        res,
        401,
        'bad-operator-key',
        'POST /auth/revoke needs an operator key (Authorization: Bearer <key>, LOOKOUT_OPERATOR_KEYS)',
      );
    }
    return this.deps.auth.revokeRoute(req, res, (sub) => this.deps.revoke(sub));
  }

  /** `POST /publish`: validated here, once; stored in order; refused (never dropped) when it cannot be. */
  private async publish(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { metrics, apiKeys, publisher } = this.deps;
    if (apiKeys.size === 0) {
      metrics.count('publish.disabled');
      return sendError(
        res,
        403,
        'publish-disabled',
        'this gateway takes no publishes over HTTP (no API keys are configured: LOOKOUT_API_KEYS)',
      );
    }
    if (!apiKeys.admits(req)) {
      metrics.count('publish.unauthorized');
      return sendError(
        res,
        401,
        'bad-api-key',
        'POST /publish needs a valid API key (Authorization: Bearer <key>)',
      );
    }
    const json = await readJson(req, 1024 * 1024);
    let body: ReturnType<typeof publishBodySchema.safeParse>;
    try {
      body = publishBodySchema.safeParse(json);
    } catch {
      // Event data is validated recursively: JSON nested deeper than the stack allows is a bad request.
      metrics.count('publish.badRequests');
      return sendError(res, 400, 'bad-request', 'body: nested too deeply');
    }
    if (!body.success) {
      metrics.count('publish.badRequests');
      const issue = body.error.issues[0];
      return sendError(
        res,
        400,
        'bad-request',
        `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    const data = body.data;
    const batch = 'events' in data;
    const inputs: PublishRequest[] = 'events' in data ? data.events : [data];
    const stored: WireEvent[][] = [];
    try {
      for (const input of inputs) stored.push(await publisher.publishValidated(input));
    } catch (error) {
      if (!(error instanceof PublishRefusedError)) throw error;
      // What was stored before the refusal is said, so a publisher retries only the rest.
      const partial = [...stored.flat(), ...error.stored];
      return sendJson(
        res,
        503,
        {
          error: error.reason,
          message:
            error.reason === 'overloaded'
              ? 'the gateway is storing as many events as it can: nothing more was stored; retry shortly'
              : 'event storage is unavailable: nothing more was stored; retry later',
          ...(partial.length > 0 ? { stored: partial.map(summary) } : {}),
        },
        { 'retry-after': '1' },
      );
    }
    const single = stored[0] ?? [];
    sendJson(
      res,
      202,
      batch
        ? { events: stored.flat().map(summary) }
        : 'channels' in data && data.channels
          ? { origin: single[0]?.origin, events: single.map(summary) }
          : summary(single[0] as WireEvent),
    );
  }
}

/** What a publisher is told about one stored event. */
function summary(e: WireEvent) {
  return {
    channel: e.channel,
    seq: e.seq,
    id: e.id,
    epoch: e.epoch,
    ...(e.origin ? { origin: e.origin } : {}),
  };
}

function answer(res: ServerResponse, health: HealthAnswer): void {
  sendJson(res, health.status, health.body);
}
