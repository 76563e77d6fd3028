import { ClockTime, Dialog } from './common';
import { useApp, useAppStore } from './store-context';
import { traceLines } from '../selectors/notification-trace';
import { ITEM_LIMITS } from '../../../shared/model/item-bounds';
import { labelText } from '../../../shared/util/display-text';
import { ServerText } from './server-text';

/** "Why did / didn't I get this notification?": the policy's decision trace for one event. */
export function WhyDialog() {
  const store = useAppStore();
  const why = useApp((s) => s.why);
  const item = useApp((s) =>
    s.why ? (s.notifications.find((n) => n.id === s.why?.eventId) ?? null) : null,
  );
  const title = item?.title ?? why?.eventId ?? '';
  const lines = why ? traceLines(why.entries) : [];
  return (
    <Dialog
      open={why !== null}
      onClose={() => void store.getState().explain(null)}
      title={`Why? “${labelText(title)}”`}
    >
      {item ? (
        // The whole text as Lookout keeps it: lists and the bell show it cut.
        <dl className="kv why__item">
          <dt>Title</dt>
          <dd>
            <ServerText text={item.title} max={ITEM_LIMITS.title} />
          </dd>
          {item.body ? (
            <>
              <dt>Message</dt>
              <dd>
                <ServerText text={item.body} max={ITEM_LIMITS.text} />
              </dd>
            </>
          ) : null}
        </dl>
      ) : null}
      {why?.status === 'loading' ? <p className="muted">Asking Lookout…</p> : null}
      {why?.status === 'error' ? <p className="callout callout--bad">{why.error}</p> : null}
      {why?.status === 'done' && lines.length === 0 ? (
        <p className="muted">
          No decision is recorded for this event any more: the trace keeps the latest 2,000
          decisions.
        </p>
      ) : null}
      {lines.length > 0 ? (
        <ol className="trace">
          {lines.map((line) => (
            <li key={`${line.at}-${line.step}`} className={`trace__step trace__step--${line.tone}`}>
              <span className="trace__when">
                <ClockTime at={line.at} />
              </span>
              <strong>{line.label}</strong> {line.detail}
            </li>
          ))}
        </ol>
      ) : null}
    </Dialog>
  );
}
