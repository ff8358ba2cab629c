import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { execute, subscribeActivity } from './api';
import {
  CHART_WINDOW,
  PROFILE_QUERY,
  TIMELINE_PAGE,
  TIMELINE_QUERY,
  type ActivityEvent,
  type Profile,
  type TimelinePage,
} from './queries';

export type ProfileState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; data: Profile; updatedAt: number }
  | { status: 'missing' }
  | { status: 'error'; message: string };

export interface TimelineItem {
  key: string;
  event: ActivityEvent;
  /** Arrived through the live subscription while the profile was open. */
  live: boolean;
}

export interface TimelineState {
  status: 'loading' | 'ready' | 'more' | 'error';
  items: TimelineItem[];
  hasNextPage: boolean;
  endCursor: string | null;
  message?: string;
}

const EMPTY_TIMELINE: TimelineState = { status: 'loading', items: [], hasNextPage: false, endCursor: null };
/** Live events come in bursts (an order and its page views): one profile refresh per burst. */
const REFRESH_DELAY_MS = 250;

const sameEvent = (a: ActivityEvent, b: ActivityEvent) => a.type === b.type && a.at === b.at && a.summary === b.summary;
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

let liveSerial = 0;

/**
 * One customer's profile, timeline and live activity. The profile is re-queried after new
 * activity (every panel may change); new timeline events are prepended as they arrive.
 */
export function useCustomer(id: string | null) {
  const [profile, setProfile] = useState<ProfileState>({ status: 'idle' });
  const [timeline, setTimeline] = useState<TimelineState>(EMPTY_TIMELINE);
  const [live, setLive] = useState<TimelineItem[]>([]);
  const [attempt, setAttempt] = useState(0);
  const current = useRef<{ id: string; signal: AbortSignal } | null>(null);

  useEffect(() => {
    if (!id) {
      setProfile({ status: 'idle' });
      current.current = null;
      return;
    }
    const abort = new AbortController();
    current.current = { id, signal: abort.signal };
    setProfile({ status: 'loading' });
    setTimeline(EMPTY_TIMELINE);
    setLive([]);

    const loadProfile = () =>
      execute(PROFILE_QUERY, { id, window: CHART_WINDOW }, abort.signal).then(
        ({ customer }) => setProfile(customer ? { status: 'ready', data: customer, updatedAt: Date.now() } : { status: 'missing' }),
        (err: unknown) => {
          if (abort.signal.aborted) return;
          // A failed refresh keeps what is on screen; only a failed first load shows the error.
          setProfile((p) => (p.status === 'ready' ? p : { status: 'error', message: message(err) }));
        },
      );
    void loadProfile();

    execute(TIMELINE_QUERY, { id, first: TIMELINE_PAGE }, abort.signal).then(
      ({ customer }) => setTimeline(pageState(customer?.timeline ?? null, [])),
      (err: unknown) => {
        if (!abort.signal.aborted) setTimeline({ ...EMPTY_TIMELINE, status: 'error', message: message(err) });
      },
    );

    let refresh: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = subscribeActivity(id, (event) => {
      setLive((items) => (items.some((i) => sameEvent(i.event, event)) ? items : [{ key: `live-${liveSerial++}`, event, live: true }, ...items]));
      clearTimeout(refresh);
      refresh = setTimeout(() => void loadProfile(), REFRESH_DELAY_MS);
    });
    return () => {
      abort.abort();
      unsubscribe();
      clearTimeout(refresh);
    };
  }, [id, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  const loadMore = useCallback(() => {
    const open = current.current;
    if (!open || !timeline.endCursor || timeline.status === 'more') return;
    const { id: forId, signal } = open;
    const before = timeline.items;
    setTimeline((t) => ({ ...t, status: 'more', message: undefined }));
    execute(
      TIMELINE_QUERY,
      { id: forId, first: TIMELINE_PAGE, after: timeline.endCursor },
      signal,
    ).then(
      ({ customer }) => {
        if (current.current?.id === forId) setTimeline(pageState(customer?.timeline ?? null, before));
      },
      (err: unknown) => {
        if (!signal.aborted) setTimeline((t) => ({ ...t, status: 'ready', message: message(err) }));
      },
    );
  }, [timeline]);

  // Live events the loaded pages already hold (they raced the first query) are shown once.
  const items = [...live.filter((l) => !timeline.items.some((i) => sameEvent(i.event, l.event))), ...timeline.items];
  return { profile, timeline: { ...timeline, items }, liveCount: live.length, retry, loadMore };
}

function pageState(page: TimelinePage | null, before: TimelineItem[]): TimelineState {
  const items = (page?.edges ?? []).map((e) => ({ key: e.cursor, event: e.node, live: false }));
  return {
    status: 'ready',
    items: [...before, ...items],
    hasNextPage: page?.pageInfo.hasNextPage ?? false,
    endCursor: page?.pageInfo.endCursor ?? null,
  };
}
