/**
 * `IpcRouter`: the one place IPC is validated against the shared contract, then dispatched to its
 * domain's handler.
 */
import type { z } from 'zod';
import { isInvokeChannel, isSendChannel } from '../../../shared/ipc/channels';
import {
  invokeRequestSchemas,
  sendPayloadSchemas,
  type InvokeChannel,
  type InvokeResponses,
  type SendChannel,
} from '../../../shared/ipc/contract';
import type { Logger } from '../kernel/ports';

/** A request as its handler receives it: parsed by the contract's schema (defaults applied). */
export type ParsedRequest<C extends InvokeChannel> = z.output<(typeof invokeRequestSchemas)[C]>;
export type ParsedPayload<C extends SendChannel> = z.output<(typeof sendPayloadSchemas)[C]>;

/** One handler per invoke channel; each domain's file supplies its own channels. */
export type InvokeHandlers = {
  [C in InvokeChannel]: (request: ParsedRequest<C>) => Promise<InvokeResponses[C]>;
};
export type SendHandlers = { [C in SendChannel]: (payload: ParsedPayload<C>) => void };
/** Every channel's handler (invoke and send channels have distinct names). */
export type IpcHandlers = InvokeHandlers & SendHandlers;

/** Why the router refused a message before any handler saw it. */
export type IpcRejection = 'unknown-sender' | 'unknown-channel' | 'invalid-payload';

/**
 * A message refused before any handler saw it: by a host (not our page), or by the router (the
 * channel is not in the contract, or the payload does not match its schema). `detail` names the fields and problems (never the values: a secret typed in the
 * wrong field must not come back in an error).
 */
export class IpcRejectedError extends Error {
  override readonly name = 'IpcRejectedError';
  constructor(
    readonly channel: string,
    readonly reason: IpcRejection,
    readonly detail: string,
  ) {
    super(
      reason === 'unknown-channel'
        ? `Unknown request "${channel}".`
        : reason === 'unknown-sender'
          ? `lookout: ${channel} refused: unknown sender`
          : `lookout: ${channel} refused: invalid payload (${detail})`,
    );
  }
}

/**
 * The one place IPC is validated, whatever the host: every message from a renderer is checked
 * against the shared contract (channel allowlist, zod schema) and only then handed to its domain's
 * handler. Hosts check who is talking (sender frame, bridge secret) and pass the rest through.
 */
export class IpcRouter {
  constructor(
    private readonly handlers: IpcHandlers,
    private readonly logger: Logger,
  ) {}

  /** Throws `IpcRejectedError` for an unknown channel or an invalid payload. */
  async invoke(channel: string, request: unknown): Promise<unknown> {
    if (typeof channel !== 'string' || !isInvokeChannel(channel))
      throw new IpcRejectedError(String(channel).slice(0, 100), 'unknown-channel', '');
    const parsed = this.validate(channel, invokeRequestSchemas[channel], request);
    if (!parsed.ok) throw new IpcRejectedError(channel, 'invalid-payload', parsed.error);
    const handler = this.handlers[channel] as (request: unknown) => Promise<unknown>;
    return handler(parsed.value);
  }

  /** False when the message was refused (unknown channel, invalid payload); it is logged. */
  send(channel: string, payload: unknown): boolean {
    if (typeof channel !== 'string' || !isSendChannel(channel)) {
      this.logger.warn('unknown message from the renderer', {
        channel: String(channel).slice(0, 100),
      });
      return false;
    }
    const parsed = this.validate(channel, sendPayloadSchemas[channel], payload);
    if (!parsed.ok) return false;
    (this.handlers[channel] as (payload: unknown) => void)(parsed.value);
    return true;
  }

  private validate(
    channel: string,
    schema: z.ZodType,
    value: unknown,
  ): { ok: true; value: unknown } | { ok: false; error: string } {
    const result = schema.safeParse(value);
    if (result.success) return { ok: true, value: result.data };
    const error = result.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`)
      .join('; ');
    this.logger.warn('ipc payload failed validation', { channel, error });
    return { ok: false, error };
  }
}
