import { type ReactNode } from 'react';
import { Panel } from '../../ui/common';
import type { Pending } from '../../store/connections-slice';

/**
 * A panel around one on-demand request to main (connection check, probes): the action button,
 * then its intro, running, error and done states.
 */
export function PendingPanel<T>({
  title,
  pending,
  run,
  label,
  runningLabel,
  primary = false,
  intro,
  failure,
  children,
}: {
  title: string;
  pending: Pending<T> | undefined;
  run: () => void;
  label: string;
  runningLabel: string;
  primary?: boolean;
  intro: string;
  failure: string;
  children: (value: T) => ReactNode;
}) {
  return (
    <Panel
      title={title}
      actions={
        <button
          type="button"
          className={`btn btn--small${primary ? ' btn--primary' : ''}`}
          disabled={pending?.status === 'running'}
          onClick={run}
        >
          {pending?.status === 'running' ? runningLabel : label}
        </button>
      }
    >
      {!pending ? (
        <p className="muted">{intro}</p>
      ) : pending.status === 'running' ? (
        <p className="muted" aria-busy="true">
          {runningLabel}
        </p>
      ) : pending.status === 'error' ? (
        <div className="callout callout--bad">
          {failure}: {pending.message}
        </div>
      ) : (
        children(pending.value)
      )}
    </Panel>
  );
}
