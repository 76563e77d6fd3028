import { useState, type FormEvent, type ReactNode } from 'react';
import type { ConnectionCheckReport } from '../../../shared/model/diagnostics';
import {
  DIALECT_LABELS,
  DIALECT_OPTIONS,
  REDIS_PROBE_HINTS,
  applyFormChange,
  endpointFromForm,
  validateForm,
  type EndpointForm,
} from '../selectors/endpoint-form';
import { useApp, useAppStore } from '../ui/store-context';

function Field({
  label,
  hint,
  errors,
  children,
}: {
  label: string;
  hint?: string;
  errors?: string[];
  children: ReactNode;
}) {
  return (
    <label className={`field${errors?.length ? ' field--invalid' : ''}`}>
      <span className="field__label">{label}</span>
      {children}
      {hint ? <span className="field__hint">{hint}</span> : null}
      {errors?.length ? (
        <span className="field__error" role="alert">
          {errors.join('; ')}
        </span>
      ) : null}
    </label>
  );
}

/** A write-only secret input: the value goes to main once and is never read back. */
function SecretField(props: {
  label: string;
  hint: string;
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <Field label={props.label} hint={props.hint}>
      <input
        type="password"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        autoComplete="new-password"
      />
    </Field>
  );
}

/** Add / edit form of one endpoint, validated with the shared schema before main sees it. */
export function EndpointEditor({
  initial,
  isNew,
  onDone,
}: {
  initial: EndpointForm;
  isNew: boolean;
  onDone: () => void;
}) {
  const store = useAppStore();
  const [form, setForm] = useState(initial);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState<'save' | 'test' | null>(null);
  const [serverErrors, setServerErrors] = useState<string[]>([]);
  const [report, setReport] = useState<ConnectionCheckReport | null>(null);
  const errors = touched ? validateForm(form) : {};
  // The id follows the name, and the login URL the WebSocket URL, until the user types their own.
  const [auto, setAuto] = useState({ id: isNew && !initial.id, loginUrl: !initial.loginUrl });
  const set = (change: Partial<EndpointForm>) => setForm((f) => applyFormChange(f, change, auto));
  const host = useApp((s) => s.host);
  // Where this host really keeps it (keyring, encrypted file, or memory only): its own words.
  const secretHint = isNew
    ? (host?.secretsNote ?? 'Kept by Lookout, never in its config files.')
    : 'Leave empty to keep the stored one.';
  const needsUser = form.authMethod === 'password-jwt' || form.authMethod === 'django-session';

  const valid = () => {
    setTouched(true);
    return Object.keys(validateForm(form)).length === 0;
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!valid()) return;
    setServerErrors([]);
    setBusy('save');
    try {
      const r = await store
        .getState()
        .saveEndpoint(
          endpointFromForm(form),
          form.secret || undefined,
          form.redisSecret || undefined,
          form.proxySecret || undefined,
        );
      if (r.ok) onDone();
      else setServerErrors(r.errors);
    } catch (err) {
      setServerErrors([err instanceof Error ? err.message : String(err)]);
    } finally {
      setBusy(null);
    }
  };
  const test = async () => {
    if (!valid()) return;
    setServerErrors([]);
    setBusy('test');
    setReport(null);
    try {
      setReport(
        await store
          .getState()
          .testEndpoint(
            endpointFromForm(form),
            form.secret || undefined,
            form.redisSecret || undefined,
            form.proxySecret || undefined,
          ),
      );
    } catch (err) {
      setServerErrors([err instanceof Error ? err.message : String(err)]);
    } finally {
      setBusy(null);
    }
  };

  return (
    <form className="form" onSubmit={save} noValidate>
      <div className="form__grid">
        <Field label="Name" errors={errors.name}>
          <input
            value={form.name}
            onChange={(e) => set({ name: e.target.value })}
            placeholder="Production dashboard"
            autoFocus
          />
        </Field>
        <Field label="Id" hint="Used in links and config files." errors={errors.id}>
          <input
            value={form.id}
            onChange={(e) => {
              setAuto((a) => ({ ...a, id: false }));
              set({ id: e.target.value });
            }}
            placeholder="prod-dashboard"
            disabled={!isNew}
          />
        </Field>
        <Field label="Protocol" errors={errors.dialect}>
          <select
            value={form.dialect}
            onChange={(e) => set({ dialect: e.target.value as EndpointForm['dialect'] })}
          >
            {DIALECT_OPTIONS.map((d) => (
              <option key={d} value={d}>
                {DIALECT_LABELS[d]}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="WebSocket URL"
          hint="One per line; extra lines are failover instances."
          errors={errors.urls}
        >
          <textarea
            rows={2}
            value={form.urls}
            onChange={(e) => set({ urls: e.target.value })}
            placeholder="wss://admin.example.com/ws"
          />
        </Field>
        <Field label="Sign-in method" errors={errors.authMethod}>
          <select
            value={form.authMethod}
            onChange={(e) => set({ authMethod: e.target.value as EndpointForm['authMethod'] })}
          >
            <option value="none">None</option>
            <option value="token">API token</option>
            <option value="password-jwt">User + password (JWT)</option>
            <option value="django-session">Django admin login</option>
          </select>
        </Field>
        {form.authMethod === 'token' ? (
          <Field label="Send token as">
            <select
              value={form.tokenSend}
              onChange={(e) => set({ tokenSend: e.target.value as EndpointForm['tokenSend'] })}
            >
              <option value="header">Authorization header</option>
              <option value="query">Query parameter</option>
              <option value="cookie">Cookie</option>
            </select>
          </Field>
        ) : null}
        {needsUser ? (
          <>
            <Field label="User name" errors={errors.username}>
              <input
                value={form.username}
                onChange={(e) => set({ username: e.target.value })}
                autoComplete="username"
              />
            </Field>
            <Field label="Login URL" errors={errors.loginUrl}>
              <input
                value={form.loginUrl}
                onChange={(e) => {
                  setAuto((a) => ({ ...a, loginUrl: false }));
                  set({ loginUrl: e.target.value });
                }}
                placeholder="https://admin.example.com/auth/login"
              />
            </Field>
          </>
        ) : null}
        {form.authMethod !== 'none' ? (
          <SecretField
            label={form.authMethod === 'token' ? 'Token' : 'Password'}
            hint={secretHint}
            value={form.secret}
            onChange={(secret) => set({ secret })}
          />
        ) : null}
        {REDIS_PROBE_HINTS[form.dialect] ? (
          <>
            <Field
              label="Redis probe (optional)"
              hint={`The backend's own Redis, e.g. redis://redis.internal:6379/0. ${REDIS_PROBE_HINTS[form.dialect] ?? ''}`}
              errors={errors.redisUrl}
            >
              <input
                value={form.redisUrl}
                onChange={(e) => set({ redisUrl: e.target.value })}
                placeholder="redis://redis.internal:6379/0"
              />
            </Field>
            {form.redisUrl.trim() ? (
              <SecretField
                label="Redis password"
                hint={
                  form.rest.redisProbe?.credentialRef
                    ? 'Leave empty to keep the stored one.'
                    : 'Only if its Redis needs one; kept in the credential store.'
                }
                value={form.redisSecret}
                onChange={(redisSecret) => set({ redisSecret })}
              />
            ) : null}
          </>
        ) : null}
        <Field
          label="Subscriptions"
          hint="Channels, subscription types or task ids; one per line."
          errors={errors.subscriptions}
        >
          <textarea
            rows={2}
            value={form.subscriptions}
            onChange={(e) => set({ subscriptions: e.target.value })}
            placeholder="dashboard"
          />
        </Field>
        <Field
          label="Proxy"
          hint={
            host?.kind === 'electron'
              ? 'System: the proxy your operating system (or its PAC file) names for this server.'
              : 'System: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY / NO_PROXY of the environment Lookout started in.'
          }
          errors={errors.proxyUrl}
        >
          <select
            value={form.proxyMode}
            onChange={(e) => set({ proxyMode: e.target.value as EndpointForm['proxyMode'] })}
          >
            <option value="system">System settings</option>
            <option value="direct">No proxy (direct)</option>
            <option value="url">This proxy…</option>
          </select>
        </Field>
        {form.proxyMode === 'url' ? (
          <Field
            label="Proxy URL"
            hint="An HTTP proxy; no user or password in it."
            errors={errors.proxyUrl}
          >
            <input
              value={form.proxyUrl}
              onChange={(e) => set({ proxyUrl: e.target.value })}
              placeholder="http://proxy.example.com:3128"
            />
          </Field>
        ) : null}
        {form.proxyMode !== 'direct' ? (
          <Field
            label="Proxy user (optional)"
            hint="Only for a proxy that asks for a password (407)."
            errors={errors.proxyUser}
          >
            <input
              value={form.proxyUser}
              onChange={(e) => set({ proxyUser: e.target.value })}
              autoComplete="off"
            />
          </Field>
        ) : null}
        {form.proxyMode !== 'direct' && form.proxyUser.trim() ? (
          <SecretField
            label="Proxy password"
            hint={
              form.rest.proxyAuth?.credentialRef
                ? 'Leave empty to keep the stored one.'
                : 'Kept in the credential store, never in endpoints.json.'
            }
            value={form.proxySecret}
            onChange={(proxySecret) => set({ proxySecret })}
          />
        ) : null}
        <Field
          label="CA file (optional)"
          hint="A PEM file of your organisation's certificate authority, trusted for this endpoint besides the system's."
          errors={errors.caFile}
        >
          <input
            value={form.caFile}
            onChange={(e) => set({ caFile: e.target.value })}
            placeholder="/etc/pki/corp/root-ca.pem"
          />
        </Field>
        <Field
          label="Pinned certificate SHA-256 (discouraged)"
          hint="Trusts exactly one self-signed certificate. It breaks at the next renewal; check the fingerprint with the server's administrator first. Prefer a CA file."
          errors={errors.pinnedSha256}
        >
          <input
            className={form.pinnedSha256.trim() ? 'input--discouraged' : undefined}
            value={form.pinnedSha256}
            onChange={(e) => set({ pinnedSha256: e.target.value })}
            placeholder="AB:CD:…"
            spellCheck={false}
          />
        </Field>
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={form.enabled}
          onChange={(e) => set({ enabled: e.target.checked })}
        />{' '}
        Connect to this endpoint
      </label>
      {errors.form?.length || serverErrors.length ? (
        <ul className="field__errors" role="alert">
          {[...new Set([...(errors.form ?? []), ...serverErrors])].map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}
      {report ? (
        <div className={`callout callout--${report.ok ? 'ok' : 'bad'}`} role="status">
          <strong>{report.summary}</strong>
          <ul className="small">
            {report.steps.map((s) => (
              <li key={s.id}>
                {s.status === 'ok' ? '✓' : s.status === 'failed' ? '✕' : '–'} {s.id}: {s.detail}
                {s.advice ? ` — ${s.advice}` : ''}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="form__actions">
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
        <button type="button" className="btn" disabled={busy !== null} onClick={() => void test()}>
          {busy === 'test' ? 'Testing…' : 'Test connection'}
        </button>
        <button type="submit" className="btn btn--primary" disabled={busy !== null}>
          {busy === 'save' ? 'Saving…' : isNew ? 'Add endpoint' : 'Save changes'}
        </button>
      </div>
    </form>
  );
}
