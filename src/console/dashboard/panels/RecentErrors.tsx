import { count } from '../format';
import { Icon } from '../icons';
import type { Profile } from '../queries';
import { Empty, Panel, Time } from './Panel';

/** Website errors the customer ran into, newest first: the top-right card of the seed's dashboard. */
export function RecentErrors({ errors, now }: { errors: Profile['recentErrors']; now: number }) {
  return (
    <Panel
      id="errors"
      title="Recent errors"
      icon="alert"
      class={`area-errors ${errors.length ? 'panel--alert' : ''}`}
      subtitle={errors.length ? `${errors.length} distinct` : undefined}
      changeKey={JSON.stringify(errors)}
    >
      {errors.length === 0 ? (
        <Empty>No website errors for this customer.</Empty>
      ) : (
        <ul class="errors">
          {errors.map((e) => (
            <li key={`${e.message}|${e.page}`} class="error" data-error={e.message}>
              <span class="error__icon">
                <Icon name="alert" size={16} />
              </span>
              <div class="error__main">
                <p class="error__message" data-field="message">
                  {e.message}
                </p>
                <p class="error__meta">
                  <code data-field="page">{e.page}</code>
                  <span aria-hidden="true"> · </span>
                  <span>
                    last seen <Time iso={e.lastSeen} now={now} />
                  </span>
                </p>
              </div>
              <span class="badge badge--alert" title="Occurrences" data-field="occurrences">
                <span class="visually-hidden">Occurrences: </span>×{count(e.occurrences)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
