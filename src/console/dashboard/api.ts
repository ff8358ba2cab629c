import { createClient, type Client, type SubscribePayload } from 'graphql-ws';
import type { TypedDocumentString } from '../../generated/console/graphql';
import { authorizationHeaders } from './credential';
import {
  ACTIVITY_SUBSCRIPTION,
  CHART_WINDOW,
  PROFILE_SUBSCRIPTION,
  SEGMENT_CHANGES_SUBSCRIPTION,
  type ActivityEvent,
  type Profile,
  type SegmentChange,
} from './queries';

/**
 * Talks to the gateway that served this page: queries over HTTP, live activity over graphql-ws. Every
 * operation goes by its document id (its hash in the generated manifest, which the gateway trusts), not by
 * its text, so the console works where the gateway requires trusted documents.
 */

const httpUrl = new URL('/graphql', location.href).toString();

export class ApiError extends Error {
  override name = 'ApiError';
  /** The `extensions.code` of each error the gateway returned. */
  constructor(
    message: string,
    readonly codes: readonly string[] = [],
  ) {
    super(message);
  }
}

/** The gateway wants a (valid) credential: the console asks the agent to sign in. */
export class AuthRequiredError extends ApiError {
  override name = 'AuthRequiredError';
}

const authListeners = new Set<() => void>();

/** Called whenever the gateway refuses a request for want of a valid credential. */
export function onAuthRequired(listener: () => void): () => void {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

/** The id of a generated document: `sha256:` and the hash of its text in the manifest. */
function documentId(document: { __meta__?: Record<string, unknown> | undefined }): string {
  const id: unknown = document.__meta__?.['hash'];
  if (typeof id !== 'string') throw new ApiError('This operation has no document id: run `npm run codegen`.');
  return id;
}

export async function execute<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  signal?: AbortSignal,
): Promise<TResult> {
  let response: Response;
  try {
    response = await fetch(httpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...authorizationHeaders() },
      body: JSON.stringify({ documentId: documentId(document), variables }),
      signal,
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError('The gateway cannot be reached.');
  }
  let body: { data?: TResult; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new ApiError(`The gateway answered ${response.status} without a GraphQL response.`);
  }
  const message = body.errors?.map((e) => e.message).join('; ');
  if (response.status === 401 || body.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) {
    for (const listener of authListeners) listener();
    throw new AuthRequiredError(message || 'The gateway asks for a credential.');
  }
  if (message) throw new ApiError(message, body.errors?.map((e) => e.extensions?.code ?? '') ?? []);
  if (!body.data) throw new ApiError(`The gateway answered ${response.status} without data.`);
  return body.data;
}

/** `idle` while no customer is open (no socket is needed then); `denied` when the credential is refused. */
export type LiveState = 'idle' | 'connecting' | 'live' | 'offline' | 'denied';

let client: Client | null = null;
let liveState: LiveState = 'idle';
let activeSubscriptions = 0;
const liveListeners = new Set<(state: LiveState) => void>();

function setLiveState(state: LiveState): void {
  liveState = state;
  for (const listener of liveListeners) listener(state);
}

function wsClient(): Client {
  client ??= createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    // Browsers cannot set headers on a WebSocket: the credential travels in the connection_init message.
    connectionParams: authorizationHeaders,
    // Reconnect for as long as the page is open (a gateway restart must not need a reload), but not
    // with a credential the gateway refused (4401, 4403): signing in again makes a new client.
    retryAttempts: Infinity,
    shouldRetry: (event) => !(isCloseEvent(event) && (event.code === 4401 || event.code === 4403)),
    lazy: true,
    // Keeps the socket while the agent moves from one customer to the next.
    lazyCloseTimeout: 5_000,
    retryWait: async (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** retries, 10_000))),
    on: {
      connecting: () => setLiveState('connecting'),
      connected: () => setLiveState('live'),
      closed: (event) => {
        if (isCloseEvent(event) && (event.code === 4401 || event.code === 4403)) setLiveState('denied');
        else setLiveState(activeSubscriptions > 0 ? 'offline' : 'idle');
      },
    },
  });
  return client;
}

const isCloseEvent = (event: unknown): event is { code: number } =>
  typeof event === 'object' && event !== null && typeof (event as { code?: unknown }).code === 'number';

/** After signing in or out: the next subscription connects afresh with the new credential. */
export function resetLiveConnection(): void {
  void client?.dispose();
  client = null;
}

export function onLiveState(listener: (state: LiveState) => void): () => void {
  liveListeners.add(listener);
  listener(liveState);
  return () => liveListeners.delete(listener);
}

/** Streams new activity for one customer until the returned function is called. */
export function subscribeActivity(customerId: string, onEvent: (event: ActivityEvent) => void): () => void {
  return subscribe<{ customerActivity: ActivityEvent }>(documentId(ACTIVITY_SUBSCRIPTION), { customerId }, (data) => onEvent(data.customerActivity));
}

/** Streams every segment entry and exit until the returned function is called. */
export function subscribeSegmentChanges(onChange: (change: SegmentChange) => void): () => void {
  return subscribe<{ segmentChanges: SegmentChange }>(documentId(SEGMENT_CHANGES_SUBSCRIPTION), {}, (data) => onChange(data.segmentChanges));
}

/**
 * Streams the customer's profile, pushed after every commit that touched them, until the returned function is
 * called; `onEnd` when the gateway ends the stream (the customer was erased).
 */
export function subscribeProfile(customerId: string, onProfile: (profile: Profile) => void, onEnd: () => void): () => void {
  return subscribe<{ customerProfile: Profile }>(
    documentId(PROFILE_SUBSCRIPTION),
    { id: customerId, window: CHART_WINDOW },
    (data) => onProfile(data.customerProfile),
    onEnd,
  );
}

function subscribe<T>(id: string, variables: Record<string, unknown>, onData: (data: T) => void, onEnd?: () => void): () => void {
  activeSubscriptions++;
  let done = false;
  // graphql-ws requires a `query` string; the gateway reads the document id beside it.
  const payload: SubscribePayload & { documentId: string } = { query: '', documentId: id, variables };
  const unsubscribe = wsClient().subscribe<T>(payload, {
    next: (result) => {
      if (result.data) onData(result.data);
    },
    error: () => {
      if (liveState !== 'denied') setLiveState('offline');
    },
    complete: () => {
      if (!done) onEnd?.();
    },
  });
  return () => {
    if (done) return;
    done = true;
    activeSubscriptions--;
    unsubscribe();
  };
}
