// @ts-check
import { readdirSync } from 'node:fs';
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

/**
 * The core's floors, ground first. A folder may import only folders on lower floors (and shared/):
 * every arrow points down, so no cycle between folders can form and a newcomer reads the core from
 * the ground up. Each folder's README.md names its floor. Tests may reach up (a dialect's test
 * drives it through a real session).
 */
const CORE_FLOORS = [
  ['kernel'],
  ['dialects', 'transport'],
  ['connection', 'notify', 'state'],
  ['diagnostics', 'config'],
  ['auth'],
  ['app'],
  ['ipc'],
  ['compose'],
];
// A new folder of the core must take a floor before lint passes.
for (const entry of readdirSync(new URL('./electron/core/', import.meta.url), {
  withFileTypes: true,
}))
  if (entry.isDirectory() && !CORE_FLOORS.flat().includes(entry.name))
    throw new Error(
      `electron/core/${entry.name}/ has no floor: add it to CORE_FLOORS in eslint.config.js.`,
    );
const coreFloorRules = CORE_FLOORS.flatMap((floor, level) =>
  floor.map((folder) => {
    const above = CORE_FLOORS.slice(level)
      .flat()
      .filter((other) => other !== folder);
    const patterns = [
      {
        regex: '(^|/)gateway/',
        message:
          'The core never imports the gateway package: the embedded gateway is a port the host provides (CorePorts.embeddedGateway).',
      },
      {
        regex: '^(\\.\\./)+(desktop|browser-host|host-common)(/|$)',
        message: 'The core never imports a host: hosts import the core.',
      },
    ];
    if (above.length > 0)
      patterns.push({
        regex: `^(\\.\\./)+(${above.join('|')})(/|$)`,
        message: `electron/core/${folder}/ is on floor ${level + 1}: it may import only folders below it (${CORE_FLOORS.slice(0, level).flat().join(', ') || 'none'}). Move what both need down a floor (e.g. into kernel/).`,
      });
    return {
      files: [`electron/core/${folder}/**`],
      ignores: ['**/*.test.ts'],
      rules: { 'no-restricted-imports': ['error', { paths: [electronBan], patterns }] },
    };
  }),
);

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
    files: [
      'electron/core/**',
      'electron/host-common/**',
      'shared/**',
      'gateway/**',
      'electron/browser-host/**',
      'bench/**',
    ],
    rules: { 'no-restricted-imports': ['error', { paths: [electronBan] }] },
  },
  ...coreFloorRules,
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
