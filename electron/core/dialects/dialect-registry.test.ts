import { describe, expect, it } from 'vitest';
import { DIALECT_IDS } from '../../../shared/config/endpoint';
import { testEndpoint } from '../../../test/support/endpoint';
import { completeCodec } from './dialect';
import type { CodecParts, DecodeResult } from './dialect';
import { DIALECTS, dialectOf, subscriptionsFor } from './index';

describe('completeCodec', () => {
  it('gives a codec that has only a handshake and decode: no frames to send', () => {
    const codec = completeCodec({
      handshake: (_credentials, url) => ({ url, headers: {} }),
      decode: () => ({}),
    });
    expect(codec.onOpen()).toEqual([]);
    expect(codec.subscribe('dashboard')).toBeNull();
    expect(codec.unsubscribe('dashboard')).toBeNull();
    expect(codec.appPing(1)).toBeNull();
    expect(codec.resumePoint).toBeUndefined();
    expect(codec.idle).toBeUndefined();
    expect(codec.handshake({}, 'ws://127.0.0.1:1/ws').url).toBe('ws://127.0.0.1:1/ws');
  });

  it("calls a codec class's own methods with the codec as `this`", () => {
    class Counting implements CodecParts {
      private frames = 0;
      handshake(_c: object, url: string) {
        return { url, headers: {} };
      }
      decode(): DecodeResult {
        this.frames += 1;
        return {};
      }
      subscribe(channel: string) {
        return `sub ${channel} after ${this.frames}`;
      }
      resumePoint() {
        return { seq: this.frames, epoch: null };
      }
      idle(subscriptions: readonly string[]) {
        return subscriptions.length === this.frames;
      }
    }
    const codec = completeCodec(new Counting());
    codec.decode('{}', 1);
    expect(codec.subscribe('a')).toBe('sub a after 1');
    expect(codec.resumePoint?.('a')).toEqual({ seq: 1, epoch: null });
    expect(codec.idle?.(['a'])).toBe(true);
  });
});

describe('the dialect registry', () => {
  it('uses the endpoint’s own subscriptions, else its dialect’s defaults', () => {
    expect(subscriptionsFor({ dialect: 'lookout', subscriptions: ['alerts'] })).toEqual(['alerts']);
    expect(subscriptionsFor({ dialect: 'lookout', subscriptions: [] })).toEqual(
      DIALECTS.lookout.defaultSubscriptions,
    );
  });

  it('names the channel of one task only where tasks are watched by id', () => {
    expect(DIALECTS.lookout.tasks?.taskChannel('42')).toBe('task:42');
    expect(DIALECTS['task-status'].tasks?.taskChannel('import-7')).toBe('import-7');
    const watching = DIALECT_IDS.filter((id) => DIALECTS[id].tasks !== undefined);
    expect(watching.sort()).toEqual(['lookout', 'task-status']);
  });

  it('creates a complete codec for every dialect', () => {
    for (const id of DIALECT_IDS) {
      const codec = dialectOf({ dialect: id }).create(
        testEndpoint({ dialect: id, url: 'ws://127.0.0.1:1/ws' }),
      );
      expect(Array.isArray(codec.onOpen()), id).toBe(true);
      expect(typeof codec.decode('not json', 1)).toBe('object');
    }
  });
});
