import { describe, expect, it } from 'vitest';
import { sakuraDialect } from './sakura';
import { testEndpoint } from '../../../test/support/endpoint';

const codec = () =>
  sakuraDialect.create(
    testEndpoint({ id: 'ep', dialect: 'sakura', url: 'ws://127.0.0.1:8001/ws/dashboard' }),
  );
const AT = 1_700_000_000_000;

describe('sakura codec', () => {
  it('plans an unauthenticated handshake and action-keyed subscribe frames', () => {
    const c = codec();
    expect(c.handshake({ token: 'ignored' }, 'ws://127.0.0.1:8001/ws/dashboard')).toEqual({
      url: 'ws://127.0.0.1:8001/ws/dashboard',
      headers: {},
    });
    expect(JSON.parse(c.subscribe('chat_updates') ?? '')).toEqual({
      action: 'subscribe',
      subscription_type: 'chat_updates',
    });
    expect(JSON.parse(c.unsubscribe('unread_counts') ?? '')).toEqual({
      action: 'unsubscribe',
      subscription_type: 'unread_counts',
    });
    expect(c.appPing(AT)).toBe('{"action":"ping"}');
    expect(sakuraDialect.defaultSubscriptions).toEqual([
      'chat_updates',
      'unread_counts',
      'website_status',
    ]);
  });

  it('decodes the greeting, acks, pong and error envelope', () => {
    const c = codec();
    expect(
      c.decode(
        '{"type":"connected","connection_id":"abc","message":"WebSocket connection established"}',
        AT,
      ),
    ).toEqual({ greeting: { connectionId: 'abc' } });
    expect(c.decode('{"type":"subscribed","subscription_type":"chat_updates"}', AT)).toEqual({
      acks: [{ op: 'subscribed', channel: 'chat_updates' }],
    });
    expect(c.decode('{"type":"unsubscribed","subscription_type":"x"}', AT).acks).toEqual([
      { op: 'unsubscribed', channel: 'x' },
    ]);
    expect(c.decode('{"type":"pong","timestamp":"2026-11-22T21:54:17.536670"}', AT)).toEqual({
      pong: {},
    });
    expect(c.decode('{"type":"error","message":"Unknown action: None"}', AT)).toEqual({
      serverError: 'Unknown action: None',
    });
  });

  it('turns a chat message into a notify-worthy chat.message with a stable id', () => {
    const frame =
      '{"type":"chat_updates","data":{"type":"chat_message_notification","chat_id":"c-1","message_role":"user","timestamp":"2026-11-22T21:54:17.536670"}}';
    const [e] = codec().decode(frame, AT).events ?? [];
    expect(e).toMatchObject({
      kind: 'chat.message',
      channel: 'chat_updates',
      endpoint: 'ep',
      title: 'New chat message',
      serverTime: Date.UTC(2026, 10, 22, 21, 54, 17, 536),
      receivedAt: AT,
      link: 'chats/c-1',
      data: { chatId: 'c-1', role: 'user', approximateTime: true },
    });
    expect(e?.body).toContain('c-1');
    expect(codec().decode(frame, AT + 5000).events?.[0]?.id).toBe(e?.id);
    const other = codec().decode(frame.replace('c-1', 'c-2'), AT).events?.[0];
    expect(other?.id).not.toBe(e?.id);
  });

  it('summarises a large snapshot into a quiet chat.snapshot', () => {
    const users = Array.from({ length: 100 }, (_, i) => ({
      _id: String(i),
      name: `u${i}`,
      email: `u${i}@x`,
      category: 'c',
      status: 'online',
      dashboard_user_id: 'd',
      chats: [
        {
          chat_id: `a${i}`,
          status: 'active',
          created_at: 't',
          last_activity: 't',
          messages: [{}, {}],
        },
        { chat_id: `b${i}`, status: 'closed', created_at: 't', last_activity: 't', messages: [] },
      ],
    }));
    const frame = JSON.stringify({
      type: 'chat_updates',
      data: { users, timestamp: '2026-11-22T21:54:17' },
    });
    const [e] = codec().decode(frame, AT).events ?? [];
    expect(e).toMatchObject({
      kind: 'chat.snapshot',
      severity: 'info',
      data: { users: 100, chats: 200, activeChats: 100, messages: 200, approximateTime: true },
    });
    expect(e?.body).toBe('100 users, 200 chats (100 active).');
  });

  it('turns unread counts and website status into live state', () => {
    const c = codec();
    const [u] =
      c.decode(
        '{"type":"unread_counts","data":{"counts":{"unified-inbox":3,"agent-inbox-active":1,"bad":"x"},"timestamp":"2026-11-22T21:54:17"}}',
        AT,
      ).events ?? [];
    expect(u).toMatchObject({
      kind: 'unread.counts',
      channel: 'unread_counts',
      data: { counts: { 'unified-inbox': 3, 'agent-inbox-active': 1 }, total: 4 },
    });
    const [s] =
      c.decode('{"type":"website_status","data":{"website":"shop.example","status":"down"}}', AT)
        .events ?? [];
    expect(s).toMatchObject({
      kind: 'site.status',
      severity: 'warning',
      body: 'shop.example is down.',
    });
  });

  it('keys a payload without type on its shape or its only subscription', () => {
    const c = codec();
    expect(
      c.decode('{"data":{"chat_id":"c-9","message_role":"assistant"}}', AT).events?.[0]?.kind,
    ).toBe('chat.message');
    expect(c.decode('{"counts":{"unified-inbox":2}}', AT).events?.[0]?.kind).toBe('unread.counts');
    expect(c.decode('{"something":"else"}', AT).rejected).toBe('unknown-type: (none)');
    c.onOpen();
    c.subscribe('website_status');
    expect(c.decode('{"state":"up"}', AT).events?.[0]?.kind).toBe('site.status');
  });

  it('rejects garbage with a reason and never throws', () => {
    const c = codec();
    expect(c.decode('not json', AT)).toEqual({ rejected: 'non-json' });
    expect(c.decode('[1]', AT)).toEqual({ rejected: 'not-an-object' });
    expect(c.decode('null', AT)).toEqual({ rejected: 'not-an-object' });
    expect(c.decode('{"type":"mystery"}', AT)).toEqual({ rejected: 'unknown-type: mystery' });
    expect(c.decode('{"type":"subscribed"}', AT).rejected).toMatch(/^schema: subscription_type/);
    expect(c.decode('{"type":"chat_updates","data":{"chat_id":{}}}', AT).rejected).toMatch(
      /^schema:/,
    );
    expect(c.decode('{"type":"unread_counts","data":[]}', AT).rejected).toMatch(/^schema:/);
  });

  it('explains its close and probe quirks', () => {
    expect(sakuraDialect.closeOverrides?.[1000]?.meaning).toMatch(/not JSON/);
    const probe = sakuraDialect.probes[0];
    expect(
      probe?.interpret(200, { status: 'ok', mongo: 'healthy', redis: 'connected' }).status,
    ).toBe('healthy');
    expect(
      probe?.interpret(200, { status: 'ok', mongo: 'unhealthy', redis: 'connected' }).status,
    ).toBe('degraded');
    expect(
      probe?.interpret(200, { status: 'ok', mongo: 'healthy', redis: 'disconnected' }).status,
    ).toBe('degraded');
    expect(probe?.interpret(502, null).status).toBe('down');
  });
});
