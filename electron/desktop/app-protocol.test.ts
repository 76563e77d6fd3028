import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resetFakeElectron, state } from '../../test/support/fake-electron';
import { FakeCore } from '../../test/support/fake-core';

vi.mock(
  'electron',
  async () => (await import('../../test/support/fake-electron')).fakeElectronModule,
);

const { rendererFileHandler, RENDERER_URL, APP_SCHEME_PRIVILEGES } = await import('./app-protocol');
const { RENDERER_CSP } = await import('./security');
const { startDesktop } = await import('./desktop-app');

/**
 * The renderer comes from `app://lookout/`, served by our own handler from the built renderer
 * folder: the page, its assets with the right types and the CSP, and nothing else (no other host,
 * no path outside the folder however it is spelled).
 */
let work: string;
let serve: (request: Request) => Promise<Response>;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'lookout-protocol-'));
  const renderer = join(work, 'dist', 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Lookout</title>');
  writeFileSync(join(renderer, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(renderer, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(join(work, 'dist', 'secret.txt'), 'outside the renderer folder');
  writeFileSync(join(work, 'secret.txt'), 'further outside');
  serve = rendererFileHandler(renderer);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => serve(new Request(url, { method }));

describe('app:// protocol', () => {
  it('serves the page and its assets with their types, the CSP and nosniff', async () => {
    const page = await get(RENDERER_URL);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Lookout</title>');
    expect((await get('app://lookout/')).status).toBe(200);
    const script = await get('app://lookout/assets/index-abc.js?v=1#x');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
    expect((await get('app://lookout/assets/index-abc.css')).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    );
    const head = await get(RENDERER_URL, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('serves nothing outside the renderer folder, however the path is spelled', async () => {
    for (const url of [
      'app://lookout/%2e%2e/secret.txt',
      'app://lookout/%2E%2E%2Fsecret.txt',
      'app://lookout/assets/..%2f..%2fsecret.txt',
      'app://lookout/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://lookout/..%5c..%5csecret.txt',
      `app://lookout/${encodeURIComponent(join(work, 'secret.txt'))}`,
      'app://lookout/index.html%00.js',
      'app://lookout/%E0%A4%A',
      'app://lookout/missing.js',
      'app://evil/index.html',
      'app://lookout.evil/index.html',
    ]) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      expect(await response.text(), url).not.toMatch(/outside/);
    }
    expect((await get(RENDERER_URL, 'POST')).status).toBe(405);
  });

  it('is registered as a privileged, secure, standard scheme before ready, never bypassing the CSP', async () => {
    resetFakeElectron();
    const dir = mkdtempSync(join(tmpdir(), 'lookout-protocol-app-'));
    try {
      const core = new FakeCore();
      core.responses.set('app:initial-state', { settings: {} });
      const desktop = await startDesktop({
        createCore: () => core,
        appRoot: work,
        dataDir: dir,
        logger: { info: () => {}, warn: () => {}, error: () => {} },
        argv: ['electron', '.'],
      });
      expect(state.privilegedBeforeReady).toBe(true);
      expect(state.privilegedSchemes).toEqual([APP_SCHEME_PRIVILEGES]);
      expect(APP_SCHEME_PRIVILEGES.privileges).toMatchObject({ standard: true, secure: true });
      expect(APP_SCHEME_PRIVILEGES.privileges?.bypassCSP).toBeUndefined();
      // The handler the app installed serves the real folder under appRoot.
      const handler = state.protocolHandlers.get('app')!;
      const page = await handler(new Request(RENDERER_URL));
      expect(await page.text()).toContain('<title>Lookout</title>');
      desktop?.watchdog.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
