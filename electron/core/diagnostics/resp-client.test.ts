import { describe, expect, it } from 'vitest';
import { encodeCommand, parseReply, RespError } from './resp-client';

describe('RESP2 for the deafness probe', () => {
  it('encodes a command as an array of bulk strings (bytes, not characters)', () => {
    expect(encodeCommand(['PUBSUB', 'NUMSUB', 'chät']).toString()).toBe(
      '*3\r\n$6\r\nPUBSUB\r\n$6\r\nNUMSUB\r\n$5\r\nchät\r\n',
    );
  });

  it('parses the replies it meets, and waits for the rest of a split one', () => {
    const numsub = Buffer.from('*4\r\n$12\r\nchat_updates\r\n:1\r\n$6\r\nsite_x\r\n:0\r\n');
    expect(parseReply(numsub)).toEqual({
      value: ['chat_updates', 1, 'site_x', 0],
      end: numsub.length,
    });
    for (let cut = 1; cut < numsub.length; cut += 1)
      expect(parseReply(numsub.subarray(0, cut)), `cut at ${cut}`).toBeNull();
    expect(parseReply(Buffer.from('+PONG\r\n'))?.value).toBe('PONG');
    expect(parseReply(Buffer.from('$-1\r\n'))?.value).toBeNull();
    const error = parseReply(Buffer.from('-WRONGPASS invalid username-password pair\r\n'))?.value;
    expect(error).toBeInstanceOf(RespError);
    expect((error as RespError).message).toMatch(/^WRONGPASS/);
  });

  it('refuses what is not a Redis reply instead of guessing', () => {
    expect(() => parseReply(Buffer.from('HTTP/1.1 400 Bad Request\r\n'))).toThrow(
      /not a Redis reply/,
    );
    expect(() => parseReply(Buffer.from(':12abc\r\n'))).toThrow(/not a Redis integer/);
  });
});
