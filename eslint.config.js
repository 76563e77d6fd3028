// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

const electronBan = {
  name: 'electron',
  message: 'Only electron/desktop may import electron: keep this folder runnable in plain Node.',
};
const nodeBuiltinPatterns = {
  group: ['node:*'],
  message: 'The renderer runs in a sandboxed page: no Node built-ins.',
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'release/',
      'coverage/',
      'test-results*/',
      'bench/results/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['electron/core/**', 'shared/**', 'gateway/**', 'electron/browser-host/**', 'bench/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronBan] }] },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan],
          patterns: [
            {
              group: ['node:*'],
              message: 'shared/ is imported by the renderer: no Node built-ins.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'The renderer talks to main only through the preload bridge.',
            },
            ...['fs', 'path', 'os', 'child_process', 'net', 'http', 'crypto'].map((name) => ({
              name,
              message: 'The renderer runs in a sandboxed page: no Node built-ins.',
            })),
          ],
          patterns: [nodeBuiltinPatterns],
        },
      ],
    },
  },
  {
    // The rules of hooks and React's compiler checks (stale deps, state set in render, impure render).
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: reactHooks.configs.flat['recommended-latest'].plugins,
    rules: {
      ...reactHooks.configs.flat['recommended-latest'].rules,
      'react-hooks/exhaustive-deps': 'error',
      // Only says the React Compiler would skip a component (TanStack Virtual); we do not run it.
      'react-hooks/incompatible-library': 'off',
    },
  },
  {
    // Only the one IPC gateway may touch ipcMain.
    files: ['electron/desktop/**'],
    ignores: ['electron/desktop/ipc-gateway.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportSpecifier[imported.name='ipcMain']",
          message: 'Only electron/desktop/ipc-gateway.ts registers IPC handlers.',
        },
      ],
    },
  },
  {
    // Electron 45 deprecates safeStorage's synchronous API: the asynchronous one only.
    files: ['electron/desktop/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['encryptString', 'decryptString', 'isEncryptionAvailable'].map((property) => ({
          object: 'safeStorage',
          property,
          message: 'Deprecated synchronous safeStorage API: use its Async variant.',
        })),
      ],
    },
  },
);
