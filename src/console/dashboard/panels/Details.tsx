import { capitalise, dateTime, day, fullName, initials } from '../format';
import { Icon } from '../icons';
import type { Profile } from '../queries';
import { Panel } from './Panel';

/** Who the customer is: the top-left card of the seed's dashboard. */
export function Details({ profile }: { profile: Profile }) {
  const a = profile.address;
  const addressLines = a ? [a.street, [a.city, a.postcode].filter(Boolean).join(' '), a.country].filter(Boolean) : [];
  return (
    <Panel id="details" title="Customer" icon="user" class="area-details" changeKey={JSON.stringify([profile.id, profile.firstName, profile.lastName, profile.email, a])}>
      <div class="identity">
        <div class="avatar" aria-hidden="true">
          {initials(profile)}
        </div>
        <div>
          <h1 class="identity__name" tabIndex={-1} id="customer-name" data-field="name">
            {fullName(profile)}
          </h1>
          <p class="identity__id">
            <span class="chip chip--mono" data-field="id">
              {profile.id}
            </span>
          </p>
          {profile.segments.length > 0 && (
            <ul class="segment-chips" aria-label="Segments" data-field="segments">
              {profile.segments.map((m) => (
                <li key={m.segment}>
                  <a class="chip chip--segment" href={`/?segments=${encodeURIComponent(m.segment)}`} title={`In “${m.segment}” since ${dateTime(m.since)}`}>
                    {m.segment}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      <dl class="facts">
        <div>
          <dt>
            <Icon name="cake" size={14} /> Age
          </dt>
          <dd data-field="age">
            {profile.age ?? '—'}
            {profile.dateOfBirth && (
              <span class="muted" data-field="dateOfBirth">
                {' '}
                · born {day(profile.dateOfBirth)}
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>
            <Icon name="user" size={14} /> Gender
          </dt>
          <dd data-field="gender">{profile.gender ? capitalise(profile.gender) : '—'}</dd>
        </div>
        <div class="facts__wide">
          <dt>
            <Icon name="mail" size={14} /> Email
          </dt>
          <dd data-field="email">{profile.email ? <a href={`mailto:${profile.email}`}>{profile.email}</a> : '—'}</dd>
        </div>
        <div class="facts__wide">
          <dt>
            <Icon name="mapPin" size={14} /> Address
          </dt>
          <dd data-field="address">
            {addressLines.length ? (
              <address>
                {addressLines.map((line, i) => (
                  <span key={i} class="address__line">
                    {line}
                  </span>
                ))}
              </address>
            ) : (
              '—'
            )}
          </dd>
        </div>
      </dl>
    </Panel>
  );
}
