/**
 * Fuzzing the real server: random path parameters, query strings, bodies
 * and content types sent to every route, by a program-admin and by a
 * partner-admin (bearer token) and with a session cookie. Whatever arrives,
 * the server answers — never a 5xx — and every error is a problem body.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS } from './support/http-endpoints.js';
import { signIn, startServer, type TestServer } from './support/http.js';

const KNOWN_PARAMS = [
  'asOf',
  'programVersion',
  'locale',
  'format',
  'limit',
  'offset',
  'q',
  'market',
  'country',
  'option',
  'level',
  'sort',
  'order',
  'target',
  'from',
  'to',
  'step',
  'skipInvalid',
  'source',
  'competency',
];

const KNOWN_VALUES = [
  'P-NORTHWIND',
  'P-CONTOSO',
  'microsoft-partner-network',
  '2017-07-07',
  '2017-10-13',
  '2017-02-30',
  '1900-01-01',
  '9999-12-31',
  'enterprise-operations/gold',
  'enterprise-operations',
  'none',
  'gold',
  'text',
  'csv',
  'html',
  'fr-FR',
  'zh-TW',
  'week',
  '-1',
  '0',
  '1e9',
  '99999999999999999999',
  'true',
  '',
  '%',
  '../..',
  '\u0000',
];

const text = fc.oneof(fc.constantFrom(...KNOWN_VALUES), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }));

const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...KNOWN_PARAMS), fc.string({ maxLength: 10 })), text), { maxLength: 6 });

/** A body and its content type: JSON of any shape, near-valid records, garbage, multipart of sorts. */
const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 3 }).map((v) => ({ type: 'application/json', data: JSON.stringify(v) })),
  fc
    .record(
      {
        id: text,
        name: text,
        personId: text,
        exam: text,
        date: text,
        username: text,
        password: text,
        role: fc.constantFrom('program-admin', 'partner-admin', 'partner-viewer', 'root'),
        partnerId: text,
        definitions: fc.array(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })), { maxLength: 2 }),
        people: fc.array(fc.dictionary(fc.constantFrom('id', 'partnerId', 'name', 'x'), text), { maxLength: 3 }),
        revenue: fc.array(
          fc.dictionary(
            fc.constantFrom('id', 'customerId', 'product', 'date', 'amount', 'currency', 'netNew'),
            fc.jsonValue({ maxDepth: 1 }),
          ),
          { maxLength: 3 },
        ),
      },
      { requiredKeys: [] },
    )
    .map((v) => ({ type: 'application/json', data: JSON.stringify(v) })),
  fc.string({ maxLength: 200 }).map((s) => ({ type: 'application/json', data: s })),
  fc.uint8Array({ maxLength: 200 }).map((b) => ({ type: 'application/octet-stream', data: b })),
  fc.string({ maxLength: 100 }).map((s) => ({ type: 'text/plain', data: s })),
  fc
    .tuple(fc.constantFrom('people.csv', 'revenue.csv', 'x.json', 'a.txt', '../../etc/passwd.csv', ''), fc.string({ maxLength: 200 }))
    .map(([name, content]) => {
      const boundary = 'fuzzboundary';
      const data = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n\r\n${content}\r\n--${boundary}--\r\n`;
      return { type: `multipart/form-data; boundary=${boundary}`, data };
    }),
  fc.string({ maxLength: 200 }).map((s) => ({ type: 'multipart/form-data; boundary=zz', data: s })),
);

let server: TestServer;
let cookie: { cookie: string; csrfToken: string };
beforeAll(async () => {
  server = await startServer({ server: { signInMax: 1000 } });
  const session = await signIn(server, 'nw-admin');
  cookie = { cookie: session.cookie, csrfToken: session.csrfToken! };
});
afterAll(async () => {
  await server.close();
});

/** A valid request made slightly wrong: known parameters with odd values added, one field of the body replaced. */
const nearValid = fc.record({
  extra: fc.array(fc.tuple(fc.constantFrom(...KNOWN_PARAMS), text), { maxLength: 2 }),
  field: fc.string({ maxLength: 12 }),
  value: fc.oneof(text, fc.jsonValue({ maxDepth: 2 })),
  mutate: fc.boolean(),
});

let n = 0;

describe('fuzzing every route: no 5xx, whatever arrives', () => {
  for (const endpoint of ENDPOINTS) {
    it(`${endpoint.method} ${endpoint.path}`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(fc.constantFrom(...KNOWN_VALUES), text), { minLength: 3, maxLength: 3 }),
          query,
          body,
          fc.option(nearValid, { freq: 2 }),
          fc.constantFrom('admin', 'nw-admin', 'cookie'),
          async (params, randomEntries, randomPayload, near, chosen) => {
            // Signing out with the cookie would leave the other runs without a session.
            const who = chosen === 'cookie' && endpoint.path === '/api/v1/session' ? 'admin' : chosen;
            let path: string;
            let entries: [string, string][] = randomEntries;
            let payload = randomPayload;
            if (near) {
              const valid = endpoint.valid({ partner: 'P-NORTHWIND', person: 'NW-01', n: ++n, username: 'nw-admin' });
              const [base, search = ''] = valid.path.split('?');
              path = base!;
              entries = [...new URLSearchParams(search).entries(), ...near.extra];
              let data = valid.body;
              if (near.mutate && typeof data === 'object' && data !== null) {
                const keys = Object.keys(data);
                const key = keys.length > 0 && near.field.length % 2 === 0 ? keys[near.field.length % keys.length]! : near.field;
                data = { ...data, [key]: near.value };
              }
              payload = data === undefined ? undefined : { type: 'application/json', data: JSON.stringify(data) };
            } else {
              let i = 0;
              path = endpoint.path.replace(/\{\w+\}/g, () => encodeURIComponent(params[i++]!));
            }
            const search = new URLSearchParams(entries).toString();
            const headers: Record<string, string> =
              who === 'cookie'
                ? { cookie: cookie.cookie, 'x-csrf-token': cookie.csrfToken }
                : { authorization: `Bearer ${server.tokens[who as 'admin' | 'nw-admin']}` };
            if (payload) headers['content-type'] = payload.type;
            const canHaveBody = endpoint.method !== 'GET';
            const response = await fetch(`${server.url}${path}${search ? `?${search}` : ''}`, {
              method: endpoint.method,
              headers,
              body: canHaveBody && payload ? payload.data : undefined,
            });
            const answer = await response.text();
            expect(response.status, `${endpoint.method} ${path}?${search}: ${answer.slice(0, 500)}`).toBeLessThan(500);
            if (response.status >= 400)
              expect(response.headers.get('content-type'), answer.slice(0, 200)).toMatch(/^application\/problem\+json/);
          },
        ),
        { numRuns: Number(process.env.ATTAIN_FUZZ_RUNS ?? 40) },
      );
    });
  }
});
