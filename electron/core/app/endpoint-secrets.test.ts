import { describe, expect, it } from 'vitest';
import { endpointSchema } from '../../../shared/config/endpoint';
import { Redactor } from '../kernel/redact';
import { endpointSecrets, redactedEndpoint, withSecretsRestored } from './endpoint-secrets';

const stored = endpointSchema.parse({
  id: 'prod',
  name: 'Prod',
  dialect: 'task-status',
  url: [
    'wss://ops:Opaque-Url-Pass-91@rt1.example.com/ws?apikey=Opaque-Key-42&room=1',
    'wss://rt2.example.com/ws',
  ],
  headers: { 'X-Auth': 'Opaque-Header-77', Origin: 'https://app.example.com' },
  params: { userId: '42', token: 'Opaque-Param-13' },
});

describe('secrets in an endpoint config', () => {
  it('finds the URL password, secret query parameters, headers and params', () => {
    expect(endpointSecrets(stored).sort()).toEqual(
      [
        'Opaque-Header-77',
        'Opaque-Key-42',
        'Opaque-Param-13',
        'Opaque-Url-Pass-91',
        'Opaque-Url-Pass-91',
      ].sort(),
    );
  });

  it('shows the edit form none of them, and saving the form back keeps them', () => {
    const redactor = new Redactor();
    for (const s of endpointSecrets(stored)) redactor.addSecret(s);
    const shown = redactedEndpoint(stored, redactor);
    const text = JSON.stringify(shown);
    for (const s of endpointSecrets(stored)) expect(text).not.toContain(s);
    expect(text).toContain('rt1.example.com');
    expect(text).toContain('https://app.example.com');
    // The form changes only the name: every secret comes back as stored.
    const saved = withSecretsRestored({ ...shown, name: 'Production' }, stored, redactor);
    expect(saved).toEqual({ ...stored, name: 'Production' });
    // A secret the user typed anew replaces the stored one.
    const typed = withSecretsRestored(
      { ...shown, headers: { ...shown.headers, 'X-Auth': 'New-Header-Value' } },
      stored,
      redactor,
    );
    expect(typed.headers['X-Auth']).toBe('New-Header-Value');
  });
});
