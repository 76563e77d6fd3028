import { createHmac } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
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

/** Read and validate a users file: `{"users":[{"username","role","passwordHash","sub"?}]}`. */
export async function loadUsersFile(path: string): Promise<UserRecord[]> {
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`users file ${path} is not valid JSON`);
  }
  const parsed = usersFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `users file ${path} is invalid: ${parsed.error.issues[0]?.message ?? 'schema'}`,
    );
  }
  return parsed.data.users.map((u) => ({ ...u, sub: u.sub ?? u.username }));
}

/** Looks users up by name and checks passwords. */
export class UserDirectory {
  private readonly byName = new Map<string, UserRecord>();
  private readonly bySubject = new Map<string, UserRecord>();
  // A fixed hash to verify against when the user is unknown, so timing does not reveal who exists.
  private decoy: Promise<string> | null = null;

  constructor(users: readonly UserRecord[]) {
    for (const u of users) {
      this.byName.set(u.username.toLowerCase(), u);
      this.bySubject.set(u.sub, u);
    }
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
    return this.bySubject.get(sub);
  }
}

/**
 * A fingerprint of a user's password hash, carried in their tokens (`pwv`): when the password
 * changes in the users file, every session opened with the old one no longer matches. Keyed with
 * the gateway secret, so the token (readable by anyone who holds it) says nothing about the hash.
 */
export function credentialVersion(secret: string, user: UserRecord): string {
  return createHmac('sha256', secret)
    .update(`pwv\0${user.passwordHash}`)
    .digest('base64url')
    .slice(0, 22);
}

/**
 * The users the gateway knows: fixed ones (options, demo) plus a users file that is read again
 * when it changes on disk (checked by `stat` on each sign-in and refresh, at most once a second on
 * upgrades), so removing a user or changing a password takes effect without a restart and on
 * every instance that reads the file. A file that no longer reads keeps the last good list, and
 * says why in the log.
 */
export class UserSource {
  private directory: UserDirectory;
  private stamp = '';
  private failedStamp = '';
  private lastFailure = '';
  private checkedAt = 0;
  private reloading: Promise<void> | null = null;

  private fixed: UserRecord[];

  constructor(
    fixed: readonly UserRecord[],
    private readonly file: string | undefined,
    private readonly onReloadFailed: (reason: string) => void,
  ) {
    this.fixed = [...fixed];
    this.directory = new UserDirectory(this.fixed);
  }

  /** Users that are not in the file (demo accounts), known from now on. */
  addFixed(users: readonly UserRecord[]): void {
    this.fixed.push(...users);
    this.directory = new UserDirectory([...this.fixed]);
  }

  /** First load: a users file that cannot be read stops the start (with the reason). */
  async load(): Promise<void> {
    this.directory = new UserDirectory(this.fixed);
    if (!this.file) return;
    this.stamp = await fileStamp(this.file);
    this.directory = new UserDirectory([...this.fixed, ...(await loadUsersFile(this.file))]);
    this.checkedAt = Date.now();
  }

  /** The users as the file is now (checked at most every `maxAgeMs`). */
  async current(maxAgeMs = 0): Promise<UserDirectory> {
    if (!this.file || Date.now() - this.checkedAt < maxAgeMs) return this.directory;
    this.reloading ??= this.reload(this.file).finally(() => (this.reloading = null));
    await this.reloading;
    return this.directory;
  }

  private async reload(file: string): Promise<void> {
    this.checkedAt = Date.now();
    let stamp: string;
    try {
      stamp = await fileStamp(file);
    } catch (error) {
      return this.failed(error);
    }
    // Unchanged, or the same broken version already reported: nothing to do.
    if (stamp === this.stamp || stamp === this.failedStamp) return;
    try {
      this.directory = new UserDirectory([...this.fixed, ...(await loadUsersFile(file))]);
      this.stamp = stamp;
      this.failedStamp = '';
      this.lastFailure = '';
    } catch (error) {
      this.failedStamp = stamp;
      this.failed(error);
    }
  }

  private failed(error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    if (reason === this.lastFailure) return;
    this.lastFailure = reason;
    this.onReloadFailed(reason);
  }
}

async function fileStamp(file: string): Promise<string> {
  const s = await stat(file, { bigint: true });
  return `${s.ino}:${s.size}:${s.mtimeNs}`;
}
