import { endpointName } from '../selectors/connection-health';
import { inboxCards } from '../selectors/live-selectors';
import { Panel, RelativeTime } from '../ui/common';
import { ServerText } from '../ui/server-text';
import { useApp } from '../ui/store-context';

/**
 * The chat dashboard's own view (sakura): one card per inbox with its unread count, and the
 * website's status as a card of its own, per endpoint that reports either.
 */
export function InboxPanels() {
  const live = useApp((s) => s.live);
  const endpoints = useApp((s) => s.endpoints);
  const reporting = Object.entries(live).filter(([, l]) => l.unreadCounts || l.siteStatus);
  return (
    <>
      {reporting.map(([id, l]) => {
        const name = endpointName(endpoints, id);
        const cards = inboxCards(l.unreadCounts);
        return (
          <Panel key={id} title={`Inboxes · ${name}`} id={`inboxes-${id}`}>
            <div className="cards" role="list" aria-label={`Unread and website status of ${name}`}>
              {l.siteStatus ? (
                <div
                  role="listitem"
                  className={`card card--${l.siteStatus.severity === 'info' ? 'ok' : 'warn'}`}
                >
                  <div className="card__label">Website status</div>
                  <div className="card__value">
                    <ServerText text={l.siteStatus.status} max={40} />
                  </div>
                  <div className="card__hint">
                    <ServerText text={l.siteStatus.detail} max={160} /> ·{' '}
                    <RelativeTime at={l.siteStatus.at} />
                  </div>
                </div>
              ) : null}
              {cards.map((c) => (
                <div
                  key={c.key}
                  role="listitem"
                  className={`card card--${c.count > 0 ? 'warn' : 'ok'}`}
                >
                  <div className="card__label">
                    <ServerText text={c.label} max={60} />
                  </div>
                  <div className="card__value">{c.count.toLocaleString('en-US')}</div>
                  <div className="card__hint">unread</div>
                </div>
              ))}
              {cards.length === 0 ? (
                <div role="listitem" className="card">
                  <div className="card__label">Unread</div>
                  <div className="card__value">—</div>
                  <div className="card__hint">No unread counts reported yet.</div>
                </div>
              ) : null}
            </div>
          </Panel>
        );
      })}
    </>
  );
}
