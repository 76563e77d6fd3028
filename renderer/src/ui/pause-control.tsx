import { useId, useRef, useState } from 'react';
import {
  PAUSE_PRESETS,
  PAUSE_PRESET_LABELS,
  pauseEnd,
  pauseUntilClock,
  quietState,
} from '../../../shared/model/pause-presets';
import { localWhen, relativeIn } from '../../../shared/util/local-time';
import { useApp, useAppStore } from './store-context';
import { useNow } from './ticker';

/** "Paused until 09:00 tomorrow", "Quiet hours until 07:00", "Notifications on". */
export function quietLabel(
  state: ReturnType<typeof quietState>,
  now: number,
): { label: string; title: string } {
  if (!state) return { label: 'Notifications on', title: 'Desktop notifications are on' };
  if (state.kind === 'off')
    return { label: 'Notifications off', title: 'Desktop notifications are off in Settings' };
  const until = state.until ?? now;
  const what = state.kind === 'paused' ? 'Paused' : 'Quiet hours';
  return {
    label: `${what} until ${localWhen(until, now)}`,
    title: `${what}: desktop notifications resume ${relativeIn(until, now)} (${localWhen(until, now)}). Everything still goes to the bell.`,
  };
}

/**
 * The one place to be quiet, the same in the header, the bell and the notifications page: the
 * state in local words, the pause presets, a custom end time, and resume.
 */
export function PauseControl({ compact = false }: { compact?: boolean }) {
  const store = useAppStore();
  const prefs = useApp((s) => s.prefs);
  const now = useNow();
  const state = quietState(prefs, now);
  const { label, title } = quietLabel(state, now);
  const [custom, setCustom] = useState('');
  const [error, setError] = useState<string | null>(null);
  const details = useRef<HTMLDetailsElement>(null);
  const id = useId();
  const pause = (until: number | null) => {
    store.getState().pauseNotifications(until);
    if (details.current) details.current.open = false;
  };
  return (
    <details ref={details} className="pause" data-testid="pause-control">
      <summary
        className={`pill${state ? ' pill--warn' : ''}${compact ? ' pill--small' : ''}`}
        title={title}
        aria-label={`${label}. Pause or resume desktop notifications`}
      >
        <span aria-hidden>{state ? '◐' : '●'}</span>
        <span>{compact && !state ? 'Pause' : label}</span>
      </summary>
      <div className="pause__menu" role="group" aria-label="Pause desktop notifications">
        {state?.kind === 'paused' ? (
          <button type="button" className="btn" onClick={() => pause(null)}>
            Resume now
          </button>
        ) : null}
        {PAUSE_PRESETS.map((p) => (
          <button key={p} type="button" className="btn" onClick={() => pause(pauseEnd(p, now))}>
            {PAUSE_PRESET_LABELS[p]}
            <span className="muted"> · until {localWhen(pauseEnd(p, now), now)}</span>
          </button>
        ))}
        <form
          className="pause__custom"
          onSubmit={(e) => {
            e.preventDefault();
            const until = pauseUntilClock(custom, Date.now());
            if (until === null) setError('Enter a time like 17:30.');
            else {
              setError(null);
              pause(until);
            }
          }}
        >
          <label htmlFor={`${id}-until`}>Until</label>
          <input
            id={`${id}-until`}
            type="time"
            value={custom}
            onChange={(e) => setCustom(e.target.value)}
          />
          <button type="submit" className="btn">
            Pause
          </button>
          {error ? (
            <span className="text-bad small" role="alert">
              {error}
            </span>
          ) : null}
        </form>
        <p className="muted pause__note">
          Critical alerts {prefs.criticalBypassesQuiet ? 'still come through' : 'are held too'}{' '}
          (Settings → Notifications).
        </p>
      </div>
    </details>
  );
}
