import type { ComponentChildren } from 'preact';
import { count, money, ratio } from '../format';
import type { ChannelStats, Profile } from '../queries';
import { Panel, Time } from './Panel';

type Stats = Profile['purchaseStats'];

const latest = (a: string | null, b: string | null) => (!a ? b : !b ? a : a > b ? a : b);

/** Lifetime purchases per channel, with the totals the contract adds up. */
export function PurchaseStats({ stats, now }: { stats: Stats; now: number }) {
  const total: ChannelStats = {
    orders: stats.totalOrders,
    items: stats.totalItems,
    itemsPerOrder: stats.totalOrders ? stats.totalItems / stats.totalOrders : 0,
    amountSpent: stats.totalSpent,
    lastOrderAt: latest(stats.online.lastOrderAt, stats.instore.lastOrderAt),
  };
  const columns: Array<[string, string, ChannelStats]> = [
    ['online', 'Online', stats.online],
    ['instore', 'In-store', stats.instore],
    ['total', 'Total', total],
  ];
  const onlineShare = stats.totalSpent > 0 ? (stats.online.amountSpent / stats.totalSpent) * 100 : 0;
  const rows: Array<[string, string, (c: ChannelStats) => ComponentChildren]> = [
    ['orders', 'Orders', (c) => count(c.orders)],
    ['items', 'Items', (c) => count(c.items)],
    ['itemsPerOrder', 'Items per order', (c) => ratio(c.itemsPerOrder)],
    ['amountSpent', 'Amount spent', (c) => money(c.amountSpent)],
    ['lastOrderAt', 'Last order', (c) => (c.lastOrderAt ? <Time iso={c.lastOrderAt} now={now} /> : '—')],
  ];
  return (
    <Panel id="purchases" title="Lifetime purchases" icon="bag" class="area-purchases" changeKey={JSON.stringify(stats)}>
      <div class="kpis">
        <div class="kpi">
          <span class="kpi__label">Total spent</span>
          <span class="kpi__value" data-field="totalSpent">
            {money(stats.totalSpent)}
          </span>
        </div>
        <div class="kpi">
          <span class="kpi__label">Orders</span>
          <span class="kpi__value" data-field="totalOrders">
            {count(stats.totalOrders)}
          </span>
        </div>
        <div class="kpi">
          <span class="kpi__label">Items</span>
          <span class="kpi__value" data-field="totalItems">
            {count(stats.totalItems)}
          </span>
        </div>
      </div>
      {stats.totalSpent > 0 && (
        <figure class="share">
          <div class="share__bar" aria-hidden="true">
            <span class="share__online" style={{ width: `${onlineShare}%` }} />
            <span class="share__instore" style={{ width: `${100 - onlineShare}%` }} />
          </div>
          <figcaption class="share__caption">
            <span>Online {Math.round(onlineShare)}% of spend</span>
            <span>In-store {Math.round(100 - onlineShare)}%</span>
          </figcaption>
        </figure>
      )}
      <table class="stats">
        <caption class="visually-hidden">Purchase statistics per channel</caption>
        <thead>
          <tr>
            <td />
            {columns.map(([key, label]) => (
              <th key={key} scope="col" class={`stats__col stats__col--${key}`}>
                {key !== 'total' && <span class={`dot dot--${key}`} aria-hidden="true" />}
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(([field, label, render]) => (
            <tr key={field}>
              <th scope="row">{label}</th>
              {columns.map(([key, , c]) => (
                <td key={key} data-channel={key} data-field={field}>
                  {render(c)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}
