import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DjangoSessionProvider } from '../../../electron/core/auth/django-session-provider';
import { PasswordJwtProvider } from '../../../electron/core/auth/password-jwt-provider';
import { djangoChannelsDialect } from '../../../electron/core/dialects/django-channels';
import {
  DJANGO_ADMIN,
  type DjangoDouble,
  createBusiness,
  startDjangoDouble,
} from '../../peers/django-double';
import { sleep, waitFor } from '../../support/wait';
import { startSession } from './session-harness';

const cleanups: Array<() => Promise<void> | void> = [];
let double: DjangoDouble;
const getSecret = async () => DJANGO_ADMIN.password;

beforeAll(async () => {
  double = await startDjangoDouble();
});
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});
afterAll(async () => {
  await double.stop();
});

const sessionAuth = () => ({
  method: 'django-session' as const,
  username: DJANGO_ADMIN.email,
  credentialRef: 'admin',
  loginUrl: `${double.apiUrl}/admin/login/`,
});
const sessionProvider = () =>
  new DjangoSessionProvider({
    loginUrl: `${double.apiUrl}/admin/login/`,
    username: DJANGO_ADMIN.email,
    credentialRef: 'admin',
    getSecret,
  });

async function newBusiness(name: string): Promise<string> {
  const jwt = new PasswordJwtProvider({
    loginUrl: `${double.apiUrl}/api/auth/login/`,
    username: DJANGO_ADMIN.email,
    credentialRef: 'admin',
    getSecret,
  });
  const { token } = await jwt.getCredentials({ forceRefresh: false });
  return createBusiness(double.apiUrl, token ?? '', { name, subdomain: name.toLowerCase() });
}

describe('django-channels end to end through the engine', () => {
  it('signs in with the session cookie, receives business events, reconnects after a restart', async () => {
    const t = startSession(
      djangoChannelsDialect,
      { url: double.url, auth: sessionAuth() },
      { credentials: sessionProvider() },
      cleanups,
    );
    await waitFor(() => t.session.state === 'open');
    const id = await newBusiness('Acme');
    const created = await waitFor(() => t.events.find((e) => e.kind === 'business.created'));
    expect(created).toMatchObject({
      title: 'New business “Acme” created',
      link: `businesses/${id}`,
      channel: 'dashboard',
    });

    await double.restart();
    await waitFor(
      () => t.session.diagnostics().attempts.length >= 2 && t.session.state === 'open',
      { timeoutMs: 10_000 },
    );
    await newBusiness('Beta');
    await waitFor(() =>
      t.events.find((e) => e.kind === 'business.created' && e.title.includes('Beta')),
    );
  });

  it('stops with "not signed in" when the endpoint sends no session to the dashboard (500)', async () => {
    const t = startSession(djangoChannelsDialect, { url: double.url }, {}, cleanups);
    await waitFor(() => t.session.state === 'stopped');
    const outcome = t.session.diagnostics().lastOutcome;
    expect(outcome).toMatchObject({ handshakeStatus: 500, action: 'stop' });
    expect(outcome?.meaning).toMatch(/anonymous dashboard connection/);
    expect(outcome?.meaning).toMatch(/django-session/);
  });

  it('explains a 403 with the foreign Origin it sent, and how to fix it', async () => {
    const t = startSession(
      djangoChannelsDialect,
      { url: double.url, auth: sessionAuth(), headers: { Origin: 'http://evil.example' } },
      { credentials: sessionProvider() },
      cleanups,
    );
    await waitFor(() => t.session.state === 'stopped');
    const outcome = t.session.diagnostics().lastOutcome;
    expect(outcome).toMatchObject({ handshakeStatus: 403, action: 'stop' });
    expect(outcome?.meaning).toContain('Lookout sent Origin: http://evil.example');
    expect(outcome?.meaning).toContain('http://127.0.0.1');
  });

  it('reaches the notifications socket with the documented query JWT (accepted anonymous, silent)', async () => {
    const t = startSession(
      djangoChannelsDialect,
      {
        url: double.notificationsUrl,
        auth: {
          method: 'password-jwt',
          username: DJANGO_ADMIN.email,
          credentialRef: 'admin',
          loginUrl: `${double.apiUrl}/api/auth/login/`,
          send: 'query',
        },
      },
      {
        credentials: new PasswordJwtProvider({
          loginUrl: `${double.apiUrl}/api/auth/login/`,
          username: DJANGO_ADMIN.email,
          credentialRef: 'admin',
          getSecret,
        }),
      },
      cleanups,
    );
    await waitFor(() => t.session.state === 'open');
    // As built the JWT is ignored: the socket is anonymous and never receives a notification.
    await double.notify(DJANGO_ADMIN.email, { title: 'Hello' });
    await sleep(100);
    expect(t.events).toEqual([]);
    expect(t.session.state).toBe('open');
  });
});
