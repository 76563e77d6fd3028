import { describeDelivery, type EndpointHealth } from '../../../../shared/model/health';
import { Panel, RelativeTime } from '../../ui/common';
import { useNow } from '../../ui/ticker';
import { CauseList } from './cause-list';

/** Delivery (data, the Redis probe) and the current failure's possible causes. */
export function DeliveryPanel({ health }: { health: EndpointHealth }) {
  const now = useNow();
  const d = health.delivery;
  return (
    <Panel title="Delivery">
      <p
        className={d.status === 'deaf' ? 'text-bad' : d.status === 'unverified' ? 'text-warn' : ''}
      >
        {describeDelivery(d, now)}
      </p>
      {d.redis ? (
        <p className="sub">
          Redis probe <RelativeTime at={d.redis.at} />: {d.redis.status} · {d.redis.detail}
        </p>
      ) : null}
      {health.causes.length > 0 ? (
        <>
          <h3 className="subhead">Why the server refuses, most likely first</h3>
          <CauseList causes={health.causes} />
        </>
      ) : null}
    </Panel>
  );
}
