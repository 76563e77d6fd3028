import { randomBytes } from 'node:crypto';
import { chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../core/kernel/atomic-write';

/**
 * The browser host's address kept between starts, so yesterday's tab and bookmark still work: the
 * port and the secret in `browser-host.json` in the data folder, readable by this user only (0600),
 * as notebook servers keep theirs. `--new-secret` makes a new one (every open tab is then refused).
 */
export const ADDRESS_FILE = 'browser-host.json';

const addressSchema = z.object({
  version: z.literal(1),
  port: z.number().int().min(1).max(65_535),
  secret: z.string().regex(/^[0-9a-f]{48}$/),
});

/** A stored address, or a fresh secret with no port yet. `note` says what happened, when notable. */
export interface HostAddress {
  port: number | null;
  secret: string;
  note: string | null;
}

/** A new secret: 24 random bytes, hex. */
export function newSecret(): string {
  return randomBytes(24).toString('hex');
}

/** The address to use: the stored one, unless it is missing, unreadable, or a new secret is asked for. */
export async function loadHostAddress(
  dataDir: string,
  options: { newSecret?: boolean } = {},
): Promise<HostAddress> {
  const path = join(dataDir, ADDRESS_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { port: null, secret: newSecret(), note: null };
  }
  let parsed: z.infer<typeof addressSchema> | null = null;
  try {
    const result = addressSchema.safeParse(JSON.parse(text));
    if (result.success) parsed = result.data;
  } catch {
    parsed = null;
  }
  if (!parsed)
    return {
      port: null,
      secret: newSecret(),
      note: `${path} could not be read, so this start has a new address and secret (open the address printed below).`,
    };
  // A file others can read would let them in: take a new secret and keep the file private.
  const loose = process.platform !== 'win32' && ((await stat(path)).mode & 0o077) !== 0;
  if (options.newSecret || loose)
    return {
      port: parsed.port,
      secret: newSecret(),
      note: options.newSecret
        ? 'A new secret was made (--new-secret): tabs opened with the old address must be opened again.'
        : `${path} was readable by other users, so its secret was replaced (the file is private again).`,
    };
  return { port: parsed.port, secret: parsed.secret, note: null };
}

/** Keep the address for the next start (0600; the secret is this user's key to the running app). */
export async function saveHostAddress(
  dataDir: string,
  address: { port: number; secret: string },
): Promise<void> {
  const path = join(dataDir, ADDRESS_FILE);
  const body: z.infer<typeof addressSchema> = { version: 1, ...address };
  await writeFileAtomic(path, `${JSON.stringify(body, null, 2)}\n`, 0o600);
  if (process.platform !== 'win32') await chmod(path, 0o600);
}
