// The ingest sink on a real engine: no record can stall the others, shutdown is bounded even while writes
// fail, versions stay ordered across restarts and clocks, and what the activity stream pushes is stable.
import type { ActivityEvent } from '../../src/activity/activity';
import { InProcessActivityBus } from '../../src/activity/bus';
import type { CustomerRow, IngestRecord } from '../../src/ingest/records';
import { IngestSink, type SetAsideHook, type SinkOptions } from '../../src/ingest/sink';
import { profileBatch } from '../../src/loaders/parts';
import type { CustomerRollup } from '../../src/loaders/rollup.part';
import type { ClickHouseStore } from '../../src/store/clickhouse';
import { startTestGateway, type TestGateway } from '../utils/gateway';
import { capturedLogger } from '../utils/ingest';
import { expectRollupsMatchSources } from '../utils/verify';

const BASE = Date.UTC(2024, 4, 1);

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(() => t.close());

function sinkOn(store: ClickHouseStore, options: Partial<SinkOptions> = {}, bus = new InProcessActivityBus()) {
  const log = capturedLogger('warn');
  const sink = new IngestSink(store, bus, { batchRows: 10_000, flushMs: 1, retryDelayMs: 5, maxRetryDelayMs: 20, ...options }, log.logger);
  return { sink, log, bus };
}

const customer = (id: string, first: string, extra: Partial<CustomerRow> = {}): IngestRecord => ({
  kind: 'customer',
  row: { id, source_id: `m-${id}`, first_name: first, last_name: 'Sink', gender: null, dob: null, email: null, street: null, city: null, postcode: null, country: null, ...extra },
  origin: { source: 'mongo:customers', key: `m-${id}`, customerId: id, document: JSON.stringify({ id, first_name: first }) },
});
const view = (user: string, i: number, page = `p${i}.html`): IngestRecord => ({
  kind: 'weblog',
  row: { user_id: user, date: BASE + i, page, error_message: null, event_key: `${user}-${i}` },
  origin: { source: 'kafka:weblogs', key: `0/${i}`, customerId: user, document: JSON.stringify({ user_id: user, page }) },
});

const rejected = (customerId: string) =>
  t.gateway.store.query<{ source: string; key: string; reason: string }>(
    'test',
    'SELECT source, key, reason FROM rejected_records WHERE customer_id = {id:String} ORDER BY rejected_at, key',
    { id: customerId },
  );
const rollups = async (...ids: string[]) =>
  (await profileBatch(t.gateway.store)(ids.map((id) => ({ part: 'rollup' as const, id })))) as CustomerRollup[];

describe('a record the engine would refuse never holds back the others', () => {
  test('checked up front: a lone surrogate, a non-finite price, an out-of-range date, a string over the cap are set aside with their reason', async () => {
    const { sink } = sinkOn(t.gateway.store, { maxStringBytes: 1_024 });
    const hooked: Array<{ key: string; reason: string }> = [];
    const hook: SetAsideHook = async (items) => {
      for (const { record, reason } of items) hooked.push({ key: record.origin!.key, reason });
    };
    await sink.write(
      [
        view('SV1', 1),
        // The probe of issue "Ingestion never stalls": {"page":"\ud800"} passed validation and stalled every source.
        view('SV1', 2, '\ud800'),
        { ...view('SV1', 3), row: { ...(view('SV1', 3) as { row: object }).row, page: 'x'.repeat(2_000) } } as IngestRecord,
        { ...view('SV1', 4), row: { ...(view('SV1', 4) as { row: object }).row, date: Date.UTC(9999, 0, 1) } } as IngestRecord,
        {
          kind: 'order',
          row: { user_id: 'SV1', channel: 'online', order_id: 'SV-O1', date: BASE, item_names: ['Hat'], item_prices: [Number.NaN], item_quantities: [1], location: null },
          origin: { source: 'mongo:online_orders', key: 'SV-O1', customerId: 'SV1', document: '{}' },
        },
        view('SV1', 5),
      ],
      undefined,
      hook,
    );
    await sink.close();
    expect(await rejected('SV1')).toEqual([
      { source: 'kafka:weblogs', key: '0/2', reason: 'page: not well-formed Unicode (a lone surrogate)' },
      { source: 'kafka:weblogs', key: '0/3', reason: 'page: longer than 1024 bytes' },
      { source: 'kafka:weblogs', key: '0/4', reason: 'date: outside 1900-01-01 to 2299-12-31' },
      { source: 'mongo:online_orders', key: 'SV-O1', reason: 'items[0].price: not a finite number' },
    ]);
    expect(hooked.map((h) => h.key)).toEqual(['0/2', '0/3', '0/4', 'SV-O1']);
    const [r] = await rollups('SV1');
    expect(r!.lastActivity.lastWebsiteVisit).toEqual(new Date(BASE + 5));
    expect(r!.purchaseStats.totalOrders).toBe(0);
    expect(sink.stats.setAside).toBe(4);
  });

  test('a date of birth outside what the column holds is left out, and the customer kept', async () => {
    const { sink } = sinkOn(t.gateway.store);
    await sink.write([customer('SD1', 'Ada', { dob: '1815-12-10' })]);
    await sink.close();
    const [r] = await rollups('SD1');
    expect(r!.details).toMatchObject({ first_name: 'Ada', dob: null });
    await expectRollupsMatchSources(t.gateway.store, ['SD1']);
  });

  test('refused by the engine: the batch is split, the rest committed, the refused record set aside with the engine reason', async () => {
    // With the checks off, the lone surrogate reaches ClickHouse, which refuses the customers insert.
    const { sink, log } = sinkOn(t.gateway.store, { validate: false });
    const hooked: string[] = [];
    await sink.write(
      [customer('SE1', 'Ada'), customer('SE2', 'Bad\ud800name'), customer('SE3', 'Cy'), view('SE2', 1), customer('SE4', 'Di')],
      { source: 'test:sink', position: 'after-refusal' },
      async (items) => void hooked.push(...items.map((i) => i.record.origin!.key)),
    );
    await sink.close();
    const [one, two, three, four] = await rollups('SE1', 'SE2', 'SE3', 'SE4');
    expect([one, three, four].map((r) => r!.details?.first_name)).toEqual(['Ada', 'Cy', 'Di']);
    // The refused version is not in the profile, even though its state was written before the engine refused it.
    expect(two!.details).toBeNull();
    expect(two!.lastActivity.lastWebsiteVisit).toEqual(new Date(BASE + 1));
    expect(await rejected('SE2')).toEqual([
      { source: 'mongo:customers', key: 'm-SE2', reason: 'refused by ClickHouse: CANNOT_PARSE_ESCAPE_SEQUENCE (Cannot parse escape sequence)' },
    ]);
    expect(hooked).toEqual(['m-SE2']);
    const [checkpoint] = await t.gateway.store.query<{ position: string }>('test', "SELECT position FROM ingest_checkpoints FINAL WHERE source = 'test:sink'");
    expect(checkpoint?.position).toBe('after-refusal');
    expect(log.lines().some((l) => l['msg'] === 'ClickHouse refused part of a batch; finding the records it refuses')).toBe(true);
    await expectRollupsMatchSources(t.gateway.store, ['SE1', 'SE2', 'SE3', 'SE4']);
  });

  test('the set-aside hook gets each refused record as it was given, also one the sink stamped with a version', async () => {
    // A Kafka email carries no version: the sink writes a versioned copy. The dead-letter hook finds the message by
    // the record it gave, so it must get that record back, not the copy.
    const { sink } = sinkOn(t.gateway.store, { validate: false });
    const email: IngestRecord = { kind: 'email', row: { user_id: 'SG1', email_id: 'SG-\ud800', date: BASE, opened: 1, clicked: 0 } };
    const person = customer('SG2', 'Bad\ud800name');
    const got: IngestRecord[] = [];
    await sink.write([email, person], undefined, async (items) => void got.push(...items.map((i) => i.record)));
    await sink.close();
    expect(got).toHaveLength(2);
    expect(got).toContain(email);
    expect(got).toContain(person);
    expect(sink.stats.setAside).toBe(2);
  });

  test('a transient failure (a table missing for a while) is retried, never set aside', async () => {
    const { sink } = sinkOn(t.gateway.store);
    await t.gateway.store.command('test', 'DETACH TABLE marketing_emails');
    const email: IngestRecord = { kind: 'email', row: { user_id: 'ST1', email_id: 'ST-E1', date: BASE, opened: 1, clicked: 0 } };
    const written = sink.write([customer('ST1', 'Retried'), email]);
    while (sink.stats.writeFailures < 3) await new Promise((r) => setTimeout(r, 10));
    await t.gateway.store.command('test', 'ATTACH TABLE marketing_emails');
    await written;
    await sink.close();
    expect(sink.stats.setAside).toBe(0);
    expect(await rejected('ST1')).toEqual([]);
    const [r] = await rollups('ST1');
    expect(r!.lastActivity.lastEmailOpened).toEqual(new Date(BASE));
  });
});

describe('closing', () => {
  test('while writes keep failing, close(grace) gives the batch up: its writers get the error and nothing is acknowledged', async () => {
    const { sink } = sinkOn(t.gateway.store, { retryDelayMs: 50, maxRetryDelayMs: 1_000 });
    await t.gateway.store.command('test', 'DETACH TABLE orders');
    try {
      const order: IngestRecord = {
        kind: 'order',
        row: { user_id: 'SC1', channel: 'online', order_id: 'SC-O1', date: BASE, item_names: ['Hat'], item_prices: [1], item_quantities: [1], location: null },
      };
      const written = sink.write([order], { source: 'test:closing', position: 'never' });
      const outcome = written.then(
        () => 'committed',
        (e: Error) => e.message,
      );
      while (sink.stats.writeFailures < 2) await new Promise((r) => setTimeout(r, 10));
      await sink.close(300);
      expect(await outcome).toMatch(/orders/);
      const stored = await t.gateway.store.query('test', "SELECT position FROM ingest_checkpoints FINAL WHERE source = 'test:closing'");
      expect(stored).toEqual([]);
    } finally {
      await t.gateway.store.command('test', 'ATTACH TABLE orders');
    }
  });
});

describe('versions', () => {
  test('a delete written after a restart wins over the row before it, even when the clock went back two seconds', async () => {
    const now = Date.now();
    const first = sinkOn(t.gateway.store, { clock: () => now }).sink;
    await first.resumeVersions();
    await first.write([customer('SVer', 'Before')]);
    await first.close();

    const second = sinkOn(t.gateway.store, { clock: () => now - 2_000 }).sink;
    await second.resumeVersions();
    await second.write([{ kind: 'customer', row: { ...(customer('SVer', 'Gone') as { row: CustomerRow }).row, deleted: 1 } }]);
    await second.close();
    const [r] = await rollups('SVer');
    expect(r!.details).toBeNull();
    const live = await t.gateway.store.query('test', "SELECT id FROM customers FINAL WHERE id = 'SVer'");
    expect(live).toEqual([]);
  });
});

describe('the activity stream', () => {
  test('pushes each record with an id stable across redelivery; an email flag update after a restart is not pushed as a new email', async () => {
    const pushed: ActivityEvent[] = [];
    const bus = new InProcessActivityBus();
    const subscription = bus.subscribe('SA1');
    const reading = (async () => {
      for await (const e of subscription) pushed.push(e);
    })();
    const email = (opened: 0 | 1, seq: string): IngestRecord => ({ kind: 'email', row: { user_id: 'SA1', email_id: 'SA-E1', date: BASE, opened, clicked: 0, seq } });

    const first = sinkOn(t.gateway.store, {}, bus).sink;
    await first.resumeVersions();
    await first.write([view('SA1', 1), email(0, '001')]);
    await first.close();
    // A restart: the view delivered again, the email's flags changed since.
    const second = sinkOn(t.gateway.store, {}, bus).sink;
    await second.resumeVersions();
    await second.write([view('SA1', 1), email(1, '002')]);
    await second.close();
    await subscription.return(undefined);
    await reading;

    expect(pushed.map((e) => [e.type, e.id])).toEqual([
      ['WEBSITE_VISIT', 'weblogs:SA1-1'],
      ['EMAIL_SENT', 'marketing_emails:SA-E1'],
      // At least once: the redelivered view is pushed again, with the same id.
      ['WEBSITE_VISIT', 'weblogs:SA1-1'],
    ]);
    const [r] = await rollups('SA1');
    expect(r!.lastActivity.lastEmailOpened).toEqual(new Date(BASE));
  });
});

describe('commit listeners', () => {
  test('hear, after each commit, the customers it touched, once their rows are visible to queries', async () => {
    const { sink } = sinkOn(t.gateway.store);
    const heard: Array<{ customers: string[]; visible: boolean }> = [];
    const pending: Array<Promise<void>> = [];
    sink.onCommit(({ customers }) => {
      pending.push(
        rollups(...customers).then((rs) => void heard.push({ customers: [...customers].sort(), visible: rs.every((r) => r.details !== null || r.lastActivity.lastWebsiteVisit !== null) })),
      );
    });
    await sink.write([customer('SL1', 'Listened'), view('SL2', 1), { kind: 'rejected', origin: { source: 'test', key: 'x', customerId: 'SL3' }, reason: 'bad' }]);
    await sink.close();
    await Promise.all(pending);
    expect(heard).toEqual([{ customers: ['SL1', 'SL2'], visible: true }]);
  });
});
