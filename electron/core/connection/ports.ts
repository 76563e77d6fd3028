import type WebSocket from 'ws';
import type { Credentials } from '../dialects/dialect';

/**
 * Everything the connection engine needs from the outside world, injected by a composition root
 * (desktop/main.ts, browser-host, tests). No module reaches for globals itself.
 */

export type TimerHandle = { readonly __timer: unique symbol } | ReturnType<typeof setTimeout>;

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Uniform in [0, 1): Math.random in production, a seeded or fixed sequence in tests. */
export type RandomSource = () => number;

/**
 * Supplies credentials before every connection attempt. `forceRefresh` is set once after the
 * server said the token expired (401 on the upgrade, or the dialect's auth-expired close code).
 * Rejects with `CredentialsError` when the user must sign in.
 */
export interface CredentialProvider {
  getCredentials(options: { forceRefresh: boolean }): Promise<Credentials>;
}

/** Thrown by a credential provider when no usable credentials exist and only the user can fix it. */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
}

export const noCredentials: CredentialProvider = { getCredentials: async () => ({}) };

/** The `ws` constructor (or a compatible subclass). */
export type WebSocketConstructor = typeof WebSocket;

/** Network and power events from the OS (Electron powerMonitor / net, or tests). */
export interface SystemEvents {
  on(event: 'online' | 'offline' | 'resume' | 'suspend', listener: () => void): () => void;
}

/** A small structured logger; the composition root decides where lines go (and redacts). */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
