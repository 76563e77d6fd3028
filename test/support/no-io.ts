/**
 * Setup file of the `unit` Vitest project: a unit test opens no socket, starts no server and
 * spawns no process. Each of those calls throws here with where the test belongs instead, so a
 * test that needs real I/O fails loudly in `npm run unit` rather than slowing it down unnoticed.
 */
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import dgram from 'node:dgram';

function refuse(what: string): never {
  throw new Error(
    `unit tests do no I/O (${what}): move this test to test/integration/ (or test/reliability/ for long runs)`,
  );
}

net.Socket.prototype.connect = function connect(): never {
  refuse('a socket connect');
};
net.Server.prototype.listen = function listen(): never {
  refuse('a server listen');
};
dgram.Socket.prototype.bind = function bind(): never {
  refuse('a UDP bind');
};
dgram.Socket.prototype.send = function send(): never {
  refuse('a UDP send');
};
for (const name of [
  'spawn',
  'spawnSync',
  'exec',
  'execSync',
  'execFile',
  'execFileSync',
  'fork',
] as const) {
  Object.defineProperty(childProcess, name, {
    value: () => refuse(`child_process.${name}`),
    configurable: true,
    writable: true,
  });
}
// Named ESM imports of built-ins (`import { spawn } from 'node:child_process'`) read these.
syncBuiltinESMExports();
