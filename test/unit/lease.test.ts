// withLease's own logic (waiting, giving up, renewing, releasing) over a scripted lease; the lease itself runs
// against the embedded engine in test/integration/lease.test.ts.
import { LeaseTimeoutError, withLease, type LeaseAttempt } from '../../src/store/lease';

class ScriptedLease {
  readonly name = 'schema';
  attempts = 0;
  releases = 0;
  held = false;
  remainingMs = 300;
  constructor(private readonly script: (n: number) => LeaseAttempt) {}
  async attempt(): Promise<LeaseAttempt> {
    const result = this.script(++this.attempts);
    this.held = result.held;
    return result;
  }
  async release(): Promise<void> {
    this.releases++;
    this.held = false;
  }
}

const other = { term: 3, owner: 'other-host:42:abcd', claimedAt: 0, expiresAt: 1, released: false };
const mine = { ...other, owner: 'me' };

test('waits while another process holds the lease, then works holding it, and releases it after', async () => {
  const lease = new ScriptedLease((n) => (n < 3 ? { held: false, holder: other } : { held: true, holder: mine }));
  const seen: number[] = [];
  const result = await withLease(
    lease,
    async () => {
      seen.push(lease.attempts);
      return 'done';
    },
    { waitMs: 60_000, pollMs: 1 },
  );
  expect(result).toBe('done');
  expect(seen).toEqual([3]);
  expect(lease.releases).toBe(1);
});

test('gives up after the wait, naming the holder, without working or releasing another’s lease', async () => {
  const lease = new ScriptedLease(() => ({ held: false, holder: other }));
  let worked = false;
  const waiting = withLease(lease, async () => void (worked = true), { waitMs: 0 });
  await expect(waiting).rejects.toThrow(LeaseTimeoutError);
  await expect(withLease(lease, async () => undefined, { waitMs: 0 })).rejects.toThrow(
    'Lease schema: other-host:42:abcd has held it for more than 0 ms (term 3); if that process is gone, the lease expires by itself',
  );
  expect(worked).toBe(false);
  expect(lease.releases).toBe(0);
});

test('releases the lease when the work fails', async () => {
  const lease = new ScriptedLease(() => ({ held: true, holder: mine }));
  await expect(withLease(lease, async () => Promise.reject(new Error('boom')), { waitMs: 0 })).rejects.toThrow('boom');
  expect(lease.releases).toBe(1);
});

test('renews while the work runs, and the work learns when a renewal finds the lease lost', async () => {
  const lease = new ScriptedLease((n) => (n === 1 ? { held: true, holder: mine } : { held: false, holder: other }));
  const failure = await withLease(
    lease,
    async (guard) => {
      for (;;) {
        try {
          guard.assertHeld();
        } catch (error) {
          return (error as Error).message;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    { waitMs: 0 },
  );
  expect(failure).toBe('Lease schema was lost to other-host:42:abcd');
  expect(lease.attempts).toBeGreaterThanOrEqual(2);
});
