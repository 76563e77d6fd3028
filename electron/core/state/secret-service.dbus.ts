import {
  createCipheriv,
  createDecipheriv,
  getDiffieHellman,
  hkdfSync,
  randomBytes,
  type DiffieHellmanGroup,
} from 'node:crypto';
import { Message, MessageFlag, sessionBus, Variant, type MessageBus } from '@jellybrick/dbus-next';

/**
 * A small client of the freedesktop Secret Service (`org.freedesktop.secrets` on the session
 * D-Bus: GNOME Keyring, KWallet 5.97+, KeePassXC), the store libsecret writes to. Only what a
 * credential store needs: the default collection, search by attributes, read, write, delete.
 *
 * Secrets cross the bus encrypted (`dh-ietf1024-sha256-aes128-cbc-pkcs7`, as libsecret does), so
 * `dbus-monitor` on the session bus never sees one. Errors carry the service's D-Bus error name
 * and message, never a secret: no secret is ever part of an error or a log line made here.
 */

const SERVICE = 'org.freedesktop.secrets';
const SERVICE_PATH = '/org/freedesktop/secrets';
const SERVICE_IFACE = 'org.freedesktop.Secret.Service';
const COLLECTION_IFACE = 'org.freedesktop.Secret.Collection';
const ITEM_IFACE = 'org.freedesktop.Secret.Item';
const PROPERTIES_IFACE = 'org.freedesktop.DBus.Properties';
/** The spec's "no object" path (no prompt needed, no such alias). */
const NO_OBJECT = '/';
const ALGORITHM = 'dh-ietf1024-sha256-aes128-cbc-pkcs7';

/** Why the Secret Service cannot be used; `kind` decides the words the user sees. */
export class SecretServiceUnavailable extends Error {
  constructor(
    readonly kind: 'no-bus' | 'no-service' | 'no-collection' | 'locked' | 'timeout' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'SecretServiceUnavailable';
  }
}

export interface SecretServiceClientOptions {
  /** The session bus address (`DBUS_SESSION_BUS_ADDRESS`); absent → `no-bus`. */
  busAddress: string | undefined;
  /** A hung service must not hang the host: each call gives up after this long. */
  timeoutMs?: number;
}

/** An open, unlocked default collection with an encrypted transfer session. */
export class SecretServiceClient {
  private constructor(
    private readonly bus: MessageBus,
    private readonly session: string,
    private readonly aesKey: Buffer,
    readonly collection: string,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Connects, negotiates the encrypted session and finds the default collection, unlocked. Throws
   * `SecretServiceUnavailable` saying why when any step fails (no bus, nobody owns the name, no
   * default collection, a collection that is locked and would need the user at a prompt).
   */
  static async open(options: SecretServiceClientOptions): Promise<SecretServiceClient> {
    const timeoutMs = options.timeoutMs ?? 5_000;
    if (!options.busAddress)
      throw new SecretServiceUnavailable(
        'no-bus',
        'no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)',
      );
    const bus = sessionBus({ busAddress: options.busAddress });
    try {
      await bounded(connected(bus), timeoutMs, 'the session bus did not answer');
      // An idle keyring connection must not keep the process alive.
      (
        bus as unknown as { _connection?: { stream?: { unref?: () => void } } }
      )._connection?.stream?.unref?.();
      const dh = getDiffieHellman('modp2'); // the spec's "Second Oakley Group" (RFC 2409)
      dh.generateKeys();
      const [output, session] = (await call(bus, timeoutMs, {
        path: SERVICE_PATH,
        interface: SERVICE_IFACE,
        member: 'OpenSession',
        signature: 'sv',
        body: [ALGORITHM, new Variant('ay', dh.getPublicKey())],
      })) as [Variant, string];
      const aesKey = deriveKey(dh, output.value as Buffer);
      const collection = (
        await call(bus, timeoutMs, {
          path: SERVICE_PATH,
          interface: SERVICE_IFACE,
          member: 'ReadAlias',
          signature: 's',
          body: ['default'],
        })
      )[0] as string;
      if (collection === NO_OBJECT)
        throw new SecretServiceUnavailable(
          'no-collection',
          'the Secret Service has no default keyring',
        );
      const client = new SecretServiceClient(bus, session, aesKey, collection, timeoutMs);
      await client.ensureUnlocked();
      return client;
    } catch (error) {
      bus.disconnect();
      throw explain(error);
    }
  }

  /** Unlocked now, or `locked` (unlocking would need a prompt: the user at the desktop). */
  async ensureUnlocked(): Promise<void> {
    const [locked] = (await this.call({
      path: this.collection,
      interface: PROPERTIES_IFACE,
      member: 'Get',
      signature: 'ss',
      body: [COLLECTION_IFACE, 'Locked'],
    })) as [Variant];
    if (locked.value !== true) return;
    const [, prompt] = (await this.call({
      path: SERVICE_PATH,
      interface: SERVICE_IFACE,
      member: 'Unlock',
      signature: 'ao',
      body: [[this.collection]],
    })) as [string[], string];
    // A prompt would open a password dialog on the desktop; a host started from a terminal or a
    // service must not block on it. The user unlocks the keyring and starts Lookout again.
    if (prompt !== NO_OBJECT) {
      await this.call({
        path: prompt,
        interface: 'org.freedesktop.Secret.Prompt',
        member: 'Dismiss',
      }).catch(() => undefined);
      throw new SecretServiceUnavailable('locked', 'the default keyring is locked');
    }
  }

  /** The item paths whose attributes match all of `attributes`. */
  async search(attributes: Record<string, string>): Promise<string[]> {
    const [items] = (await this.call({
      path: this.collection,
      interface: COLLECTION_IFACE,
      member: 'SearchItems',
      signature: 'a{ss}',
      body: [attributes],
    })) as [string[]];
    return items;
  }

  /** The secret of an item, decrypted. */
  async read(item: string): Promise<string> {
    const [[, parameters, value]] = (await this.call({
      path: item,
      interface: ITEM_IFACE,
      member: 'GetSecret',
      signature: 'o',
      body: [this.session],
    })) as [[string, Buffer, Buffer, string]];
    const decipher = createDecipheriv('aes-128-cbc', this.aesKey, parameters);
    return Buffer.concat([decipher.update(value), decipher.final()]).toString('utf8');
  }

  /** Stores `secret` under `attributes`, replacing an item with the same attributes. */
  async write(label: string, attributes: Record<string, string>, secret: string): Promise<void> {
    const iv = randomBytes(16);
    const cipher = createCipheriv('aes-128-cbc', this.aesKey, iv);
    const value = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    const [, prompt] = (await this.call({
      path: this.collection,
      interface: COLLECTION_IFACE,
      member: 'CreateItem',
      signature: 'a{sv}(oayays)b',
      body: [
        {
          'org.freedesktop.Secret.Item.Label': new Variant('s', label),
          'org.freedesktop.Secret.Item.Attributes': new Variant('a{ss}', attributes),
        },
        [this.session, iv, value, 'text/plain; charset=utf8'],
        true,
      ],
    })) as [string, string];
    if (prompt !== NO_OBJECT)
      throw new SecretServiceUnavailable(
        'locked',
        'the keyring asked for a prompt to store the secret',
      );
  }

  /** Deletes an item (no prompt expected in an unlocked collection). */
  async remove(item: string): Promise<void> {
    await this.call({ path: item, interface: ITEM_IFACE, member: 'Delete' });
  }

  close(): void {
    this.bus.disconnect();
  }

  private async call(message: CallSpec): Promise<unknown[]> {
    try {
      return await call(this.bus, this.timeoutMs, message);
    } catch (error) {
      throw explain(error);
    }
  }
}

type CallSpec = Pick<Message, 'path' | 'interface' | 'member'> & {
  signature?: string;
  body?: unknown[];
};

async function call(bus: MessageBus, timeoutMs: number, spec: CallSpec): Promise<unknown[]> {
  const reply = await bounded(
    // No activation: Lookout uses a keyring the desktop runs; starting one itself would leave a
    // daemon behind with a keyring nobody unlocked.
    bus.call(new Message({ destination: SERVICE, flags: MessageFlag.NO_AUTO_START, ...spec })),
    timeoutMs,
    `the Secret Service did not answer ${spec.member} within ${timeoutMs / 1000} s`,
  );
  return reply?.body ?? [];
}

/** The spec's key: HKDF-SHA256 (no salt, no info) of the DH shared secret, 128 bits for AES. */
function deriveKey(dh: DiffieHellmanGroup, servicePublicKey: Buffer): Buffer {
  const shared = dh.computeSecret(servicePublicKey);
  return Buffer.from(hkdfSync('sha256', shared, Buffer.alloc(0), Buffer.alloc(0), 16));
}

function connected(bus: MessageBus): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    // Connection errors arrive as events (a call made meanwhile would wait forever).
    (bus as unknown as NodeJS.EventEmitter).once('error', (error: Error) =>
      reject(
        new SecretServiceUnavailable('no-bus', `the session bus is unreachable (${error.message})`),
      ),
    );
    bus.once('connect', () => resolve());
  });
}

function bounded<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new SecretServiceUnavailable('timeout', what)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** A D-Bus error as a `SecretServiceUnavailable` in words (its name and the service's message). */
function explain(error: unknown): SecretServiceUnavailable {
  if (error instanceof SecretServiceUnavailable) return error;
  const type = (error as { type?: unknown }).type;
  const message = error instanceof Error ? error.message : String(error);
  if (
    type === 'org.freedesktop.DBus.Error.ServiceUnknown' ||
    type === 'org.freedesktop.DBus.Error.NameHasNoOwner'
  )
    return new SecretServiceUnavailable(
      'no-service',
      'no Secret Service is running (org.freedesktop.secrets has no owner)',
    );
  if (type === 'org.freedesktop.Secret.Error.IsLocked')
    return new SecretServiceUnavailable('locked', 'the default keyring is locked');
  return new SecretServiceUnavailable(
    'failed',
    `${typeof type === 'string' ? `${type}: ` : ''}${message}`,
  );
}
