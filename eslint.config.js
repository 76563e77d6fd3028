// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
);
