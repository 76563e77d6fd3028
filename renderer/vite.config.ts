import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Renderer build: `vite build -c renderer/vite.config.ts`, run from the repository root.
 * Relative `base` because Electron loads the page from a file and the browser host serves it over
 * http; one module script and no inline code so the page runs under a strict CSP.
 */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // Keep the output a module script + files: no inlined data: scripts.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
