import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, execute, subscribeSegmentChanges } from './api';
import { count, fullName, relative } from './format';
import { Icon } from './icons';
import { Panel } from './panels/Panel';
import { SEGMENT_MEMBERS_QUERY, SEGMENTS_QUERY, type SegmentChange, type SegmentMembers, type SegmentSummary } from './queries';

const MEMBERS_PAGE = 25;
/** Entries and exits the live feed keeps. */
const FEED_LENGTH = 50;

type Load<T> = { status: 'loading' } | { status: 'ready'; data: T } | { status: 'error'; message: string };

/**
 * The segments of the gateway's segments file: each with its size (kept live from the feed), the members of the
 * selected one (paged), and a live feed of entries and exits over the `segmentChanges` subscription.
 */
export function SegmentsPage({ selected, onSelect, onOpenCustomer, now }: { selected: string | null; onSelect: (name: string) => void; onOpenCustomer: (id: string) => void; now: number }) {
  const [segments, setSegments] = useState<Load<SegmentSummary[]>>({ status: 'loading' });
  const [feed, setFeed] = useState<SegmentChange[]>([]);

  useEffect(() => {
    const controller = new AbortController();
    execute(SEGMENTS_QUERY, {}, controller.signal)
      .then((data) => setSegments({ status: 'ready', data: data.segments }))
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setSegments({ status: 'error', message: err instanceof ApiError ? err.message : String(err) });
      });
    return () => controller.abort();
  }, []);

  useEffect(
    () =>
      subscribeSegmentChanges((change) => {
        setFeed((f) => (f.some((c) => c.id === change.id) ? f : [change, ...f].slice(0, FEED_LENGTH)));
        setSegments((s) =>
          s.status !== 'ready'
            ? s
            : { ...s, data: s.data.map((seg) => (seg.name === change.segment ? { ...seg, size: seg.size + (change.kind === 'ENTERED' ? 1 : -1) } : seg)) },
        );
      }),
    [],
  );

  const current = segments.status === 'ready' ? (segments.data.find((s) => s.name === selected) ?? segments.data[0] ?? null) : null;
  return (
    <div class="segments-page">
      <Panel id="segments" title="Segments" icon="layers" class="segments-list" subtitle={segments.status === 'ready' ? `${segments.data.length} defined` : undefined}>
        {segments.status === 'loading' && <p class="muted">Loading…</p>}
        {segments.status === 'error' && (
          <p class="notice notice--error" role="alert">
            {segments.message}
          </p>
        )}
        {segments.status === 'ready' && segments.data.length === 0 && <p class="muted">No segments are defined. Set SEGMENTS_FILE and restart, or send SIGHUP.</p>}
        {segments.status === 'ready' && (
          <ul class="segment-list">
            {segments.data.map((s) => (
              <li key={s.name}>
                <button type="button" class={`segment-item ${current?.name === s.name ? 'segment-item--selected' : ''}`} aria-pressed={current?.name === s.name} data-segment={s.name} onClick={() => onSelect(s.name)}>
                  <span class="segment-item__name">{s.name}</span>
                  <span class="segment-item__size" data-field="size">
                    {count(s.size)}
                  </span>
                  {s.description && <span class="segment-item__description">{s.description}</span>}
                </button>
              </li>
            ))}
          </ul>
        )}
      </Panel>
      {current && <Members key={current.name} segment={current} onOpenCustomer={onOpenCustomer} />}
      <Panel id="segment-feed" title="Live entries and exits" icon="clock" class="segments-feed">
        {feed.length === 0 ? (
          <p class="muted">Waiting for customers to enter or leave a segment…</p>
        ) : (
          <ol class="segment-feed" aria-live="polite">
            {feed.map((c) => (
              <li key={c.id} class={`segment-feed__item segment-feed__item--${c.kind.toLowerCase()}`} data-change={c.kind}>
                <span class="segment-feed__kind">{c.kind === 'ENTERED' ? 'entered' : 'left'}</span>{' '}
                <a href={`/?customer=${encodeURIComponent(c.customerId)}`} onClick={(e) => (e.preventDefault(), onOpenCustomer(c.customerId))}>
                  {c.customerId}
                </a>{' '}
                <span class="chip chip--segment">{c.segment}</span> <time dateTime={c.at}>{relative(c.at, now, true)}</time>
              </li>
            ))}
          </ol>
        )}
      </Panel>
    </div>
  );
}

function Members({ segment, onOpenCustomer }: { segment: SegmentSummary; onOpenCustomer: (id: string) => void }) {
  const [pages, setPages] = useState<SegmentMembers[]>([]);
  const [state, setState] = useState<Load<null>>({ status: 'loading' });
  const load = useCallback(
    (after: string | null) => {
      setState({ status: 'loading' });
      execute(SEGMENT_MEMBERS_QUERY, { name: segment.name, first: MEMBERS_PAGE, after })
        .then((data) => {
          if (data.segment) setPages((p) => [...p, data.segment!.members]);
          setState({ status: 'ready', data: null });
        })
        .catch((err: unknown) => setState({ status: 'error', message: err instanceof ApiError ? err.message : String(err) }));
    },
    [segment.name],
  );
  useEffect(() => load(null), [load]);
  const edges = pages.flatMap((p) => p.edges);
  const last = pages[pages.length - 1];
  return (
    <Panel id="segment-members" title={segment.name} icon="user" class="segments-members" subtitle={`${count(segment.size)} ${segment.size === 1 ? "member" : "members"}`}>
      {segment.description && <p class="segment-description">{segment.description}</p>}
      <pre class="segment-definition" data-field="definition">
        {segment.definition}
      </pre>
      <ul class="member-list">
        {edges.map(({ node }) => (
          <li key={node.id}>
            <a href={`/?customer=${encodeURIComponent(node.id)}`} data-member={node.id} onClick={(e) => (e.preventDefault(), onOpenCustomer(node.id))}>
              <span class="chip chip--mono">{node.id}</span> {fullName(node)}
            </a>
          </li>
        ))}
      </ul>
      {state.status === 'ready' && edges.length === 0 && <p class="muted">No members yet.</p>}
      {state.status === 'error' && (
        <p class="notice notice--error" role="alert">
          {state.message}
        </p>
      )}
      {last?.pageInfo.hasNextPage && (
        <button type="button" class="button button--ghost" disabled={state.status === 'loading'} onClick={() => load(last.pageInfo.endCursor ?? null)}>
          <Icon name="retry" size={16} /> Load more
        </button>
      )}
    </Panel>
  );
}
