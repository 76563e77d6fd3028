import { useEffect, useRef, type ReactNode } from 'react';
import { formatClock, formatRelative } from '../selectors/format';
import type { Tone } from '../selectors/connection-health';
import { useNow } from './ticker';

/** "12 s ago", kept fresh by the shared ticker, with the exact time as a tooltip. */
export function RelativeTime({ at }: { at: number }) {
  const now = useNow();
  return (
    <time dateTime={new Date(at).toISOString()} title={new Date(at).toLocaleString()}>
      {formatRelative(at, now)}
    </time>
  );
}

export function ClockTime({ at }: { at: number }) {
  return <time dateTime={new Date(at).toISOString()}>{formatClock(at)}</time>;
}

export function Dot({ tone, label }: { tone: Tone; label?: string }) {
  return (
    <span
      className={`dot dot--${tone}`}
      role={label ? 'img' : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
    />
  );
}

export function Badge({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <span className={`badge badge--${tone}`}>{children}</span>;
}

export function ProgressBar({
  percent,
  tone = 'info',
  label,
}: {
  percent: number | null;
  tone?: Tone;
  label: string;
}) {
  const p = percent === null ? null : Math.max(0, Math.min(100, percent));
  return (
    <div
      className={`progress progress--${tone}${p === null ? ' progress--indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={p ?? undefined}
    >
      <div className="progress__bar" style={{ width: p === null ? undefined : `${p}%` }} />
    </div>
  );
}

export function EmptyState({
  title,
  children,
  icon = '○',
}: {
  title: string;
  children?: ReactNode;
  icon?: string;
}) {
  return (
    <div className="empty">
      <div className="empty__icon" aria-hidden>
        {icon}
      </div>
      <div className="empty__title">{title}</div>
      {children ? <div className="empty__body">{children}</div> : null}
    </div>
  );
}

export function Panel({
  title,
  actions,
  children,
  className = '',
  id,
}: {
  title: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  id?: string;
}) {
  return (
    <section className={`panel ${className}`} aria-labelledby={id ? `${id}-title` : undefined}>
      <header className="panel__head">
        <h2 className="panel__title" id={id ? `${id}-title` : undefined}>
          {title}
        </h2>
        {actions ? <div className="panel__actions">{actions}</div> : null}
      </header>
      <div className="panel__body">{children}</div>
    </section>
  );
}

/** Skeleton rows while the initial state loads. */
export function Skeleton({ rows = 4 }: { rows?: number }) {
  return (
    <div className="skeleton" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton__row" />
      ))}
    </div>
  );
}

/**
 * A modal dialog on the native <dialog> element: focus is trapped by the browser, Escape closes,
 * and the element that opened it gets focus back.
 */
export function Dialog({
  open,
  onClose,
  title,
  children,
  wide = false,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (open && !el.open) el.showModal();
    if (!open && el.open) el.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' dialog--wide' : ''}`}
      aria-labelledby="dialog-title"
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      {open ? (
        <>
          <header className="dialog__head">
            <h2 id="dialog-title">{title}</h2>
            <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
              ✕
            </button>
          </header>
          <div className="dialog__body">{children}</div>
        </>
      ) : null}
    </dialog>
  );
}

export const SEVERITY_TONE = { info: 'info', warning: 'warn', critical: 'bad' } as const;
