import type { BusinessItem } from '../../../shared/model/app-state';
import { endpointName } from '../selectors/connection-health';
import { isFresh, keyFields } from '../selectors/live-selectors';
import { Badge, EmptyState, Panel, RelativeTime } from '../ui/common';
import { useApp, useAppStore } from '../ui/store-context';
import { useNow } from '../ui/ticker';
import { ITEM_LIMITS } from '../../../shared/model/item-bounds';
import { labelText } from '../../../shared/util/display-text';
import { ServerText } from '../ui/server-text';

/** A business matches a route param by key (`demo:17`) or by its backend id (`17`). */
export function findBusiness(
  items: readonly BusinessItem[],
  param: string | null,
): BusinessItem | null {
  if (!param) return null;
  return items.find((b) => b.key === param) ?? items.find((b) => b.businessId === param) ?? null;
}

/** Live businesses, newest change first; new ones glow for a few seconds. */
export function BusinessesPanel({ limit, selected }: { limit?: number; selected?: string | null }) {
  const store = useAppStore();
  const businesses = useApp((s) => s.businesses);
  const endpoints = useApp((s) => s.endpoints);
  const now = useNow();
  const shown = limit ? businesses.slice(0, limit) : businesses;
  return (
    <Panel
      title={
        <>
          Businesses <span className="count">{businesses.length}</span>
        </>
      }
      actions={
        limit ? (
          <a className="link-btn" href="#/businesses">
            All businesses →
          </a>
        ) : null
      }
    >
      {shown.length === 0 ? (
        <EmptyState title="No businesses yet" icon="▦">
          New and updated businesses appear here the moment a backend reports them.
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Business</th>
              <th scope="col">Details</th>
              <th scope="col">Source</th>
              <th scope="col" className="num">
                Changed
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((b) => (
              <tr
                key={b.key}
                className={`${isFresh(b.updatedAt, now) ? 'is-fresh' : ''}${selected === b.key ? ' is-selected' : ''}`}
              >
                <td>
                  <button
                    type="button"
                    className="row-link"
                    onClick={() => store.getState().navigate(`businesses/${b.key}`)}
                  >
                    <ServerText text={b.name} max={80} />
                  </button>
                  <div className="sub">
                    <Badge tone={b.lastKind === 'business.created' ? 'ok' : 'info'}>
                      {b.lastKind === 'business.created' ? 'new' : 'updated'}
                    </Badge>{' '}
                    #<ServerText text={b.businessId} max={40} />
                  </div>
                </td>
                <td>
                  <div className="chips">
                    {keyFields(b.data, 3).map(([k, v]) => (
                      <span key={k} className="chip" title={labelText(k)}>
                        <ServerText text={v} max={60} />
                      </span>
                    ))}
                  </div>
                </td>
                <td className="muted">{endpointName(endpoints, b.endpoint)}</td>
                <td className="num muted">
                  <RelativeTime at={b.updatedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

/** Latest reservations as they arrive. */
export function ReservationsPanel({ limit }: { limit?: number }) {
  const reservations = useApp((s) => s.reservations);
  const now = useNow();
  const shown = limit ? reservations.slice(0, limit) : reservations;
  return (
    <Panel
      title={
        <>
          Reservations <span className="count">{reservations.length}</span>
        </>
      }
    >
      {shown.length === 0 ? (
        <EmptyState title="No reservations yet" icon="▤">
          Reservations show up here as guests book.
        </EmptyState>
      ) : (
        <ul className="list">
          {shown.map((r) => (
            <li key={r.id} className={`list__row${isFresh(r.at, now) ? ' is-fresh' : ''}`}>
              <div>
                <div className="list__title">
                  <ServerText text={r.title} max={160} />
                </div>
                <div className="sub">
                  <ServerText text={r.businessName} max={80} />
                </div>
              </div>
              <span className="muted">
                <RelativeTime at={r.at} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

function BusinessDetail({ business }: { business: BusinessItem }) {
  const store = useAppStore();
  const endpoints = useApp((s) => s.endpoints);
  return (
    <Panel
      title={<ServerText text={business.name} max={80} />}
      actions={
        <button
          type="button"
          className="btn btn--small"
          onClick={() => store.getState().navigate('businesses')}
        >
          Close
        </button>
      }
    >
      {business.dataTruncated ? (
        <p className="callout callout--warn">
          The backend sent more about this business than Lookout keeps (
          {ITEM_LIMITS.dataBytes / 1024} KB): only its first fields are shown.
        </p>
      ) : null}
      <dl className="kv">
        <dt>Business id</dt>
        <dd>
          <ServerText text={business.businessId} max={ITEM_LIMITS.name} />
        </dd>
        <dt>Source</dt>
        <dd>{endpointName(endpoints, business.endpoint)}</dd>
        <dt>Last change</dt>
        <dd>
          {business.lastKind === 'business.created' ? 'Created' : 'Updated'}{' '}
          <RelativeTime at={business.updatedAt} />
        </dd>
        {Object.entries(business.data).map(([k, v]) => (
          <FragmentRow key={k} k={k} v={v} />
        ))}
      </dl>
    </Panel>
  );
}

function FragmentRow({ k, v }: { k: string; v: unknown }) {
  return (
    <>
      <dt>
        <ServerText text={k} max={ITEM_LIMITS.dataKey} />
      </dt>
      <dd>
        {typeof v === 'object' ? (
          <code>
            <ServerText text={JSON.stringify(v)} max={ITEM_LIMITS.dataBytes} />
          </code>
        ) : (
          <ServerText text={String(v)} max={ITEM_LIMITS.dataString} />
        )}
      </dd>
    </>
  );
}

export function BusinessesView() {
  const param = useApp((s) => s.route.param);
  const selected = useApp((s) => findBusiness(s.businesses, s.route.param));
  return (
    <div className="page">
      <h1 className="page__title">Businesses</h1>
      {param && !selected ? (
        <div className="callout callout--warn">
          Business “<ServerText text={param} max={80} />” is not in the recent list any more
          (Lookout keeps the latest 200).
        </div>
      ) : null}
      <div className={selected ? 'grid grid--detail' : 'grid grid--2-1'}>
        <BusinessesPanel selected={selected?.key ?? null} />
        {selected ? <BusinessDetail business={selected} /> : <ReservationsPanel />}
      </div>
    </div>
  );
}
