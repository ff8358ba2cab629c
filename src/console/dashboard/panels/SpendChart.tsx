import { niceMax, spendByMonth } from '../charts';
import { money, monthLabel } from '../format';
import type { Profile } from '../queries';
import { useWidth } from '../useWidth';
import { Empty, Panel } from './Panel';

const HEIGHT = 180;
const M = { top: 10, right: 6, bottom: 24, left: 46 };
const axisFormat = new Intl.NumberFormat('en-GB', { notation: 'compact', maximumFractionDigits: 1 });

/** Spend per month, stacked by channel, from the latest orders in the timeline. */
export function SpendChart({ orders, now }: { orders: Profile['recentOrders']; now: number }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const events = orders.edges.map((e) => e.node);
  const buckets = spendByMonth(events, new Date(now), 12, width < 420 ? 12 : 24);
  const total = buckets.reduce((sum, b) => sum + b.online + b.instore, 0);
  const max = niceMax(Math.max(...buckets.map((b) => b.online + b.instore)));
  const innerW = width - M.left - M.right;
  const innerH = HEIGHT - M.top - M.bottom;
  const band = innerW / buckets.length;
  const barW = Math.max(3, Math.min(28, band * 0.64));
  const y = (v: number) => M.top + innerH - (v / max) * innerH;
  const labelEvery = buckets.length > 12 ? 3 : buckets.length > 6 ? 2 : 1;
  const span = `${buckets.length} months`;
  return (
    <Panel
      id="spend"
      title="Spend over time"
      icon="chart"
      class="area-spend"
      subtitle={<span data-field="spendTotal">{`${money(total)} in ${span}`}</span>}
      changeKey={JSON.stringify(events.map((e) => e.at))}
    >
      <div ref={ref} class="chart">
        {events.length === 0 ? (
          <Empty icon="bag">No orders to chart.</Empty>
        ) : (
          <>
            <svg width={width} height={HEIGHT} role="img" aria-label={`Spend per month over the last ${span}: ${money(total)} in total`}>
              {[0, 0.5, 1].map((f) => (
                <g key={f} class="chart__grid">
                  <line x1={M.left} x2={width - M.right} y1={y(max * f)} y2={y(max * f)} />
                  <text x={M.left - 8} y={y(max * f)} dy="0.32em" text-anchor="end">
                    {axisFormat.format(max * f)}
                  </text>
                </g>
              ))}
              {buckets.map((b, i) => {
                const x = M.left + i * band + (band - barW) / 2;
                const label = `${monthLabel(b.start)} ${b.start.getUTCFullYear()}: online ${money(b.online)}, in-store ${money(b.instore)}`;
                return (
                  <g key={b.start.toISOString()}>
                    <title>{label}</title>
                    {b.online > 0 && <rect class="bar--online" x={x} width={barW} y={y(b.online)} height={y(0) - y(b.online)} rx="2" />}
                    {b.instore > 0 && (
                      <rect class="bar--instore" x={x} width={barW} y={y(b.online + b.instore)} height={y(0) - y(b.instore)} rx="2" />
                    )}
                    {i % labelEvery === (buckets.length - 1) % labelEvery && (
                      <text class="chart__x" x={x + barW / 2} y={HEIGHT - 6} text-anchor="middle">
                        {monthLabel(b.start)}
                        {b.start.getUTCMonth() === 0 || i === buckets.length - 1 ? ` ${String(b.start.getUTCFullYear()).slice(2)}` : ''}
                      </text>
                    )}
                  </g>
                );
              })}
            </svg>
            <p class="legend">
              <span>
                <span class="dot dot--online" /> Online
              </span>
              <span>
                <span class="dot dot--instore" /> In-store
              </span>
              {orders.pageInfo.hasNextPage && <span class="muted">latest {events.length} orders</span>}
            </p>
          </>
        )}
      </div>
    </Panel>
  );
}
