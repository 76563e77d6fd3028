import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTsChild, type TsChild } from '../../support/child-process';
import { rawRequest, requestHead } from '../../support/raw-http';

/**
 * The gateway CLI and the browser host are real processes here. A preload plants the two faults
 * that end a Node process (a throw from a timer, a rejection nobody handles) on SIGUSR2; each
 * process must log both and go on answering. Every handler is meant to be total (the request
 * fuzzers check that); this is the net under the bug nobody has found yet.
 */

const PLANT = 'test/support/plant-faults.ts';
const children: TsChild[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) await c.kill();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function plantAndCheck(child: TsChild, port: number, path: string): Promise<void> {
  const get = () =>
    rawRequest(port, requestHead(`GET ${path} HTTP/1.1`, [`Host: 127.0.0.1:${port}`]));
  expect((await get()).status).toBe(200);
  child.proc.kill('SIGUSR2');
  await child.waitOutput(/uncaughtException: kept running[\s\S]*planted fault: a handler threw/);
  await child.waitOutput(
    /unhandledRejection: kept running[\s\S]*planted fault: a promise rejected/,
  );
  expect(child.exitCode()).toBeNull();
  expect((await get()).status).toBe(200);
}

describe('last-resort handlers keep a process serving', () => {
  it('the gateway CLI logs an uncaught exception and an unhandled rejection and keeps serving', async () => {
    const child = startTsChild('gateway/src/cli.ts', ['--demo', '--port', '0'], {
      preload: [PLANT],
      env: { REDIS_URL: '' },
    });
    children.push(child);
    const [, port] = await child.waitOutput(/on ws:\/\/127\.0\.0\.1:(\d+)\/ws/);
    await plantAndCheck(child, Number(port), '/health');
  });

  it('the browser host logs both faults and keeps serving the page', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lookout-last-resort-'));
    dirs.push(dir);
    // The host serves `dist/renderer` under its working directory: give it a tiny one.
    await mkdir(join(dir, 'dist', 'renderer'), { recursive: true });
    await writeFile(join(dir, 'dist', 'renderer', 'index.html'), '<!doctype html><title>x</title>');
    const child = startTsChild(
      'electron/browser-host/main.ts',
      ['--port', '0', '--data-dir', join(dir, 'data'), '--no-demo'],
      { preload: [PLANT], cwd: dir, env: { LOOKOUT_PORT: '' } },
    );
    children.push(child);
    const [, port] = await child.waitOutput(/Open: http:\/\/127\.0\.0\.1:(\d+)\//);
    await plantAndCheck(child, Number(port), '/');
  });
});
