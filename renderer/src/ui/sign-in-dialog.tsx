import { useState, type FormEvent } from 'react';
import { Dialog } from './common';
import { useApp, useAppStore } from './store-context';

/** Password / token prompt for an endpoint that needs sign-in. The secret goes to main only. */
export function SignInDialog() {
  const store = useAppStore();
  const endpointId = useApp((s) => s.signInFor);
  const endpoint = useApp((s) => s.endpoints.find((e) => e.id === s.signInFor) ?? null);
  const health = useApp((s) => (s.signInFor ? (s.health[s.signInFor] ?? null) : null));
  // What the server last said, when it is about signing in (not a stale, recovered failure).
  const lastAnswer =
    health && (health.auth.status === 'refused' || health.auth.status === 'not-signed-in')
      ? health.auth.detail
      : health?.state === 'auth-required'
        ? (health.lastOutcome?.meaning ?? null)
        : null;
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
    if (!endpointId || !secret || busy) return;
    setBusy(true);
    setErrors([]);
    // Main signs in for real before answering: the dialog closes only when the server accepted.
    const result = await store.getState().signIn(endpointId, secret);
    setBusy(false);
    if (result.ok) {
      setSecret('');
      setErrors([]);
      store.getState().announce(`Signed in to ${endpoint?.name ?? endpointId}; connecting.`);
    } else {
      setErrors(result.errors);
      setSecret('');
    }
  };

  const isToken = endpoint?.authMethod === 'token';
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
        {lastAnswer && errors.length === 0 ? (
          <p className="callout callout--bad">Last answer: {lastAnswer}</p>
        ) : null}
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
          <button
            type="submit"
            className="btn btn--primary"
            disabled={busy || !secret}
            aria-busy={busy}
          >
            {busy ? (isToken ? 'Checking the token…' : 'Signing in…') : 'Sign in'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
