import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RotatingLogFile } from './log-file';
import { Redactor } from '../kernel/redact';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lookout-log-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function allLogText(): Promise<string> {
  const names = await readdir(dir);
  return (await Promise.all(names.map((n) => readFile(join(dir, n), 'utf8')))).join('');
}

describe('RotatingLogFile', () => {
  it('writes JSON lines with time, level, message and fields', async () => {
    const log = new RotatingLogFile({ dir, redactor: new Redactor(), now: () => 0 });
    log.info('session open', { endpoint: 'admin', attempt: 2 });
    log.error('boom', { error: new Error('ECONNREFUSED'), big: 10n });
    log.close();
    const lines = (await readFile(join(dir, 'lookout.log'), 'utf8')).trim().split('\n');
    expect(JSON.parse(lines[0]!)).toEqual({
      t: '1970-01-01T00:00:00.000Z',
      level: 'info',
      msg: 'session open',
      endpoint: 'admin',
      attempt: 2,
    });
    expect(JSON.parse(lines[1]!)).toMatchObject({
      level: 'error',
      error: { name: 'Error', message: 'ECONNREFUSED' },
      big: '10',
    });
  });

  it('rotates at the size limit and keeps N files, newest in lookout.log', async () => {
    const log = new RotatingLogFile({ dir, redactor: new Redactor(), maxBytes: 1_000, keep: 3 });
    for (let i = 0; i < 100; i += 1) log.info(`line ${i}`, { pad: 'x'.repeat(50) });
    log.close();
    expect((await readdir(dir)).sort()).toEqual(['lookout.1.log', 'lookout.2.log', 'lookout.log']);
    const sizes = await Promise.all(
      ['lookout.log', 'lookout.1.log', 'lookout.2.log'].map(
        async (n) => (await readFile(join(dir, n))).length,
      ),
    );
    for (const size of sizes) expect(size).toBeLessThanOrEqual(1_000);
    const newest = (await readFile(join(dir, 'lookout.log'), 'utf8')).trim().split('\n');
    expect(JSON.parse(newest.at(-1)!).msg).toBe('line 99');
    const older = (await readFile(join(dir, 'lookout.1.log'), 'utf8')).trim().split('\n');
    const lastOlder = Number(JSON.parse(older.at(-1)!).msg.split(' ')[1]);
    expect(Number(JSON.parse(newest[0]!).msg.split(' ')[1])).toBe(lastOlder + 1);
  });

  it('gives the last bytes of the log as whole lines, across a rotation, for the support bundle', () => {
    const redactor = new Redactor();
    redactor.addSecret('opaque-S3cr3t-value');
    const log = new RotatingLogFile({ dir, redactor, maxBytes: 1_000, keep: 3 });
    for (let i = 0; i < 100; i += 1)
      log.info(`line ${i}`, { pad: 'x'.repeat(50), note: 'opaque-S3cr3t-value' });
    const { text, bytes } = log.tail(1_500);
    log.close();
    expect(bytes).toBeLessThanOrEqual(1_500);
    const lines = text.trim().split('\n');
    // More than one file's worth: the tail reached into lookout.1.log.
    expect(bytes).toBeGreaterThan(1_000);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(JSON.parse(lines.at(-1)!).msg).toBe('line 99');
    const numbers = lines.map((l) => Number(JSON.parse(l).msg.split(' ')[1]));
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
    expect(text).not.toContain('opaque-S3cr3t-value');
    // An empty log folder gives an empty tail, not an error.
    expect(new RotatingLogFile({ dir: join(dir, 'none'), redactor }).tail(100)).toEqual({
      text: '',
      bytes: 0,
    });
  });

  it('appends to an existing log after a restart', async () => {
    const first = new RotatingLogFile({ dir, redactor: new Redactor() });
    first.info('before restart');
    first.close();
    const second = new RotatingLogFile({ dir, redactor: new Redactor() });
    second.info('after restart');
    second.close();
    const text = await readFile(join(dir, 'lookout.log'), 'utf8');
    expect(
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).msg),
    ).toEqual(['before restart', 'after restart']);
  });

  it('never lets planted secrets reach the file', async () => {
    const redactor = new Redactor();
    const password = 'correct-horse-battery-staple';
    redactor.addSecret(password);
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjo0Mn0.sig-nature_value';
    const log = new RotatingLogFile({ dir, redactor, maxBytes: 600, keep: 4 });
    for (let i = 0; i < 20; i += 1) {
      log.warn(`login failed for password ${password}`, {
        url: `ws://127.0.0.1:8004/ws?user_id=4&token=${jwt}`,
        headers: { Authorization: `Bearer ${jwt}`, Cookie: 'sessionid=abc123sessionvalue' },
        nested: { deeper: [{ note: `the password was ${password}` }] },
        accessToken: 'opaque-access-token-value',
      });
    }
    log.close();
    const text = await allLogText();
    expect(text).toContain('[redacted]');
    for (const secret of [password, jwt, 'abc123sessionvalue', 'opaque-access-token-value']) {
      expect(text).not.toContain(secret);
    }
  });

  it('counts lines it cannot write instead of throwing', async () => {
    // A directory path that runs through a regular file: every open fails with ENOTDIR.
    await writeFile(join(dir, 'plain-file'), '');
    const log = new RotatingLogFile({
      dir: join(dir, 'plain-file', 'logs'),
      redactor: new Redactor(),
    });
    expect(() => log.info('hello')).not.toThrow();
    expect(log.droppedLines).toBe(1);
    expect(log.lastError).toMatch(/ENOTDIR|EEXIST/);
  });
});
