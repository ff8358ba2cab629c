import { serverAudits, type AuditResult } from 'graphql-http';
import { hashApiKey } from '../../src/auth/credentials';
import { startTestGateway, type TestGateway } from '../utils/gateway';

// The GraphQL-over-HTTP audit suite shipped with graphql-http, run against a gateway configured as
// in production (credentials required; every audit request carries a valid API key).

const API_KEY = 'c360_compliance-test-key-0123456789';

/**
 * Audits deliberately not passed, each with the status it gives and why:
 * - the three GET audits: Apollo Server's CSRF prevention (kept on) refuses a GET that carries neither
 *   a Content-Type nor an `apollo-require-preflight` / `x-apollo-operation-name` header, with 400.
 *   GET works for clients that send one of them; browsers cannot send them cross-site without a preflight.
 * - the three "SHOULD use 200 … when accepting application/json" audits: Apollo Server answers a
 *   document that does not parse, validate or coerce with 400 in both media types, so the status tells
 *   the failure apart from a served response whatever the client accepts (the application/graphql-response+json
 *   counterparts, which require 4xx, pass).
 */
const SKIPPED: Record<string, { status: AuditResult['status']; reason: string }> = {
  '5A70': { status: 'notice', reason: 'GET without a CSRF preflight header is refused (400)' },
  D6D5: { status: 'notice', reason: 'GET without a CSRF preflight header is refused (400)' },
  '6A70': { status: 'notice', reason: 'GET without a CSRF preflight header is refused (400)' },
  '572B': { status: 'warn', reason: 'parse failure is 400 under application/json too' },
  FDE2: { status: 'warn', reason: 'validation failure is 400 under application/json too' },
  '7B9B': { status: 'warn', reason: 'variable coercion failure is 400 under application/json too' },
};

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway({ AUTH_API_KEYS: `${hashApiKey(API_KEY)}:support:compliance` });
});
afterAll(() => t?.close());

const audits = serverAudits({
  url: () => `${t.url}/graphql`,
  fetchFn: (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    headers.set('x-api-key', API_KEY);
    return fetch(input, { ...init, headers });
  },
});

test('the suite is the one this file was written against', () => {
  expect(audits.length).toBe(61);
});

describe.each(audits.map((a) => [a.id, a.name, a] as const))('%s %s', (id, _name, audit) => {
  const skipped = SKIPPED[id];
  if (skipped) {
    test(`skipped deliberately: ${skipped.reason}`, async () => {
      expect((await audit.fn()).status).toBe(skipped.status);
    });
  } else {
    test('passes', async () => {
      const result = await audit.fn();
      const detail = result.status === 'ok' ? '' : `${result.reason}: ${result.response.status} ${await result.response.text()}`;
      expect({ status: result.status, detail }).toEqual({ status: 'ok', detail: '' });
    });
  }
});
