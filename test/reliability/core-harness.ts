import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { LookoutCore } from '../../electron/core/compose/lookout-core';
import type { EmbeddedGateway } from '../../electron/core/app/core-api';
import { MemoryNotifier } from '../../electron/core/notify/notifier.memory';
import type { EndpointInput } from '../../shared/config/endpoint';
import type { AppSnapshot, NotificationItem } from '../../shared/model/app-state';
import type { ChannelHealth, SessionDiagnostics } from '../../shared/model/connection';
import { DEMO_API_KEY, DEMO_PASSWORD, createGateway, silentGatewayLogger } from '../../gateway/src';
import { sleep, waitFor } from '../support/wait';

/**
 * The whole app core as a user runs it (sessions, model, notification policy, a memory notifier
 * in place of the OS), for the tests of what reaches the user: the bell and the OS notifications.
 */

export interface CoreUnderTest {
  core: LookoutCore;
  notifier: MemoryNotifier;
  dataDir: string;
  /** Stop the core (its state is saved); the data folder stays for a restart. */
  stop(): Promise<void>;
}

/** Start a core on `dataDir` (a fresh folder by default), with the embedded demo when given one. */
export async function startCore(
  options: { dataDir?: string; embedded?: () => Promise<EmbeddedGateway> } = {},
): Promise<CoreUnderTest> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'lookout-identity-')));
  const notifier = new MemoryNotifier();
  const core = new LookoutCore({
    dataDir,
    notifier,
    ...(options.embedded ? { embeddedGateway: options.embedded } : {}),
    appVersion: '0.0.0-test',
    hostKind: 'browser',
  });
  await core.start();
  let stopped = false;
  return {
    core,
    notifier,
    dataDir,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await core.stop();
    },
  };
}

/**
 * The embedded demo as the app starts it (in this process, in memory, demo traffic), except that
 * a test may publish to it: the app's own embedded gateway takes no publishes from outside.
 */
export async function publishableDemo(): Promise<EmbeddedGateway> {
  const gateway = createGateway({
    demo: true,
    apiKeys: [DEMO_API_KEY],
    host: '127.0.0.1',
    port: 0,
    logger: silentGatewayLogger,
  });
  const address = await gateway.start();
  return {
    wsUrl: address.wsUrl,
    httpUrl: address.url,
    username: 'admin@lookout.local',
    password: DEMO_PASSWORD,
    stop: () => gateway.stop(),
  };
}

/** Remove a data folder once every core on it stopped. */
export const removeDir = (dir: string) => rm(dir, { recursive: true, force: true });

/** A lookout endpoint for a demo gateway at `port`, signed in as `user`. */
export function gatewayEndpoint(
  id: string,
  port: number,
  subscriptions: string[],
  user = 'admin@lookout.local',
): EndpointInput {
  const http = `http://127.0.0.1:${port}`;
  return {
    id,
    name: `Gateway ${id}`,
    dialect: 'lookout',
    url: `ws://127.0.0.1:${port}/ws`,
    httpBase: http,
    auth: {
      method: 'password-jwt',
      username: user,
      credentialRef: id,
      loginUrl: `${http}/auth/login`,
      refreshUrl: `${http}/auth/refresh`,
    },
    subscriptions,
    backoff: { minMs: 100, maxMs: 1_000, factor: 2, stableAfterMs: 2_000 },
  };
}

/** Save an endpoint with the demo password (the first one replaces the embedded demo). */
export async function addEndpoint(core: LookoutCore, endpoint: EndpointInput): Promise<void> {
  expect(await core.invoke('endpoints:save', { endpoint, secret: DEMO_PASSWORD })).toEqual({
    ok: true,
  });
}

export async function diagnostics(core: LookoutCore, id: string): Promise<SessionDiagnostics> {
  const found = (await core.invoke('connection:snapshot', {})).find((d) => d.endpoint === id);
  if (!found) throw new Error(`no session for ${id}`);
  return found;
}

export async function channelHealth(
  core: LookoutCore,
  id: string,
  channel: string,
): Promise<ChannelHealth | undefined> {
  return (await diagnostics(core, id)).channels.find((c) => c.name === channel);
}

/** Wait until the endpoint is open and the server acknowledged every one of its channels. */
export async function subscribed(core: LookoutCore, id: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    async () => {
      const d = (await core.invoke('connection:snapshot', {})).find((x) => x.endpoint === id);
      return d?.state === 'open' && d.channels.every((c) => !c.subscribed || c.acknowledged);
    },
    { timeoutMs, what: `${id} open and subscribed` },
  );
}

/** The model as the renderer would load it now (the core applies what is waiting first). */
export async function model(core: LookoutCore): Promise<AppSnapshot> {
  return (await core.invoke('app:initial-state', {})).app;
}

/** `POST /publish` on a demo gateway; answers the 202 body. */
export async function publish(httpUrl: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${httpUrl}/publish`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO_API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, `publish answered ${res.status}`).toBe(202);
  return (await res.json()) as Record<string, unknown>;
}

/** Publish one critical alert per title on `channel`, in order. */
export async function publishAlerts(
  httpUrl: string,
  titles: readonly string[],
  channel = 'dashboard',
): Promise<void> {
  for (const title of titles) await publish(httpUrl, { channel, ...alert(title) });
}

/** A critical alert (never coalesced by the policy: one event, one OS notification). */
export const alert = (title: string, extra: { id?: string } = {}) => ({
  kind: 'alert' as const,
  severity: 'critical' as const,
  title,
  body: `${title} body`,
  ...extra,
});

/** Bell entries with `title` (per endpoint when given). */
export function rows(snapshot: AppSnapshot, title: string, endpoint?: string): NotificationItem[] {
  return snapshot.notifications.filter(
    (n) => n.title === title && (endpoint === undefined || n.endpoint === endpoint),
  );
}

/** OS notifications shown with `title` (per endpoint when given). */
export function shown(notifier: MemoryNotifier, title: string, endpoint?: string) {
  return notifier.shown.filter(
    (n) => n.title === title && (endpoint === undefined || n.endpoint === endpoint),
  );
}

/** Wait until every title is in the bell (for `endpoint`), then check exactly once, bell and OS. */
export async function expectEachOnce(
  under: CoreUnderTest,
  titles: readonly string[],
  endpoint?: string,
  timeoutMs = 20_000,
): Promise<void> {
  await waitFor(
    async () => {
      const s = await model(under.core);
      return titles.every((t) => rows(s, t, endpoint).length > 0) &&
        titles.every((t) => shown(under.notifier, t, endpoint).length > 0)
        ? true
        : null;
    },
    {
      timeoutMs,
      what: `${titles.length} events in the bell and on the desktop${endpoint ? ` for ${endpoint}` : ''}`,
    },
  ).catch(async (error: unknown) => {
    const s = await model(under.core);
    const missing = titles.filter((t) => rows(s, t, endpoint).length === 0);
    const notShown = titles.filter((t) => shown(under.notifier, t, endpoint).length === 0);
    const sessions = await under.core.invoke('connection:snapshot', {});
    throw new Error(
      `${String(error)}\nnot in the bell: ${missing.join(', ') || 'none'}\nnot shown: ${notShown.join(', ') || 'none'}\n` +
        sessions
          .map(
            (d) =>
              `${d.endpoint} ${d.state}: ${d.channels.map((c) => `${c.name} ${JSON.stringify({ ack: c.acknowledged, resume: c.resume, dropped: c.dropped })}`).join('; ')}`,
          )
          .join('\n'),
    );
  });
  // Give a late copy (a replay, a second channel) the chance to show up before counting.
  await sleep(300);
  const s = await model(under.core);
  for (const t of titles) {
    expect(rows(s, t, endpoint), `bell entries "${t}"`).toHaveLength(1);
    expect(shown(under.notifier, t, endpoint), `OS notifications "${t}"`).toHaveLength(1);
  }
}
