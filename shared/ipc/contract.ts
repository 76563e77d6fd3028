import { z } from 'zod';
import type { SessionDiagnostics, StateChange } from '../model/connection';
import type { DialectId } from '../config/endpoint';

/**
 * The one typed IPC contract between main and renderer. Nothing else names a channel.
 * Names are `domain:verb`. Payloads are plain JSON data. Three maps:
 * - `Invoke`: renderer asks, main answers (request schema validated in main).
 * - `Send`: renderer → main, fire-and-forget (payload schema validated in main).
 * - `Push`: main → renderer.
 */

export interface EndpointSummary {
  id: string;
  name: string;
  dialect: DialectId;
  url: string;
  enabled: boolean;
}

/** Request schemas of every renderer→main message; the main-side gateway validates with these. */
export const invokeRequestSchemas = {
  'connection:snapshot': z.object({}).strict(),
  'endpoints:list': z.object({}).strict(),
} as const;

export const sendPayloadSchemas = {
  'app:ready': z.object({}).strict(),
  'connection:reconnect': z.object({ endpoint: z.string().min(1).max(64).optional() }).strict(),
} as const;

export interface InvokeResponses {
  'connection:snapshot': SessionDiagnostics[];
  'endpoints:list': EndpointSummary[];
}

export interface PushPayloads {
  'connection:state': StateChange;
  'connection:diagnostics': SessionDiagnostics;
}

export type InvokeChannel = keyof typeof invokeRequestSchemas;
export type SendChannel = keyof typeof sendPayloadSchemas;
export type PushChannel = keyof PushPayloads;

export type InvokeRequest<C extends InvokeChannel> = z.infer<(typeof invokeRequestSchemas)[C]>;
export type SendPayload<C extends SendChannel> = z.infer<(typeof sendPayloadSchemas)[C]>;

/** Every `InvokeChannel` must have a response type: a compile error here means the maps drifted. */
type _InvokeCovered = InvokeChannel extends keyof InvokeResponses ? true : never;
export const invokeCovered: _InvokeCovered = true;

export const INVOKE_CHANNELS = Object.keys(invokeRequestSchemas) as InvokeChannel[];
export const SEND_CHANNELS = Object.keys(sendPayloadSchemas) as SendChannel[];
export const PUSH_CHANNELS: readonly PushChannel[] = ['connection:state', 'connection:diagnostics'];

/**
 * The bridge the renderer sees (`window.lookout`), derived from the contract: never hand-synced.
 * Every `on` returns its own unsubscribe.
 */
export interface LookoutBridge {
  invoke<C extends InvokeChannel>(
    channel: C,
    request: InvokeRequest<C>,
  ): Promise<InvokeResponses[C]>;
  send<C extends SendChannel>(channel: C, payload: SendPayload<C>): void;
  on<C extends PushChannel>(channel: C, listener: (payload: PushPayloads[C]) => void): () => void;
}
