import type { ActivityEvent, ActivityType } from './queries';

/** Shapes timeline events into what the small charts draw. Pure functions, no DOM. */

export interface MonthBucket {
  /** First instant of the month, UTC. */
  start: Date;
  online: number;
  instore: number;
}

/** The amount of an order event, from its typed field (the summary is text for people, rounded and per role). */
export function orderAmount(event: Pick<ActivityEvent, 'amount'>): number {
  return event.amount ?? 0;
}

const monthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
const addMonths = (d: Date, n: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));

/** Spend per calendar month, from the earliest order shown (at least `minMonths`, at most `maxMonths`) to now. */
export function spendByMonth(orders: readonly ActivityEvent[], now: Date, minMonths = 12, maxMonths = 24): MonthBucket[] {
  const last = monthStart(now);
  const earliest = orders.reduce<Date | null>((min, o) => {
    const d = monthStart(new Date(o.at));
    return !min || d < min ? d : min;
  }, null);
  const span = earliest
    ? (last.getUTCFullYear() - earliest.getUTCFullYear()) * 12 + last.getUTCMonth() - earliest.getUTCMonth() + 1
    : minMonths;
  const months = Math.min(maxMonths, Math.max(minMonths, span));
  const buckets: MonthBucket[] = [];
  for (let i = months - 1; i >= 0; i--) buckets.push({ start: addMonths(last, -i), online: 0, instore: 0 });
  const first = buckets[0]!.start.getTime();
  for (const o of orders) {
    const at = monthStart(new Date(o.at));
    if (at.getTime() < first) continue;
    const index = (at.getUTCFullYear() - buckets[0]!.start.getUTCFullYear()) * 12 + at.getUTCMonth() - buckets[0]!.start.getUTCMonth();
    const bucket = buckets[index];
    if (!bucket) continue;
    if (o.type === 'ONLINE_ORDER') bucket.online += orderAmount(o);
    else if (o.type === 'INSTORE_ORDER') bucket.instore += orderAmount(o);
  }
  return buckets;
}

export function countByType(events: readonly ActivityEvent[]): Map<ActivityType, number> {
  const counts = new Map<ActivityType, number>();
  for (const e of events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  return counts;
}

/** A round upper bound for an axis: 1, 2, 2.5 or 5 times a power of ten. */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}
