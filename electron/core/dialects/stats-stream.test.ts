import { describe, expect, it } from 'vitest';
import { statsStreamDialect } from './stats-stream';
import { testEndpoint } from '../../../test/support/endpoint';

const codec = () =>
  statsStreamDialect.create(
    testEndpoint({ dialect: 'stats-stream', url: 'ws://127.0.0.1:8000/ws/stats' }),
  );
const AT = 1_700_000_000_000;
const sample = {
  type: 'stats_update',
  total_messages: 1234,
  queue_depth: 12,
  messages_per_second: 45,
  total_batches: 25,
  avg_batch_size: 49.3,
  batch_threshold: 50,
  batch_progress: 20,
  batch_progress_percent: 40.0,
  batches_ready: 0,
};

describe('stats-stream codec', () => {
  it('sends nothing: no subscribe frames, no app ping', () => {
    const c = codec();
    expect(c.subscribe('stats')).toBeNull();
    expect(c.appPing(AT)).toBeNull();
    expect(c.onOpen()).toEqual([]);
    expect(c.handshake({}, 'ws://127.0.0.1:8000/ws/stats').url).toBe(
      'ws://127.0.0.1:8000/ws/stats',
    );
  });

  it('turns stats_update into the live StatsSample figures', () => {
    const [e] = codec().decode(JSON.stringify(sample), AT).events ?? [];
    expect(e).toMatchObject({
      kind: 'stats.update',
      channel: 'stats',
      severity: 'info',
      receivedAt: AT,
      data: {
        totalMessages: 1234,
        queueDepth: 12,
        messagesPerSecond: 45,
        totalBatches: 25,
        avgBatchSize: 49.3,
        batchThreshold: 50,
        batchProgress: 20,
        batchProgressPercent: 40,
        batchesReady: 0,
        degraded: false,
      },
      suspect: false,
    });
  });

  it('marks all-zero samples suspect (integers as Redis-down sends them)', () => {
    const zeros =
      '{"type":"stats_update","total_messages":0,"queue_depth":0,"messages_per_second":0,"total_batches":0,"avg_batch_size":0,"batch_threshold":50,"batch_progress":0,"batch_progress_percent":0,"batches_ready":0}';
    const [e] = codec().decode(zeros, AT).events ?? [];
    expect(e).toMatchObject({ suspect: true, data: { degraded: false } });
    expect(e?.body).toMatch(/zero/);
  });

  it('rejects the runbook shape, which the server does not send', () => {
    const runbook =
      '{"total_messages":1,"current_rps":2.5,"messages_per_second":2.5,"queue_depth":1,"queue_length":1,"total_batches":0,"avg_batch_size":0,"timestamp":"2024-01-17T12:34:56.789Z"}';
    expect(codec().decode(runbook, AT)).toEqual({ rejected: 'unknown-type: (none)' });
    expect(codec().decode('{"type":"stats_update","total_messages":"7"}', AT).rejected).toMatch(
      /^schema:/,
    );
  });

  it('turns batch_persisted into stats.batch with a stable id', () => {
    const frame =
      '{"type":"batch_persisted","ids":[1,2,3],"batch_id":"1a2b3c4d","batch_size":3,"worker_timestamp":"2026-11-22T21:54:17.536670"}';
    const [e] = codec().decode(frame, AT).events ?? [];
    expect(e).toMatchObject({
      kind: 'stats.batch',
      title: 'Batch 1a2b3c4d persisted',
      serverTime: Date.UTC(2026, 10, 22, 21, 54, 17, 536),
      data: { batchId: '1a2b3c4d', batchSize: 3, ids: 3 },
    });
    expect(codec().decode(frame, AT + 1).events?.[0]?.id).toBe(e?.id);
  });

  it('rejects garbage', () => {
    const c = codec();
    expect(c.decode('', AT)).toEqual({ rejected: 'non-json' });
    expect(c.decode('[1]', AT)).toEqual({ rejected: 'not-an-object' });
    expect(c.decode('{"type":"persisted"}', AT)).toEqual({ rejected: 'unknown-type: persisted' });
  });

  it('reads 503 on /health as a degraded backend, not as down', () => {
    const probe = statsStreamDialect.probes[0];
    expect(probe?.path).toBe('/health');
    expect(probe?.interpret(503, { detail: 'Redis unavailable' })).toMatchObject({
      status: 'degraded',
      ok: false,
    });
    expect(probe?.interpret(503, { detail: 'x' }).summary).toMatch(/Backend degraded/);
    expect(
      probe?.interpret(200, { status: 'healthy', redis: 'connected', queue_length: 0 }).status,
    ).toBe('healthy');
    expect(probe?.interpret(500, null).status).toBe('down');
    expect(statsStreamDialect.liveness.staleAfterMs).toBeGreaterThan(600);
  });
});
