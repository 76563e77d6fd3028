import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM key and certificate files of one server identity, and the certificate's SHA-256. */
export interface ServerIdentity {
  key: string;
  cert: string;
  certFile: string;
  fingerprint256: string;
}

export interface TestPki {
  dir: string;
  /** The private CA's certificate file (what a user would give as `tls.caFile`). */
  caFile: string;
  /** Signed by the CA for 127.0.0.1 and localhost, valid now. */
  good: ServerIdentity;
  /** Signed by the CA, expired yesterday. */
  expired: ServerIdentity;
  /** Signed by the CA, valid from tomorrow. */
  notYetValid: ServerIdentity;
  /** Signed by the CA for wrong.example.test only. */
  wrongHost: ServerIdentity;
  /** Signed by itself, for 127.0.0.1. */
  selfSigned: ServerIdentity;
  dispose(): void;
}

function openssl(cwd: string, args: string[]): void {
  // Its own environment: no OPENSSL_CONF from the machine changes what is made.
  execFileSync('openssl', args, {
    cwd,
    stdio: 'pipe',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
}

function fingerprint(cwd: string, certFile: string): string {
  const out = execFileSync(
    'openssl',
    ['x509', '-in', certFile, '-noout', '-fingerprint', '-sha256'],
    {
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    },
  ).toString();
  return (out.split('=')[1] ?? '').trim().toUpperCase();
}

/** `YYYYMMDDHHMMSSZ` for openssl's -not_before / -not_after. */
function stamp(ms: number): string {
  return `${new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

/**
 * A private PKI made by `openssl` for one test file: a CA, and server certificates that are good,
 * expired, not yet valid, for another host, and self-signed. Real certificates, real verification.
 */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-pki-'));
  const day = 86_400_000;
  const now = Date.now();
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '30',
    '-subj',
    '/CN=Lookout Test Corp Root CA/O=Lookout Tests',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);

  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = test_ca',
      '[test_ca]',
      'database = index.txt',
      'new_certs_dir = .',
      'serial = serial',
      'default_md = sha256',
      'policy = any',
      'unique_subject = no',
      '[any]',
      'commonName = supplied',
      'organizationName = optional',
      '',
    ].join('\n'),
  );
  const signed = (
    name: string,
    cn: string,
    san: string,
    from: number,
    to: number,
  ): ServerIdentity => {
    writeFileSync(
      join(dir, `${name}.ext`),
      `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
    );
    openssl(dir, [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${cn}/O=Lookout Tests`,
    ]);
    // `openssl ca`, not `x509 -req`: OpenSSL 3.0 (Debian 12) sets arbitrary dates only there.
    openssl(dir, [
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-cert',
      'ca.pem',
      '-keyfile',
      'ca.key',
      '-in',
      `${name}.csr`,
      '-out',
      `${name}.pem`,
      '-extfile',
      `${name}.ext`,
      '-notext',
      '-startdate',
      stamp(from),
      '-enddate',
      stamp(to),
    ]);
    return identity(name);
  };
  const identity = (name: string): ServerIdentity => ({
    key: readFileSync(join(dir, `${name}.key`), 'utf8'),
    cert: readFileSync(join(dir, `${name}.pem`), 'utf8'),
    certFile: join(dir, `${name}.pem`),
    fingerprint256: fingerprint(dir, `${name}.pem`),
  });

  const here = 'IP:127.0.0.1,DNS:localhost';
  const good = signed('good', 'localhost', here, now - day, now + 20 * day);
  const expired = signed('expired', 'localhost', here, now - 10 * day, now - day);
  const notYetValid = signed('future', 'localhost', here, now + day, now + 10 * day);
  const wrongHost = signed(
    'wrong',
    'wrong.example.test',
    'DNS:wrong.example.test',
    now - day,
    now + 20 * day,
  );
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    'self.key',
    '-out',
    'self.pem',
    '-days',
    '10',
    '-subj',
    '/CN=self-signed.lookout.test',
    '-addext',
    `subjectAltName=${here}`,
  ]);
  const selfSigned = identity('self');
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    good,
    expired,
    notYetValid,
    wrongHost,
    selfSigned,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
