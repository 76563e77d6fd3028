/**
 * The demo's accounts and publisher key (`--demo`, the app's embedded gateway), kept with the demo
 * rather than among the real users: public on purpose, documented in docs/protocol.md.
 */
import type { Role } from '../../../shared/protocol/lookout-wire';
import { hashPassword } from '../auth/passwords';
import type { UserRecord } from '../auth/users';

/** The demo accounts' password, unless the embedder picks another (the app picks one per launch). */
export const DEMO_PASSWORD = 'lookout-demo';
/** The demo accounts: one super admin, one support agent. */
export const DEMO_USERS: ReadonlyArray<{ username: string; role: Role }> = [
  { username: 'admin@lookout.local', role: 'super_admin' },
  { username: 'support@lookout.local', role: 'support' },
];
/**
 * Publisher API key of `npm run gateway -- --demo` (for `POST /publish`); public on purpose, so it
 * is valid only there: `cli.ts` adds it, `createGateway({ demo })` does not (the app's embedded
 * gateway accepts no publishes at all).
 */
export const DEMO_API_KEY = 'lookout-demo-publisher-key';

/** The demo accounts with freshly hashed demo passwords (the public one unless told otherwise). */
export async function demoUsers(password = DEMO_PASSWORD): Promise<UserRecord[]> {
  const hash = await hashPassword(password);
  return DEMO_USERS.map((u) => ({
    username: u.username,
    sub: u.username,
    role: u.role,
    passwordHash: hash,
  }));
}
