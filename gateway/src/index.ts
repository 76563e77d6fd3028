/** The Lookout gateway, embeddable in-process (the app's default backend) or run by `cli.ts`. */
export {
  createGateway,
  type DrainResult,
  type Gateway,
  type GatewayAddress,
  type GatewayOptions,
} from './gateway';
export type { RedisTopology } from './storage/redis-topology';
export { DEMO_API_KEY, DEMO_PASSWORD, DEMO_USERS } from './demo/demo-accounts';
export type { UserRecord } from './auth/users';
export type { AuthLimits } from './auth/login-limiter';
export { hashPassword, verifyPassword } from './auth/passwords';
export { MemoryEventLog } from './storage/memory-log';
export type { EventLog } from './storage/event-log';
export type { FanOutBatch } from './ws/fan-out';
export { silentGatewayLogger, consoleLogger, type GatewayLogger } from './logger';
