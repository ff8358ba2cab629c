import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, execute, subscribeActivity, subscribeProfile } from './api';
import {
  CHART_WINDOW,
  ERASE_MUTATION,
  ERASURE_QUERY,
  PROFILE_QUERY,
  TIMELINE_PAGE,
  TIMELINE_QUERY,
  type ActivityEvent,
  type Profile,
  type Receipt,
  type TimelinePage,
} from './queries';

export type ProfileState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; data: Profile; updatedAt: number }
  | { status: 'missing' }
  /** The customer was erased (only the privacy role can tell); the receipt says how far the removal is. */
  | { status: 'erased'; receipt: Receipt }
  | { status: 'error'; message: string };

/** What the signed-in role may do about erasure: null until the gateway has said. */
export type ErasureAccess = 'allowed' | 'forbidden' | null;

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
/** How often an erasure still being forced onto disk is asked about again. */
const RECEIPT_POLL_MS = 1_000;

const sameEvent = (a: ActivityEvent, b: ActivityEvent) => a.type === b.type && a.at === b.at && a.summary === b.summary;
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

let liveSerial = 0;

/**
 * One customer's profile, timeline and live activity. The gateway pushes the profile again after every commit
 * that touched the customer (`customerProfile`); new timeline events are prepended as they arrive. For the
 * privacy role, the customer's erasure: the action, and the receipt once erased.
 */
export function useCustomer(id: string | null) {
  const [profile, setProfile] = useState<ProfileState>({ status: 'idle' });
  const [erasure, setErasure] = useState<ErasureAccess>(null);
  const [timeline, setTimeline] = useState<TimelineState>(EMPTY_TIMELINE);
  const [live, setLive] = useState<TimelineItem[]>([]);
  const [attempt, setAttempt] = useState(0);
  const current = useRef<{ id: string; signal: AbortSignal } | null>(null);
  const erasing = useRef<((reason: string) => Promise<void>) | null>(null);

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

    // The receipt, for a role that may read it: an erased customer shows as erased rather than unknown.
    const loadReceipt = (): Promise<Receipt | null> =>
      execute(ERASURE_QUERY, { id }, abort.signal).then(
        ({ erasure: receipt }) => {
          setErasure('allowed');
          return receipt ?? null;
        },
        (err: unknown) => {
          if (err instanceof ApiError && err.codes.includes('FORBIDDEN')) setErasure('forbidden');
          return null;
        },
      );
    const showErased = (receipt: Receipt) => {
      setProfile({ status: 'erased', receipt });
      if (!receipt.completedAt) setTimeout(() => void loadReceipt().then((r) => !abort.signal.aborted && r && showErased(r)), RECEIPT_POLL_MS);
    };

    Promise.all([execute(PROFILE_QUERY, { id, window: CHART_WINDOW }, abort.signal), loadReceipt()]).then(
      ([{ customer }, receipt]) => {
        if (abort.signal.aborted) return;
        // A push that came first is at least as new as this answer.
        if (customer) setProfile((p) => (p.status === 'ready' ? p : { status: 'ready', data: customer, updatedAt: Date.now() }));
        else if (receipt) showErased(receipt);
        else setProfile({ status: 'missing' });
      },
      (err: unknown) => {
        if (!abort.signal.aborted) setProfile({ status: 'error', message: message(err) });
      },
    );

    execute(TIMELINE_QUERY, { id, first: TIMELINE_PAGE }, abort.signal).then(
      ({ customer }) => setTimeline(pageState(customer?.timeline ?? null, [])),
      (err: unknown) => {
        if (!abort.signal.aborted) setTimeline({ ...EMPTY_TIMELINE, status: 'error', message: message(err) });
      },
    );

    const stopActivity = subscribeActivity(id, (event) => {
      setLive((items) => (items.some((i) => sameEvent(i.event, event)) ? items : [{ key: `live-${liveSerial++}`, event, live: true }, ...items]));
    });
    const stopProfile = subscribeProfile(
      id,
      (data) => setProfile({ status: 'ready', data, updatedAt: Date.now() }),
      // The gateway ends the stream when the customer is erased.
      () => void loadReceipt().then((receipt) => !abort.signal.aborted && (receipt ? showErased(receipt) : setProfile({ status: 'missing' }))),
    );
    erasing.current = async (reason: string) => {
      const { eraseCustomer } = await execute(ERASE_MUTATION, { id, reason }, abort.signal);
      if (!abort.signal.aborted) showErased(eraseCustomer);
    };
    return () => {
      abort.abort();
      stopActivity();
      stopProfile();
      erasing.current = null;
    };
  }, [id, attempt]);

  /** Erases the open customer (privacy role); rejects with the gateway's reason. */
  const erase = useCallback((reason: string) => erasing.current?.(reason) ?? Promise.resolve(), []);
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
  return { profile, timeline: { ...timeline, items }, liveCount: live.length, retry, loadMore, erasure, erase };
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
