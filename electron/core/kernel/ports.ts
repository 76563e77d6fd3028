import type WebSocket from 'ws';

/**
 * Everything the connection engine needs from the outside world, injected by a composition root
 * (desktop/main.ts, browser-host, tests). No module reaches for globals itself.
 */

/** Secrets resolved by the session's credential provider for one attempt. Never logged. */
export interface Credentials {
  /** Bearer / query token (JWT or API token). */
  token?: string;
  /** Cookie header value, e.g. `sessionid=…` (django-channels as built). */
  cookie?: string;
}

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

/**
 * Runs a task once, soon, after the current one (the next turn of the event loop in production; by
 * hand in tests), so work that arrives in a burst is done once for the burst.
 */
export type Scheduler = (task: () => void) => void;

/** The real scheduler: the next turn of Node's event loop. */
export const nextTurn: Scheduler = (task) => {
  setImmediate(task);
};

/** Uniform in [0, 1): Math.random in production, a seeded or fixed sequence in tests. */
export type RandomSource = () => number;

/** Whether a held session is still live, asked of the server without opening a socket. */
export type SessionCheck =
  | { status: 'live'; detail: string }
  | { status: 'dead'; detail: string }
  /** No session held yet, or the server could not say (unreachable, no such endpoint). */
  | { status: 'unknown'; detail: string };

/**
 * Supplies credentials before every connection attempt. `forceRefresh` is set once per incident
 * after the server refused or may have refused them (401 on the upgrade, an auth close code,
 * django's ambiguous 500): a password provider then signs in again. Rejects with
 * `CredentialsError` when only the user can fix it.
 */
export interface CredentialProvider {
  getCredentials(options: { forceRefresh: boolean }): Promise<Credentials>;
  /**
   * Ask the server whether the held session is live (django: `GET /api/auth/me/`), for explaining
   * an ambiguous refusal. Absent where the provider has no such check.
   */
  checkSession?(): Promise<SessionCheck>;
}

/**
 * Thrown by a credential provider when no usable credentials exist and only the user can fix it:
 * `missing` (nothing stored) or `refused` (the server refused the stored credentials themselves).
 */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
  constructor(
    message: string,
    readonly kind: 'missing' | 'refused' = 'missing',
  ) {
    super(message);
  }
}

export const noCredentials: CredentialProvider = { getCredentials: async () => ({}) };

/** The `ws` constructor (or a compatible subclass). */
export type WebSocketConstructor = typeof WebSocket;

/** Network and power events from the OS (Electron powerMonitor / net, or tests). */
export interface SystemEvents {
  on(event: 'online' | 'offline' | 'resume' | 'suspend', listener: () => void): () => void;
}

/** Told about every secret the store hands out or accepts, so logs can scrub it (the Redactor). */
export interface SecretSink {
  addSecret(value: string): void;
}

/** A small structured logger; the composition root decides where lines go (and redacts). */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
