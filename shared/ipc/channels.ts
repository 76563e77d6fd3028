/**
 * The name of every IPC channel, as plain lists (`domain:verb`). The sandboxed preload checks
 * channels against these without loading zod, which would otherwise be nearly all of it.
 * `contract.ts` keys its schemas and payload types by these names and the compiler rejects any
 * drift either way, so this file and the contract cannot disagree.
 */

/** Renderer asks, main answers. */
export const INVOKE_CHANNELS = [
  'app:initial-state',
  'connection:snapshot',
  'endpoints:list',
  'endpoints:get',
  'endpoints:save',
  'endpoints:remove',
  'endpoints:test',
  'auth:sign-in',
  'auth:sign-out',
  'diagnostics:check',
  'diagnostics:probe',
  'diagnostics:bundle',
  'diagnostics:frames',
  'diagnostics:frame',
  'diagnostics:act',
  'diagnostics:export',
  'notifications:trace',
  'prefs:set',
  'settings:set',
  'logs:open',
  'tasks:watch',
  'tasks:unwatch',
] as const;

/** Renderer → main, fire-and-forget. */
export const SEND_CHANNELS = [
  'app:ready',
  'app:view',
  'connection:reconnect',
  'notifications:mark-read',
  'notifications:pause',
  'diagnostics:live',
  'app:renderer-error',
] as const;

/** Main → renderer. */
export const PUSH_CHANNELS = [
  'app:patch',
  'connection:state',
  'connection:health',
  'connection:diagnostics',
  'endpoints:changed',
  'prefs:changed',
  'settings:changed',
  'app:navigate',
  'notifications:health',
  'app:update',
  'app:recovered',
  'storage:problems',
] as const;

export type InvokeChannel = (typeof INVOKE_CHANNELS)[number];
export type SendChannel = (typeof SEND_CHANNELS)[number];
export type PushChannel = (typeof PUSH_CHANNELS)[number];

const invokeSet: ReadonlySet<string> = new Set(INVOKE_CHANNELS);
const sendSet: ReadonlySet<string> = new Set(SEND_CHANNELS);
const pushSet: ReadonlySet<string> = new Set(PUSH_CHANNELS);

/** The allowlists, built once from the lists above: every side checks a name with these. */
export const isInvokeChannel = (name: string): name is InvokeChannel => invokeSet.has(name);
export const isSendChannel = (name: string): name is SendChannel => sendSet.has(name);
export const isPushChannel = (name: string): name is PushChannel => pushSet.has(name);
