import { describe, expect, it } from 'vitest';
import { normaliseFingerprint, problemOfVerifyError } from './certificate-facts';

describe('certificate verdicts', () => {
  it('maps OpenSSL’s and Node’s verify errors to the cases users are told about', () => {
    expect(problemOfVerifyError('DEPTH_ZERO_SELF_SIGNED_CERT')).toBe('TLS_SELF_SIGNED');
    expect(problemOfVerifyError('SELF_SIGNED_CERT_IN_CHAIN')).toBe('TLS_UNKNOWN_AUTHORITY');
    expect(problemOfVerifyError('UNABLE_TO_VERIFY_LEAF_SIGNATURE')).toBe('TLS_UNKNOWN_AUTHORITY');
    expect(problemOfVerifyError('CERT_HAS_EXPIRED')).toBe('TLS_EXPIRED');
    expect(problemOfVerifyError('CERT_NOT_YET_VALID')).toBe('TLS_NOT_YET_VALID');
    expect(problemOfVerifyError('ERR_TLS_CERT_ALTNAME_INVALID')).toBe('TLS_WRONG_HOST');
    expect(problemOfVerifyError('CERT_REVOKED')).toBe('TLS_UNTRUSTED');
  });

  it('reads fingerprints as people paste them', () => {
    const colons = `${'AB:'.repeat(31)}AB`;
    expect(normaliseFingerprint('ab'.repeat(32))).toBe(colons);
    expect(normaliseFingerprint(`sha256/${'AB'.repeat(32)}`)).toBe(colons);
    expect(normaliseFingerprint(` ${colons.toLowerCase()} `)).toBe(colons);
    expect(normaliseFingerprint('AB:CD')).toBeNull();
  });
});
