import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { roleSchema, type Role } from '../../../shared/protocol/lookout-wire';
import { hashPassword, verifyPassword } from './passwords';

/** One account allowed to sign in at `/auth/login`. */
export interface UserRecord {
  username: string;
  /** Subject claim of its tokens; defaults to the username. */
  sub: string;
  role: Role;
  passwordHash: string;
}

const usersFileSchema = z
  .object({
    users: z.array(
      z
        .object({
          username: z.string().min(1).max(200),
          sub: z.string().min(1).max(128).optional(),
          role: roleSchema,
          passwordHash: z.string().startsWith('scrypt$'),
        })
        .strict(),
    ),
  })
  .strict();

/** Demo accounts (`--demo`); the password is public on purpose and documented in docs/protocol.md. */
export const DEMO_PASSWORD = 'lookout-demo';
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

/** Read and validate a users file: `{"users":[{"username","role","passwordHash","sub"?}]}`. */
export async function loadUsersFile(path: string): Promise<UserRecord[]> {
  const text = await readFile(path, 'utf8');
  const parsed = usersFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(
      `users file ${path} is invalid: ${parsed.error.issues[0]?.message ?? 'schema'}`,
    );
  }
  return parsed.data.users.map((u) => ({ ...u, sub: u.sub ?? u.username }));
}

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

/** Looks users up by name and checks passwords. */
export class UserDirectory {
  private readonly byName = new Map<string, UserRecord>();
  // A fixed hash to verify against when the user is unknown, so timing does not reveal who exists.
  private decoy: Promise<string> | null = null;

  constructor(users: readonly UserRecord[]) {
    for (const u of users) this.byName.set(u.username.toLowerCase(), u);
  }

  get size(): number {
    return this.byName.size;
  }

  /** The user whose password matches, else null. */
  async authenticate(username: string, password: string): Promise<UserRecord | null> {
    const user = this.byName.get(username.toLowerCase());
    if (!user) {
      this.decoy ??= hashPassword('decoy-password');
      await verifyPassword(password, await this.decoy);
      return null;
    }
    return (await verifyPassword(password, user.passwordHash)) ? user : null;
  }

  bySub(sub: string): UserRecord | undefined {
    for (const u of this.byName.values()) if (u.sub === sub) return u;
    return undefined;
  }
}
