import { useState, type FormEvent } from 'react';
import { Dialog } from './common';
import { useApp, useAppStore } from './store-context';

/** Password / token prompt for an endpoint that needs sign-in. The secret goes to main only. */
export function SignInDialog() {
  const store = useAppStore();
  const endpointId = useApp((s) => s.signInFor);
  const endpoint = useApp((s) => s.endpoints.find((e) => e.id === s.signInFor) ?? null);
  const outcome = useApp((s) =>
    s.signInFor ? (s.connections[s.signInFor]?.lastOutcome ?? null) : null,
  );
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);

  const close = () => {
    setSecret('');
    setErrors([]);
    store.getState().openSignIn(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!endpointId || !secret) return;
    setBusy(true);
    const result = await store.getState().signIn(endpointId, secret);
    setBusy(false);
    if (result.ok) {
      setSecret('');
      setErrors([]);
      store.getState().announce(`Signed in to ${endpoint?.name ?? endpointId}; reconnecting.`);
    } else setErrors(result.errors);
  };

  const isToken = endpoint?.auth.startsWith('token') ?? false;
  return (
    <Dialog
      open={endpointId !== null}
      onClose={close}
      title={`Sign in to ${endpoint?.name ?? endpointId ?? ''}`}
    >
      <form onSubmit={submit} className="form">
        <p className="muted">
          {endpoint ? (
            <>
              Authenticates as <strong>{endpoint.auth}</strong>.{' '}
            </>
          ) : null}
          The {isToken ? 'token' : 'password'} goes straight to Lookout's main process, which keeps
          it in its credential store; this window never sees it again.
        </p>
        {outcome ? <p className="callout callout--bad">Last answer: {outcome.meaning}</p> : null}
        <label className="field">
          <span className="field__label">{isToken ? 'Token' : 'Password'}</span>
          <input
            type="password"
            autoComplete="current-password"
            autoFocus
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            aria-invalid={errors.length > 0}
            aria-describedby={errors.length ? 'sign-in-errors' : undefined}
            required
          />
        </label>
        {errors.length ? (
          <ul id="sign-in-errors" className="field__errors" role="alert">
            {errors.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        ) : null}
        <div className="form__actions">
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={busy || !secret}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
