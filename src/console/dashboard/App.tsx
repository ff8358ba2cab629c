import { useCallback, useEffect, useState } from 'preact/hooks';
import { onAuthRequired, onLiveState, resetLiveConnection, type LiveState } from './api';
import { readCredential, writeCredential } from './credential';
import { EraseAction, Erased } from './Erasure';
import { fullName } from './format';
import { Icon } from './icons';
import { ActivityMix } from './panels/ActivityMix';
import { Details } from './panels/Details';
import { Favourites } from './panels/Favourites';
import { LastActivity } from './panels/LastActivity';
import { Skeleton } from './panels/Panel';
import { PurchaseStats } from './panels/PurchaseStats';
import { RecentErrors } from './panels/RecentErrors';
import { SpendChart } from './panels/SpendChart';
import { Timeline } from './panels/Timeline';
import { SearchBox } from './SearchBox';
import { SegmentsPage } from './SegmentsPage';
import { useCustomer } from './useCustomer';

const customerFromUrl = () => new URLSearchParams(location.search).get('customer')?.trim() || null;
/** `/?segments` opens the Segments page, `/?segments=vip` with that segment selected. */
const segmentsFromUrl = () => {
  const value = new URLSearchParams(location.search).get('segments');
  return value === null ? null : { selected: value.trim() || null };
};

/**
 * What the page shows lives in the URL, so a link opens it and Back returns to it: the open customer
 * (`/?customer=C0000001`) or the Segments page (`/?segments`, `/?segments=vip`).
 */
function useUrlView() {
  const read = () => ({ customer: customerFromUrl(), segments: segmentsFromUrl() });
  const [view, setView] = useState(read);
  useEffect(() => {
    const onPop = () => setView(read());
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const go = useCallback((name: 'customer' | 'segments', value: string) => {
    const url = new URL(location.href);
    url.search = '';
    url.searchParams.set(name, value);
    if (url.href !== location.href) history.pushState(null, '', url);
    setView(read());
  }, []);
  const open = useCallback((customer: string) => go('customer', customer), [go]);
  const select = useCallback((segment: string) => go('segments', segment), [go]);
  return { id: view.customer, segmentsView: view.segments, open, select };
}

/** A clock for relative times ("5 min ago"), ticking while the page is open. */
function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

const LIVE_TEXT: Record<LiveState, string> = {
  idle: 'Live updates',
  connecting: 'Connecting…',
  live: 'Live',
  offline: 'Offline, retrying',
  denied: 'Not signed in',
};

function LiveStatus() {
  const [state, setState] = useState<LiveState>('idle');
  useEffect(() => onLiveState(setState), []);
  return (
    <span class={`live live--${state}`} data-live-state={state} role="status" title="Live activity over graphql-ws">
      <span class="live__dot" aria-hidden="true" />
      {LIVE_TEXT[state]}
    </span>
  );
}

export function App() {
  const { id, segmentsView, open, select: selectSegment } = useUrlView();
  const { profile, timeline, liveCount, retry, loadMore, erasure, erase } = useCustomer(segmentsView ? null : id);
  const now = useNow(15_000);
  const ready = profile.status === 'ready' ? profile.data : null;
  const [announcement, setAnnouncement] = useState('');
  const [needsCredential, setNeedsCredential] = useState(false);
  useEffect(() => onAuthRequired(() => setNeedsCredential(true)), []);
  const signIn = (credential: string | null) => {
    writeCredential(credential);
    resetLiveConnection();
    setNeedsCredential(false);
    retry();
  };

  useEffect(() => {
    document.title = ready ? `${fullName(ready)} · Customer 360` : 'Customer 360 · Support console';
  }, [ready?.id, ready?.firstName, ready?.lastName]);

  const newest = timeline.items[0];
  useEffect(() => {
    if (liveCount > 0 && newest?.live) setAnnouncement(`New activity: ${newest.event.summary}`);
  }, [liveCount]);

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to profile
      </a>
      <header class="topbar">
        <a class="brand" href="/" aria-label="Customer 360 home">
          <span class="brand__mark" aria-hidden="true">
            <Icon name="user" size={16} />
          </span>
          <span class="brand__name">Customer 360</span>
        </a>
        <SearchBox onSelect={open} />
        <div class="topbar__end">
          <LiveStatus />
          <a class="topbar__link" href="/?segments" aria-current={segmentsView ? 'page' : undefined}>
            <Icon name="layers" size={16} />
            <span>Segments</span>
          </a>
          {readCredential() && (
            <button type="button" class="topbar__link topbar__button" onClick={() => signIn(null)}>
              Sign out
            </button>
          )}
          <a class="topbar__link" href={id ? `/graphiql?customer=${encodeURIComponent(id)}` : '/graphiql'}>
            <Icon name="code" size={16} />
            <span>GraphiQL</span>
          </a>
        </div>
      </header>
      <main id="main" class="main" aria-busy={profile.status === 'loading'}>
        <div class="visually-hidden" aria-live="polite">
          {announcement}
        </div>
        {needsCredential && <SignIn refused={readCredential() !== null} onSubmit={signIn} />}
        {!needsCredential && segmentsView && <SegmentsPage selected={segmentsView.selected} onSelect={selectSegment} onOpenCustomer={open} now={now} />}
        {!needsCredential && !segmentsView && profile.status === 'idle' && <Welcome onOpen={open} />}
        {profile.status === 'loading' && <LoadingGrid />}
        {profile.status === 'missing' && (
          <div class="state-card" role="alert">
            <h1>No customer “{id}”</h1>
            <p>Nothing is known under this id. Search by email or name instead.</p>
          </div>
        )}
        {profile.status === 'erased' && <Erased receipt={profile.receipt} />}
        {!needsCredential && profile.status === 'error' && (
          <div class="state-card state-card--error" role="alert">
            <h1>The profile could not be loaded</h1>
            <p>{profile.message}</p>
            <button type="button" class="button" onClick={retry}>
              <Icon name="retry" size={16} /> Try again
            </button>
          </div>
        )}
        {ready && erasure === 'allowed' && <EraseAction customerId={ready.id} onErase={erase} />}
        {ready && (
          <div class="grid" data-customer={ready.id}>
            <Details profile={ready} />
            <RecentErrors errors={ready.recentErrors} now={now} />
            <PurchaseStats stats={ready.purchaseStats} now={now} />
            <Favourites products={ready.favouriteProducts} />
            <SpendChart orders={ready.recentOrders} now={now} />
            <ActivityMix activity={ready.recentActivity} />
            <Timeline timeline={timeline} now={now} onLoadMore={loadMore} />
            <LastActivity last={ready.lastActivity} now={now} />
          </div>
        )}
      </main>
    </>
  );
}

/** When the gateway requires authentication: the agent pastes the API key or token they were given. */
function SignIn({ refused, onSubmit }: { refused: boolean; onSubmit: (credential: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <form
      class="state-card sign-in"
      onSubmit={(e) => {
        e.preventDefault();
        if (value.trim()) onSubmit(value.trim());
      }}
    >
      <h1>Sign in to the gateway</h1>
      <p>This gateway requires a credential. Paste the API key or access token you were given.</p>
      {refused && (
        <p class="notice notice--error" role="alert">
          The gateway refused that credential.
        </p>
      )}
      <label for="credential" class="sign-in__label">
        API key or token
      </label>
      <input
        id="credential"
        class="sign-in__input"
        type="password"
        autocomplete="off"
        value={value}
        onInput={(e) => setValue(e.currentTarget.value)}
      />
      <button type="submit" class="button">
        Sign in
      </button>
    </form>
  );
}

function Welcome({ onOpen }: { onOpen: (id: string) => void }) {
  return (
    <div class="state-card welcome">
      <span class="welcome__icon" aria-hidden="true">
        <Icon name="search" size={28} />
      </span>
      <h1>Find the customer on the line</h1>
      <p>
        Type a customer id, an email address or a name in the search box. Use <kbd>↑</kbd> <kbd>↓</kbd> and <kbd>Enter</kbd> to pick a
        suggestion; <kbd>/</kbd> jumps to the search from anywhere.
      </p>
      <p class="muted">
        Or open an example:{' '}
        <button type="button" class="link-button" onClick={() => onOpen('C0000001')}>
          C0000001
        </button>
      </p>
    </div>
  );
}

function LoadingGrid() {
  const areas = ['details', 'errors', 'purchases', 'favourites', 'spend', 'mix', 'timeline', 'last'];
  return (
    <div class="grid" aria-label="Loading the profile">
      {areas.map((area) => (
        <section key={area} class={`panel area-${area} panel--loading`}>
          <header class="panel__head">
            <span class="skeleton__title" />
          </header>
          <div class="panel__body">
            <Skeleton lines={area === 'timeline' ? 6 : 3} />
          </div>
        </section>
      ))}
    </div>
  );
}
