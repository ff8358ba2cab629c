// LeaseKeeper's transitions over a scripted lease: the guarded work runs exactly while the lease is held.
import pino from 'pino';
import type { LeaseAttempt } from '../../src/store/lease';
import { LeaseKeeper } from '../../src/store/lease.keeper';

class ScriptedLease {
  readonly name = 'ingest';
  readonly owner = 'me';
  held = false;
  remainingMs = 60_000;
  releases = 0;
  next: LeaseAttempt = { held: false, holder: null };
  async attempt(): Promise<LeaseAttempt> {
    this.held = this.next.held;
    return this.next;
  }
  async release(): Promise<void> {
    this.releases++;
    this.held = false;
  }
}

const me = { term: 1, owner: 'me', claimedAt: 0, expiresAt: 1, released: false };
const other = { ...me, term: 2, owner: 'other' };

function keeper(lease: ScriptedLease, acquired: () => Promise<void> = async () => undefined) {
  const log: string[] = [];
  const k = new LeaseKeeper(
    lease,
    {
      acquired: async () => {
        log.push('start');
        await acquired();
      },
      released: async () => void log.push('stop'),
    },
    { roundMs: 5, logger: pino({ level: 'silent' }) },
  );
  return { k, log };
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};

test('a standby starts nothing, then starts the work when it wins the lease and stops it when it loses it', async () => {
  const lease = new ScriptedLease();
  lease.next = { held: false, holder: other };
  const { k, log } = keeper(lease);
  await k.start();
  expect(k.status).toEqual({ holding: false, holder: 'other', term: 2 });
  expect(log).toEqual([]);

  lease.next = { held: true, holder: me };
  await until(() => k.status.holding);
  expect(log).toEqual(['start']);

  lease.next = { held: false, holder: other };
  await until(() => !k.status.holding);
  expect(log).toEqual(['start', 'stop']);
  await k.stop();
  expect(lease.releases).toBe(0);
});

test('the work stops at the deadline of the last renewal even while ClickHouse cannot be reached', async () => {
  const lease = new ScriptedLease();
  lease.next = { held: true, holder: me };
  lease.remainingMs = 50;
  const { k, log } = keeper(lease);
  await k.start();
  expect(log).toEqual(['start']);
  lease.attempt = () => new Promise(() => undefined); // every round now hangs
  lease.held = false;
  await until(() => !k.status.holding);
  expect(log).toEqual(['start', 'stop']);
});

test('work that fails to start on the first round fails start() and gives the lease back', async () => {
  const lease = new ScriptedLease();
  lease.next = { held: true, holder: me };
  const { k, log } = keeper(lease, async () => Promise.reject(new Error('broker down')));
  await expect(k.start()).rejects.toThrow('broker down');
  expect(log).toEqual(['start', 'stop']);
  expect(lease.releases).toBe(1);
  expect(k.status.holding).toBe(false);
});

test('stopping a holder stops the work, then releases the lease for the next one', async () => {
  const lease = new ScriptedLease();
  lease.next = { held: true, holder: me };
  const { k, log } = keeper(lease);
  await k.start();
  await k.stop();
  expect(log).toEqual(['start', 'stop']);
  expect(lease.releases).toBe(1);
});
