import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import {
  EVENT_KINDS,
  SEVERITIES,
  type EventKind,
  type Severity,
} from '../../../shared/model/live-event';
import { endpointName } from '../selectors/connection-health';
import {
  channelsLabel,
  channelsTitle,
  createFilteredSelector,
  filterOptions,
  kindLabel,
} from '../selectors/notification-filters';
import { EMPTY_FILTER } from '../store/notifications-slice';
import { itemLink } from '../ui/bell';
import { Dot, EmptyState, RelativeTime, SEVERITY_TONE } from '../ui/common';
import { PauseControl } from '../ui/pause-control';
import { useApp, useAppStore } from '../ui/store-context';
import { WhyDialog } from '../ui/why-dialog';
import { labelText } from '../../../shared/util/display-text';
import { ServerText } from '../ui/server-text';

const ROW_HEIGHT = 64;

/** Full bell history (up to 5,000): filters, search and a virtualised list. */
export function NotificationsView() {
  const store = useAppStore();
  const notifications = useApp((s) => s.notifications);
  const filter = useApp((s) => s.historyFilter);
  const unread = useApp((s) => s.unread);
  const endpoints = useApp((s) => s.endpoints);
  const select = useMemo(() => createFilteredSelector(), []);
  const items = select(notifications, filter);
  const options = useMemo(() => filterOptions(notifications), [notifications]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    getItemKey: (i) => items[i]?.id ?? i,
  });
  const set = store.getState().setHistoryFilter;
  const filtered =
    filter !== EMPTY_FILTER && JSON.stringify(filter) !== JSON.stringify(EMPTY_FILTER);

  return (
    <div className="page page--fill">
      <div className="page__head">
        <h1 className="page__title">Notifications</h1>
        <div className="page__actions">
          <PauseControl />
          <button
            type="button"
            className="btn btn--primary"
            disabled={unread === 0}
            onClick={() => store.getState().markRead('all')}
          >
            Mark all read
          </button>
        </div>
      </div>
      <div className="toolbar" role="search">
        <label className="field field--inline field--grow">
          <span className="sr-only">Search notifications</span>
          <input
            type="search"
            placeholder="Search title, text, endpoint…"
            value={filter.search}
            onChange={(e) => set({ search: e.target.value })}
          />
        </label>
        <label className="field field--inline">
          <span className="field__label">Endpoint</span>
          <select value={filter.endpoint} onChange={(e) => set({ endpoint: e.target.value })}>
            <option value="all">All</option>
            {options.endpoints.map((id) => (
              <option key={id} value={id}>
                {endpointName(endpoints, id)}
              </option>
            ))}
          </select>
        </label>
        <label className="field field--inline">
          <span className="field__label">Kind</span>
          <select
            value={filter.kind}
            onChange={(e) => set({ kind: e.target.value as EventKind | 'all' })}
          >
            <option value="all">All</option>
            {EVENT_KINDS.filter((k) => options.kinds.includes(k)).map((k) => (
              <option key={k} value={k}>
                {kindLabel(k)}
              </option>
            ))}
          </select>
        </label>
        <label className="field field--inline">
          <span className="field__label">Severity</span>
          <select
            value={filter.severity}
            onChange={(e) => set({ severity: e.target.value as Severity | 'all' })}
          >
            <option value="all">All</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={filter.unreadOnly}
            onChange={(e) => set({ unreadOnly: e.target.checked })}
          />
          Unread only
        </label>
        {filtered ? (
          <button type="button" className="link-btn" onClick={() => set(EMPTY_FILTER)}>
            Clear filters
          </button>
        ) : null}
      </div>
      <div className="muted small" aria-live="polite">
        {items.length === notifications.length
          ? `${notifications.length} notifications`
          : `${items.length} of ${notifications.length} match`}{' '}
        · {unread} unread
      </div>
      {items.length === 0 ? (
        <EmptyState
          title={
            notifications.length === 0 ? 'No notifications yet' : 'Nothing matches these filters'
          }
          icon="◔"
        >
          {notifications.length === 0
            ? 'Everything Lookout tells you about is kept here, newest first.'
            : 'Try another endpoint, kind or search word.'}
        </EmptyState>
      ) : (
        <div ref={scroller} className="vlist" tabIndex={0} aria-label="Notification history">
          <ul style={{ height: virtual.getTotalSize(), position: 'relative' }} role="list">
            {virtual.getVirtualItems().map((row) => {
              const item = items[row.index];
              if (!item) return null;
              return (
                <li
                  key={row.key}
                  className={`hist${item.read ? '' : ' is-unread'}`}
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    right: 0,
                    height: ROW_HEIGHT,
                    transform: `translateY(${row.start}px)`,
                  }}
                >
                  <Dot tone={SEVERITY_TONE[item.severity]} label={item.severity} />
                  <button
                    type="button"
                    className="hist__main"
                    onClick={() => {
                      if (!item.read) store.getState().markRead([item.id]);
                      store.getState().navigate(itemLink(item));
                    }}
                  >
                    <ServerText className="hist__title" text={item.title} max={120} />
                    <ServerText className="hist__body" text={item.body} max={200} />
                  </button>
                  <span className="hist__meta">
                    <span title={channelsTitle(item)}>
                      {endpointName(endpoints, item.endpoint)}
                      {channelsLabel(item) ? ` · ${channelsLabel(item)}` : ''}
                    </span>
                    <span>
                      {kindLabel(item.kind)} · <RelativeTime at={item.at} />
                    </span>
                  </span>
                  <button
                    type="button"
                    className="btn btn--small"
                    onClick={() => void store.getState().explain(item.id)}
                    aria-label={`Why did or didn’t “${labelText(item.title)}” raise a desktop notification?`}
                  >
                    Why?
                  </button>
                  {item.read ? (
                    <span className="hist__read muted small">read</span>
                  ) : (
                    <button
                      type="button"
                      className="btn btn--small"
                      onClick={() => store.getState().markRead([item.id])}
                      aria-label={`Mark “${labelText(item.title)}” read`}
                    >
                      Mark read
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      )}
      <WhyDialog />
    </div>
  );
}
