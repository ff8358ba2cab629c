import { emailSeq } from '../../src/ingest/kafka/kafka.ingester';
import { parseEmail } from '../../src/ingest/kafka/email.message';
import { parseWeblog, weblogEventKey } from '../../src/ingest/kafka/weblog.message';
import { parseDate } from '../../src/ingest/validation';

const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const reasonOf = (r: { ok: boolean; reason?: string }) => (r.ok ? 'ok' : r.reason);

describe('parseDate', () => {
  test.each([
    ['2024-05-01T10:00:00.000Z', Date.UTC(2024, 4, 1, 10)],
    ['2024-05-01T10:00:00Z', Date.UTC(2024, 4, 1, 10)],
    ['2024-05-01T12:00:00+02:00', Date.UTC(2024, 4, 1, 10)],
    ['2024-05-01T05:30:00-0430', Date.UTC(2024, 4, 1, 10)],
    ['2024-05-01 10:00:00.5', Date.UTC(2024, 4, 1, 10, 0, 0, 500)],
    ['2024-05-01T10:00', Date.UTC(2024, 4, 1, 10)],
    ['2024-05-01', Date.UTC(2024, 4, 1)],
    [1714557600000, 1714557600000],
  ])('%p is %p', (input, ms) => expect(parseDate(input)).toBe(ms));

  test.each([['yesterday'], ['2024-02-30'], ['2024-05-01T25:00:00Z'], ['05/01/2024'], [''], [Number.NaN], [true], [null], [{}], ['1714557600000'], [1e20]])(
    '%p is not a date',
    (input) => expect(parseDate(input)).toBeNull(),
  );
});

describe('weblogs messages', () => {
  const good = { user_id: 'C1', date: '2024-05-01T10:00:00.000Z', page: 'index.html', error_message: null };

  test('a good message becomes a row whose event key identifies the page view', () => {
    const parsed = parseWeblog(json(good));
    expect(parsed).toEqual({
      ok: true,
      value: { user_id: 'C1', date: Date.UTC(2024, 4, 1, 10), page: 'index.html', error_message: null, event_key: weblogEventKey('C1', Date.UTC(2024, 4, 1, 10), 'index.html', null) },
    });
    // The same view, however its date is written, has the same key; another view has another.
    const again = parseWeblog(json({ ...good, date: Date.UTC(2024, 4, 1, 10) }));
    const other = parseWeblog(json({ ...good, page: 'cart.html' }));
    expect(again.ok && parsed.ok && again.value.event_key === parsed.value.event_key).toBe(true);
    expect(other.ok && parsed.ok && other.value.event_key !== parsed.value.event_key).toBe(true);
  });

  test('error_message may be missing, null or a string', () => {
    const missing = parseWeblog(json({ user_id: 'C1', date: 0, page: 'p' }));
    expect(missing.ok && missing.value.error_message).toBeNull();
    const error = parseWeblog(json({ ...good, error_message: 'timeout' }));
    expect(error.ok && error.value.error_message).toBe('timeout');
  });

  test.each([
    [Buffer.from('{"user_id": "C1", '), /^not JSON/],
    [Buffer.from([0xff, 0xfe, 0x7b]), /^not UTF-8/],
    [json([good]), /^not a JSON object: array/],
    [json('C1'), /^not a JSON object: string/],
    [json({ ...good, user_id: undefined }), /^user_id: missing/],
    [json({ ...good, user_id: 42 }), /^user_id: expected a string, got number/],
    [json({ ...good, user_id: ' ' }), /^user_id: empty/],
    [json({ ...good, date: 'last tuesday' }), /^date: not a date/],
    [json({ ...good, date: undefined }), /^date: missing/],
    [json({ ...good, page: null }), /^page: expected a string, got null/],
    [json({ ...good, error_message: 500 }), /^error_message: expected a string or null, got number/],
  ])('%p is rejected with its reason', (value, reason) => {
    expect(reasonOf(parseWeblog(value))).toMatch(reason);
  });

  test('an empty value (a tombstone) is rejected', () => {
    expect(reasonOf(parseWeblog(null))).toBe('empty value');
  });
});

describe('marketing_emails messages', () => {
  const good = { email_id: 'E1', user_id: 'C1', date: 1714557600000, email_opened: true, email_clicked: false };

  test('a good message becomes a row', () => {
    expect(parseEmail(json(good))).toEqual({
      ok: true,
      value: { user_id: 'C1', email_id: 'E1', date: 1714557600000, opened: 1, clicked: 0 },
    });
  });

  test('messages for one email are ordered by broker timestamp, then partition, then offset, whatever partition they came on', () => {
    const seqs = [
      emailSeq({ timestamp: '1714557600000', offset: '900' }, 3),
      emailSeq({ timestamp: '1714557600001', offset: '5' }, 0),
      emailSeq({ timestamp: '1714557600001', offset: '4' }, 1),
      emailSeq({ timestamp: '1714557600001', offset: '10' }, 1),
      emailSeq({ timestamp: '1714557600002', offset: '0' }, 0),
    ];
    expect([...seqs].sort()).toEqual(seqs);
  });

  test.each([
    [{ ...good, email_id: undefined }, /^email_id: missing/],
    [{ ...good, email_opened: 'yes' }, /^email_opened: expected a boolean, got string/],
    [{ ...good, email_clicked: undefined }, /^email_clicked: missing/],
    [{ ...good, date: '2024-13-01' }, /^date: not a date/],
  ])('%p is rejected with its reason', (value, reason) => {
    expect(reasonOf(parseEmail(json(value)))).toMatch(reason);
  });
});
