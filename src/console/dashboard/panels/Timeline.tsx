import { ACTIVITY_LABEL } from '../format';
import { ACTIVITY_ICON, Icon } from '../icons';
import type { TimelineState } from '../useCustomer';
import { Empty, Panel, Skeleton, Time } from './Panel';

/** Everything the customer did, newest first; live events arrive at the top, highlighted. */
export function Timeline({ timeline, now, onLoadMore }: { timeline: TimelineState; now: number; onLoadMore: () => void }) {
  const { items, status } = timeline;
  return (
    <Panel id="timeline" title="Activity timeline" icon="clock" class="area-timeline" subtitle={status === 'loading' ? undefined : `${items.length} shown`}>
      {status === 'loading' ? (
        <Skeleton lines={6} />
      ) : status === 'error' ? (
        <p class="notice notice--error" role="alert">
          The timeline could not be loaded: {timeline.message}
        </p>
      ) : items.length === 0 ? (
        <Empty icon="clock">No activity yet. New events appear here as they happen.</Empty>
      ) : (
        <ol class="timeline" aria-label="Activity, newest first">
          {items.map(({ key, event, live }) => (
            <li key={key} class={`event type--${event.type} ${live ? 'event--live' : ''}`} data-type={event.type} data-live={live ? 'true' : undefined}>
              <span class="type-icon" aria-hidden="true">
                <Icon name={ACTIVITY_ICON[event.type]} size={15} />
              </span>
              <div class="event__main">
                <p class="event__summary">{event.summary}</p>
                <p class="event__meta">
                  <span class="event__type">{ACTIVITY_LABEL[event.type]}</span>
                  <span aria-hidden="true"> · </span>
                  <span class="event__source">{event.source}</span>
                  {live && <span class="badge badge--live">New</span>}
                </p>
              </div>
              <span class="event__time">
                <Time iso={event.at} now={now} withTime />
              </span>
            </li>
          ))}
        </ol>
      )}
      {timeline.message && status !== 'error' && (
        <p class="notice notice--error" role="alert">
          More activity could not be loaded: {timeline.message}
        </p>
      )}
      {timeline.hasNextPage && status !== 'loading' && status !== 'error' && (
        <button type="button" class="button button--ghost load-more" onClick={onLoadMore} disabled={status === 'more'} aria-busy={status === 'more'}>
          {status === 'more' ? 'Loading…' : 'Load more'}
        </button>
      )}
    </Panel>
  );
}
