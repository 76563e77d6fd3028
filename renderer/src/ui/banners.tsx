import { STORED_FILE_WHAT } from '../../../shared/model/storage';
import { useId, useState } from 'react';
import { connectionBanners, type ConnectionBanner } from '../selectors/connection-health';
import { useNow } from './ticker';
import { useApp, useAppStore } from './store-context';
import { ServerText } from './server-text';

/** From this many endpoint banners on, they take one summary line until opened (two still fit). */
const GROUP_FROM = 3;

/** Plain-words banners for endpoints that need attention, with the one action that helps. */
export function ConnectionBanners() {
  const health = useApp((s) => s.health);
  const endpoints = useApp((s) => s.endpoints);
  const online = useApp((s) => s.online);
  const problems = useApp((s) => s.configProblems);
  const delivery = useApp((s) => s.notificationHealth);
  const storage = useApp((s) => s.storageProblems);
  const now = useNow();
  const banners = connectionBanners(health, endpoints, now);
  return (
    <div className="banners">
      {!online ? (
        <div className="banner banner--bad" role="status">
          <div className="banner__text">
            <strong>You are offline.</strong>{' '}
            <span>
              This computer reports no network; Lookout reconnects by itself when it is back.
            </span>
          </div>
        </div>
      ) : null}
      {delivery && !delivery.ok ? (
        <div className="banner banner--warn" role="status">
          <div className="banner__text">
            <strong>Desktop notifications are not reaching your desktop.</strong>{' '}
            <span>{delivery.error}</span> <span>Everything still arrives in the bell.</span>
          </div>
        </div>
      ) : null}
      {storage.map((p) => (
        <div key={p.file} className="banner banner--bad" role="alert">
          <div className="banner__text">
            <strong>Lookout cannot save {STORED_FILE_WHAT[p.file]}.</strong> <span>{p.error}</span>{' '}
            <span>
              {p.file === 'state'
                ? 'Lookout keeps trying; what arrives meanwhile is lost if it quits before saving works again.'
                : 'This warning goes away once a save works again.'}
            </span>
          </div>
        </div>
      ))}
      {problems.map((p) => (
        <div key={p} className="banner banner--warn" role="status">
          <div className="banner__text">
            <strong>Configuration problem.</strong> <span>{p}</span>
          </div>
        </div>
      ))}
      {banners.length >= GROUP_FROM ? (
        <BannerGroup banners={banners} />
      ) : (
        banners.map((b) => <EndpointBanner key={b.endpoint} banner={b} />)
      )}
    </div>
  );
}

/**
 * Several endpoints in trouble take one line until the user opens it (five banners took a quarter
 * of a small window): how many, the worst tone, their names; opened, each banner with its action.
 */
function BannerGroup({ banners }: { banners: readonly ConnectionBanner[] }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const tone = banners.some((b) => b.tone === 'bad') ? 'bad' : 'warn';
  const names = banners.map((b) => b.name).join(', ');
  return (
    <>
      <div
        className={`banner banner--${tone} banner--summary`}
        role={tone === 'bad' ? 'alert' : 'status'}
        data-testid="banner-summary"
      >
        <div className="banner__text banner__one-line" title={names}>
          <strong>{banners.length} endpoints need attention:</strong> <span>{names}</span>
        </div>
        <div className="banner__actions">
          <button
            type="button"
            className="btn btn--small"
            aria-expanded={open}
            aria-controls={id}
            onClick={() => setOpen(!open)}
          >
            {open ? 'Hide details' : `Show all ${banners.length}`}
          </button>
        </div>
      </div>
      <div id={id} hidden={!open}>
        {open ? banners.map((b) => <EndpointBanner key={b.endpoint} banner={b} />) : null}
      </div>
    </>
  );
}

/** One endpoint's banner: what is wrong, in words, and the one action that helps. */
function EndpointBanner({ banner: b }: { banner: ConnectionBanner }) {
  const store = useAppStore();
  return (
    <div
      className={`banner banner--${b.tone}`}
      role={b.tone === 'bad' ? 'alert' : 'status'}
      data-endpoint={b.endpoint}
    >
      <div className="banner__text">
        <strong>{b.title}.</strong> {b.detail ? <ServerText text={b.detail} max={300} /> : null}{' '}
        {b.codes ? <code className="banner__codes">{b.codes}</code> : null}
        {b.causes.length > 0 ? (
          <ol className="banner__causes" aria-label="Possible causes, most likely first">
            {b.causes.map((c) => (
              <li key={c.id}>
                <span className={`likelihood likelihood--${c.likelihood}`}>{c.likelihood}</span>{' '}
                {c.text} <span className="muted">({c.evidence})</span>
              </li>
            ))}
          </ol>
        ) : null}
      </div>
      <div className="banner__actions">
        {b.action === 'sign-in' ? (
          <button
            type="button"
            className="btn btn--primary btn--small"
            onClick={() => store.getState().openSignIn(b.endpoint)}
          >
            Sign in
          </button>
        ) : null}
        {b.action === 'edit' ? (
          <button
            type="button"
            className="btn btn--small"
            onClick={() => store.getState().navigate('settings')}
          >
            Open settings
          </button>
        ) : null}
        {b.action === 'reconnect' ? (
          <button
            type="button"
            className="btn btn--small"
            onClick={() => store.getState().reconnect(b.endpoint)}
          >
            Reconnect now
          </button>
        ) : null}
        <button
          type="button"
          className="link-btn"
          onClick={() => store.getState().navigate(`diagnostics/${b.endpoint}`)}
        >
          Details
        </button>
      </div>
    </div>
  );
}
