import { useEffect, useId, useRef, type KeyboardEvent } from 'react';
import type { NotificationItem } from '../../../shared/model/app-state';
import { endpointName } from '../selectors/connection-health';
import {
  channelsLabel,
  channelsTitle,
  kindLabel,
  latestForBell,
} from '../selectors/notification-filters';
import { Dot, EmptyState, RelativeTime, SEVERITY_TONE } from './common';
import { useApp, useAppStore } from './store-context';
import { labelText } from '../../../shared/util/display-text';
import { PauseControl } from './pause-control';
import { ServerText } from './server-text';

/** Where a click on a bell item leads: its own link, else the history page. */
export function itemLink(item: NotificationItem): string {
  return item.link ?? 'notifications';
}

/**
 * The header bell: unread badge and a popover with the latest items. Keyboard: Enter/Space opens,
 * arrows move between items, Escape closes and returns focus to the bell.
 */
export function Bell() {
  const store = useAppStore();
  const unread = useApp((s) => s.unread);
  const open = useApp((s) => s.bellOpen);
  const notifications = useApp((s) => s.notifications);
  const endpoints = useApp((s) => s.endpoints);
  const button = useRef<HTMLButtonElement>(null);
  const popover = useRef<HTMLDivElement>(null);
  const id = useId();
  const items = latestForBell(notifications, 8);

  useEffect(() => {
    if (!open) return;
    popover.current?.querySelector<HTMLElement>('[data-bell-item]')?.focus();
    const onDown = (e: MouseEvent) => {
      const t = e.target as Node;
      if (!popover.current?.contains(t) && !button.current?.contains(t))
        store.getState().setBellOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open, store]);

  const close = () => {
    store.getState().setBellOpen(false);
    button.current?.focus();
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
      return;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const all = [...(popover.current?.querySelectorAll<HTMLElement>('[data-bell-item]') ?? [])];
    const at = all.indexOf(document.activeElement as HTMLElement);
    const next = e.key === 'ArrowDown' ? (at + 1) % all.length : (at - 1 + all.length) % all.length;
    all[next]?.focus();
  };

  const openItem = (item: NotificationItem) => {
    const s = store.getState();
    if (!item.read) s.markRead([item.id]);
    s.navigate(itemLink(item));
  };

  return (
    <div className="bell">
      <button
        ref={button}
        type="button"
        className="icon-btn bell__button"
        aria-label={unread > 0 ? `Notifications, ${unread} unread` : 'Notifications'}
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => store.getState().setBellOpen(!open)}
      >
        <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden focusable="false">
          <path
            fill="currentColor"
            d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
          />
        </svg>
        {unread > 0 ? <span className="bell__badge">{unread > 99 ? '99+' : unread}</span> : null}
      </button>
      {open ? (
        <div
          ref={popover}
          id={id}
          className="bell__popover"
          role="dialog"
          aria-label="Latest notifications"
          onKeyDown={onKey}
        >
          <div className="bell__head">
            <strong>Notifications</strong>
            <span className="muted">{unread} unread</span>
            <PauseControl compact />
            <button
              type="button"
              className="link-btn"
              disabled={unread === 0}
              onClick={() => store.getState().markRead('all')}
            >
              Mark all read
            </button>
          </div>
          {items.length === 0 ? (
            <EmptyState title="No notifications yet" icon="◔">
              New businesses, task results and alerts appear here as they arrive.
            </EmptyState>
          ) : (
            <ul className="bell__list" role="list">
              {items.map((item) => (
                <li key={item.id} className={`bell__item${item.read ? '' : ' is-unread'}`}>
                  <button
                    type="button"
                    data-bell-item
                    className="bell__open"
                    onClick={() => openItem(item)}
                  >
                    <Dot tone={SEVERITY_TONE[item.severity]} label={item.severity} />
                    <span className="bell__text">
                      <ServerText className="bell__title" text={item.title} max={120} />
                      <span className="bell__meta">
                        {endpointName(endpoints, item.endpoint)} · {kindLabel(item.kind)} ·{' '}
                        {channelsLabel(item) ? (
                          <span title={channelsTitle(item)}>{channelsLabel(item)} · </span>
                        ) : null}
                        <RelativeTime at={item.at} />
                      </span>
                    </span>
                  </button>
                  {item.read ? null : (
                    <button
                      type="button"
                      className="icon-btn icon-btn--small"
                      aria-label={`Mark “${labelText(item.title)}” read`}
                      title="Mark read"
                      onClick={() => store.getState().markRead([item.id])}
                    >
                      ✓
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
          <div className="bell__foot">
            <button
              type="button"
              data-bell-item
              className="link-btn"
              onClick={() => store.getState().navigate('notifications')}
            >
              View all notifications →
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
