import { countByType } from '../charts';
import { ACTIVITY_LABEL, ACTIVITY_TYPES, count } from '../format';
import { ACTIVITY_ICON, Icon } from '../icons';
import type { Profile } from '../queries';
import { Empty, Panel } from './Panel';

/** What the customer's recent activity consists of, by channel and kind. */
export function ActivityMix({ activity }: { activity: Profile['recentActivity'] }) {
  const events = activity.edges.map((e) => e.node);
  const counts = countByType(events);
  const max = Math.max(1, ...counts.values());
  const scope = activity.pageInfo.hasNextPage ? `latest ${events.length} events` : `all ${events.length} events`;
  return (
    <Panel id="activity-mix" title="Activity by channel" icon="chart" class="area-mix" subtitle={scope} changeKey={JSON.stringify([...counts])}>
      {events.length === 0 ? (
        <Empty icon="clock">No activity yet.</Empty>
      ) : (
        <ul class="mix" aria-label={`Activity by kind, ${scope}`}>
          {ACTIVITY_TYPES.map((type) => {
            const n = counts.get(type) ?? 0;
            return (
              <li key={type} class={`mix__row type--${type}`} data-type={type}>
                <span class="mix__label">
                  <span class="type-icon" aria-hidden="true">
                    <Icon name={ACTIVITY_ICON[type]} size={14} />
                  </span>
                  {ACTIVITY_LABEL[type]}
                </span>
                <span class="mix__bar" aria-hidden="true">
                  <span style={{ width: `${(n / max) * 100}%` }} />
                </span>
                <span class="mix__value" data-field="count">
                  {count(n)}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </Panel>
  );
}
