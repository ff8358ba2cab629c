import { getOperationAST, print, subscribe, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { pullStream, takePending } from './pull';

type Subscribed = Awaited<ReturnType<typeof subscribe>>;
type Stream = AsyncGenerator<ExecutionResult, void, undefined>;

interface Consumer {
  /** Only the newest result waits: a live profile is a state, so a slow client skips to the latest one. */
  pending: ExecutionResult | null;
  wake: (() => void) | null;
  closed: boolean;
}

const isStream = (value: Subscribed): value is Stream => typeof (value as Stream)[Symbol.asyncIterator] === 'function';

/** One execution of a subscription whose results every consumer with the same key receives. */
class Group {
  readonly consumers = new Set<Consumer>();
  private ended = false;

  constructor(
    private readonly source: Stream,
    private readonly onEmpty: () => void,
  ) {
    void this.pump();
  }

  private async pump(): Promise<void> {
    try {
      for await (const result of this.source) {
        for (const c of this.consumers) {
          c.pending = result;
          c.wake?.();
        }
      }
    } finally {
      this.ended = true;
      this.onEmpty();
      for (const c of this.consumers) c.wake?.();
    }
  }

  join(): Stream {
    const consumer: Consumer = { pending: null, wake: null, closed: false };
    this.consumers.add(consumer);
    const leave = () => {
      if (!this.consumers.delete(consumer)) return;
      if (this.consumers.size === 0 && !this.ended) {
        this.onEmpty();
        void this.source.return(undefined);
      }
    };
    return pullStream(consumer, takePending(consumer), leave, () => this.ended);
  }
}

/**
 * Runs each distinct live-profile subscription once, however many clients hold it. Subscriptions with the same
 * document, operation, variables and role (the key) get the same results, so the first one's execution serves
 * them all: a push of one customer's profile to a thousand support desks is one execution and one serialisation,
 * not a thousand. Results carry no per-client state (errors are masked per connection when sent), and the role
 * is part of the key, so each client still gets what its role may read. Other subscriptions run as usual.
 */
export class SharedSubscriptions {
  private readonly groups = new Map<string, Group>();
  private readonly printed = new WeakMap<DocumentNode, string>();

  /**
   * @param keyOf what makes two subscriptions the same besides their text and variables (the caller's role);
   *   null for a subscription that is never shared
   */
  constructor(
    private readonly fields: ReadonlySet<string>,
    private readonly keyOf: (args: ExecutionArgs) => string | null,
  ) {}

  /** Clients holding a shared subscription. */
  consumers(): number {
    let n = 0;
    for (const g of this.groups.values()) n += g.consumers.size;
    return n;
  }

  /** graphql-ws's `subscribe`: shared for the operations whose only root field is one of `fields`. */
  async subscribe(args: ExecutionArgs): Promise<Subscribed> {
    const key = this.key(args);
    if (key === null) return subscribe(args);
    const existing = this.groups.get(key);
    if (existing) return existing.join();
    const source = await subscribe(args);
    if (!isStream(source)) return source;
    // Another client with the same key may have started the group while this one subscribed.
    const raced = this.groups.get(key);
    if (raced) {
      void source.return(undefined);
      return raced.join();
    }
    const group: Group = new Group(source, () => {
      if (this.groups.get(key) === group) this.groups.delete(key);
    });
    this.groups.set(key, group);
    return group.join();
  }

  private key(args: ExecutionArgs): string | null {
    const operation = getOperationAST(args.document, args.operationName);
    const selections = operation?.selectionSet.selections ?? [];
    if (operation?.operation !== 'subscription' || selections.length !== 1) return null;
    const only = selections[0]!;
    if (only.kind !== 'Field' || !this.fields.has(only.name.value)) return null;
    const who = this.keyOf(args);
    if (who === null) return null;
    let text = this.printed.get(args.document);
    if (text === undefined) this.printed.set(args.document, (text = print(args.document)));
    return JSON.stringify([who, args.operationName ?? null, text, args.variableValues ?? {}]);
  }
}
