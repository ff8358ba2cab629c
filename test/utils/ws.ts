import WebSocket from 'ws';

export interface WsClosed {
  code: number;
  reason: string;
}

/**
 * A bare graphql-transport-ws connection for tests that look at the protocol itself: close codes,
 * acknowledgements, error messages. `next()` yields the server's messages in order.
 */
export class RawGraphqlWs {
  readonly closed: Promise<WsClosed>;
  private readonly queue: Array<Record<string, unknown>> = [];
  private waiting: ((m: Record<string, unknown> | null) => void) | null = null;
  private ended = false;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.push(JSON.parse(String(data)) as Record<string, unknown>));
    this.closed = new Promise((resolve) => {
      socket.once('close', (code, reason) => {
        this.ended = true;
        this.waiting?.(null);
        resolve({ code, reason: String(reason) });
      });
    });
  }

  /** Opens the socket and sends `connection_init` with the given payload. */
  static async connect(httpUrl: string, payload?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<RawGraphqlWs> {
    const socket = new WebSocket(`${httpUrl.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { headers });
    const connection = new RawGraphqlWs(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    connection.send({ type: 'connection_init', ...(payload ? { payload } : {}) });
    return connection;
  }

  send(message: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  subscribe(id: string, query: string, variables?: Record<string, unknown>): void {
    this.send({ id, type: 'subscribe', payload: { query, ...(variables ? { variables } : {}) } });
  }

  /** The next message, or null once the socket has closed. */
  next(): Promise<Record<string, unknown> | null> {
    const message = this.queue.shift();
    if (message) return Promise.resolve(message);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  close(): void {
    this.socket.close(1000);
  }

  private push(message: Record<string, unknown>): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w(message);
    } else {
      this.queue.push(message);
    }
  }
}
