import type { CoreParts } from '../app/core-parts';
import { appHandlers } from './handlers/app-handlers';
import { authHandlers } from './handlers/auth-handlers';
import { diagnosticsHandlers } from './handlers/diagnostics-handlers';
import { endpointHandlers } from './handlers/endpoint-handlers';
import { notificationHandlers } from './handlers/notification-handlers';
import { settingsHandlers } from './handlers/settings-handlers';
import { taskHandlers } from './handlers/task-handlers';
import { IpcRouter, type IpcHandlers } from './ipc-router';

/**
 * The router of a started core: every domain's handlers, each file owning its channels. The
 * compiler checks that together they answer every channel of the contract.
 */
export function createCoreRouter(parts: CoreParts): IpcRouter {
  const handlers: IpcHandlers = {
    ...appHandlers(parts),
    ...endpointHandlers(parts),
    ...authHandlers(parts),
    ...diagnosticsHandlers(parts),
    ...notificationHandlers(parts),
    ...settingsHandlers(parts),
    ...taskHandlers(parts),
  };
  return new IpcRouter(handlers, parts.logger);
}
