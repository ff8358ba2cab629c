import { Icon, type IconName } from '../icons';
import type { LastActivity as LastActivityData } from '../queries';
import { Panel, Time } from './Panel';

const ROWS: Array<[keyof LastActivityData, string, IconName]> = [
  ['lastLogin', 'Login', 'login'],
  ['lastWebsiteVisit', 'Website visit', 'globe'],
  ['lastOnlineOrder', 'Online order', 'bag'],
  ['lastInstoreOrder', 'In-store order', 'store'],
  ['lastEmailSent', 'Email sent', 'mail'],
  ['lastEmailOpened', 'Email opened', 'mail'],
  ['lastEmailClicked', 'Email clicked', 'mail'],
];

/** When the customer last did each thing: the seed's "recent activity" sheet. */
export function LastActivity({ last, now }: { last: LastActivityData; now: number }) {
  return (
    <Panel id="last-activity" title="Last activity" icon="clock" class="area-last" changeKey={JSON.stringify(last)}>
      <dl class="last">
        {ROWS.map(([field, label, icon]) => {
          const iso = last[field];
          return (
            <div key={field} class={`last__row ${iso ? '' : 'last__row--none'}`} data-field={field}>
              <dt>
                <Icon name={icon} size={14} />
                {label}
              </dt>
              <dd>{iso ? <Time iso={iso} now={now} /> : 'never'}</dd>
            </div>
          );
        })}
      </dl>
    </Panel>
  );
}
