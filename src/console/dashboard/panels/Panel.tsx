import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { dateTime, relative } from '../format';
import { Icon, type IconName } from '../icons';

/**
 * A titled card. `changeKey` is the data it shows: when a live refresh changes it, the card
 * flashes briefly so the agent sees which part of the profile moved.
 */
export function Panel(props: {
  id: string;
  title: string;
  icon: IconName;
  subtitle?: ComponentChildren;
  actions?: ComponentChildren;
  changeKey?: string;
  class?: string;
  children: ComponentChildren;
}) {
  const updated = useFlashOnChange(props.changeKey);
  return (
    <section
      class={`panel ${props.class ?? ''} ${updated ? 'panel--updated' : ''}`}
      aria-labelledby={`${props.id}-title`}
      data-panel={props.id}
    >
      <header class="panel__head">
        <span class="panel__icon">
          <Icon name={props.icon} size={16} />
        </span>
        <h2 id={`${props.id}-title`}>{props.title}</h2>
        {props.subtitle && <span class="panel__subtitle">{props.subtitle}</span>}
        {props.actions && <div class="panel__actions">{props.actions}</div>}
      </header>
      <div class="panel__body">{props.children}</div>
    </section>
  );
}

function useFlashOnChange(key: string | undefined): boolean {
  const previous = useRef(key);
  const [flash, setFlash] = useState(false);
  useEffect(() => {
    if (previous.current === key) return;
    const first = previous.current === undefined;
    previous.current = key;
    if (first) return;
    setFlash(true);
    const timer = setTimeout(() => setFlash(false), 1600);
    return () => clearTimeout(timer);
  }, [key]);
  return flash;
}

/** A timestamp: relative text for reading at a glance, the exact time on hover and in `datetime`. */
export function Time({ iso, now, withTime = false }: { iso: string; now: number; withTime?: boolean }) {
  return (
    <time dateTime={iso} title={dateTime(iso)}>
      {relative(iso, now, withTime)}
    </time>
  );
}

export function Empty({ icon = 'check', children }: { icon?: IconName; children: ComponentChildren }) {
  return (
    <p class="empty">
      <Icon name={icon} size={16} />
      <span>{children}</span>
    </p>
  );
}

/** Grey placeholder lines while a panel loads. */
export function Skeleton({ lines = 3 }: { lines?: number }) {
  return (
    <div class="skeleton" aria-hidden="true">
      {Array.from({ length: lines }, (_, i) => (
        <span key={i} style={{ width: `${92 - ((i * 17) % 40)}%` }} />
      ))}
    </div>
  );
}
