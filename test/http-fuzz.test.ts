/**
 * Fuzzing the real server: random path parameters, query strings, bodies
 * and content types sent to every route, by a program-admin and by a
 * partner-admin (bearer token) and with a session cookie. Whatever arrives,
 * the server answers — never a 5xx — and every error is a problem body.
 *
 * Then structure-aware inputs (issue 18): a valid request of each route
 * with one field, parameter or path segment replaced by deep nesting,
 * numbers past every range, dates at the edges of what calendars and
 * stores take, odd encodings (lone surrogates, invalid percent-encoding,
 * bidi and BOM characters); odd request targets (absolute-form, `*`,
 * dot segments) and oversized headers over raw TCP. No 5xx, every error a
 * problem, and no answer slow enough to be a denial of service (2 s in the
 * suite; ATTAIN_FUZZ_BUDGET_MS=100 holds a quiet run to the 100 ms target),
 * the sign-in given the deliberate cost of its password hash on top.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINITE_ENDPOINTS, type Endpoint } from './support/http-endpoints.js';
import { rawRequest, signIn, startServer, type TestServer } from './support/http.js';

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
  for (const endpoint of FINITE_ENDPOINTS()) {
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

// ---- structure-aware inputs ------------------------------------------------------------------------------------

/**
 * The longest any answer may take before it counts as a denial of service (the sign-in and a new user add the deliberate
 * cost of scrypt hashes). This is a guard against inputs that make the server work for seconds (backtracking patterns,
 * nesting blow-ups, sums over huge numbers), not a speed measurement: speed is measured by `npm run bench`. Answers take
 * a few ms; on two cores shared with the other test workers single answers were seen at 200–400 ms, so a tight budget
 * here failed on noise. Run this file alone with ATTAIN_FUZZ_BUDGET_MS=100 to hold it to the 100 ms target.
 */
const BUDGET_MS = Number(process.env.ATTAIN_FUZZ_BUDGET_MS ?? 2000);

/** Values made to break parsers and stores: nesting, numbers past every range, dates at the edges, odd text. */
const NASTY_NUMBERS = [1e308, -1e308, 5e-324, -5e-324, 9007199254740993, -9007199254740993, 0, -0, 1e21, 123456789012345678901234567890];
const NASTY_NUMBER_TEXTS = ['1e400', '-1e400', '1e-400', '0x10', '1_000', 'NaN', 'Infinity', '-0', '00012', '1e21', '٣', '１２'];
const EXTREME_DATES = [
  '0000-01-01',
  '0001-01-01',
  '9999-12-31',
  '275760-09-13',
  '+275760-09-13',
  '-271821-04-20',
  '-000001-01-01',
  '2017-02-29',
  '2016-02-29',
  '2017-13-01',
  '2017-07-07T00:00:00Z',
  '2017-7-7',
  '20170707',
  ' 2017-07-07',
];
const ODD_TEXTS = [
  '\ud800',
  '\udfff',
  'a\ud800b',
  '\ufeffP-NORTHWIND',
  '\u202eP-NORTHWIND',
  'P-NORTHWIND\u0000',
  '\u00e9'.normalize('NFD'),
  '𝒜',
  '=cmd|"/c calc"!A1',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  '../../../etc/passwd',
  '%00',
  '%C0%AE',
  'x'.repeat(10_000),
  ' ',
  '',
];

/** A JSON value nested `depth` deep, as text (deeper than the parser takes, sometimes). */
const nested = fc
  .tuple(fc.integer({ min: 1, max: 400 }), fc.constantFrom('[', '{"a":'))
  .map(([depth, open]) => `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`);

/** A nasty value, as JSON text. */
const nastyJson = fc.oneof(
  fc.constantFrom(...NASTY_NUMBERS).map((n) => JSON.stringify(n)),
  fc.constantFrom(...NASTY_NUMBER_TEXTS), // raw in the JSON: some are not JSON at all
  fc.constantFrom(...NASTY_NUMBER_TEXTS, ...EXTREME_DATES, ...ODD_TEXTS).map((s) => JSON.stringify(s)),
  fc.constantFrom('"\\ud800"', '"\\udfff\\ud800"', '"\\u0000"', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}'),
  nested,
);

/** A nasty value for a query parameter or a path segment (percent-encoded as a URL would carry it, or raw bytes). */
const nastyText = fc.oneof(
  fc
    .constantFrom(...EXTREME_DATES, ...NASTY_NUMBER_TEXTS, ...ODD_TEXTS.filter((s) => s.length < 1000))
    .map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\ufffd'))),
  fc.constantFrom(
    '%',
    '%zz',
    '%C0%AE',
    '%FF%FE',
    '%ED%A0%80',
    '%F4%90%80%80',
    '%00',
    '..%2F..%2F',
    '%2e%2e',
    ';x=1',
    '%0d%0aX-Injected:%201',
  ),
);

/** Request targets that are not plain origin-form paths. */
const ODD_TARGETS = (path: string) => [
  `http://x${path}`,
  `https://attain.example:443${path}`,
  `HTTP://X${path}`,
  `//${path}`,
  `${path}/..`,
  `${path}/.`,
  `${path}//`,
  `${path.replace('/api/', '/api/./')}`,
  `${path.replace('/api/', '/API/')}`,
  `${path}%2F`,
  `${path}?${'a=1&'.repeat(500)}`,
  `${path}#fragment`,
  '*',
  `/${'a/'.repeat(2000)}`,
];

let hashMs = 0;

describe('fuzzing every route with structure-aware inputs: no 5xx, problems, each answer within the budget', () => {
  beforeAll(async () => {
    // Warm every route once (first evaluations are kept), and measure what a sign-in costs by design.
    for (const endpoint of FINITE_ENDPOINTS()) {
      const valid = endpoint.valid({ partner: 'P-NORTHWIND', person: 'NW-01', n: ++n, username: 'admin' });
      if (endpoint.method === 'GET')
        await fetch(`${server.url}${valid.path}`, { headers: { authorization: `Bearer ${server.tokens.admin}` } });
    }
    const started = performance.now();
    await fetch(`${server.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'nobody', password: 'x' }),
    });
    hashMs = performance.now() - started;
  });

  // Signing in and adding a user each hash a password on purpose slowly: they get that cost on top, with room for a loaded machine.
  const hashes = (endpoint: Endpoint) =>
    endpoint.path === '/api/v1/session' || (endpoint.method === 'POST' && endpoint.path === '/api/v1/users');
  const budget = (endpoint: Endpoint) => BUDGET_MS + (hashes(endpoint) ? hashMs * 3 : 0);

  for (const endpoint of FINITE_ENDPOINTS()) {
    it(`${endpoint.method} ${endpoint.path}: nasty fields, parameters and path segments`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.nat(),
          nastyJson,
          nastyText,
          fc.constantFrom('body', 'query', 'path'),
          fc.constantFrom('admin', 'nw-admin'),
          async (pick, json, textValue, where, who) => {
            const valid = endpoint.valid({ partner: 'P-NORTHWIND', person: 'NW-01', n: ++n, username: who });
            let [path = '', search = ''] = valid.path.split('?');
            let body = valid.body === undefined ? undefined : JSON.stringify(valid.body);
            if (where === 'body' && endpoint.method !== 'GET') {
              // One field of the valid body (or of its first record) replaced by the nasty value, or the whole body.
              const record = Array.isArray(valid.body) ? valid.body[0] : valid.body;
              const keys = typeof record === 'object' && record !== null ? Object.keys(record) : [];
              const key = keys.length > 0 ? keys[pick % keys.length]! : 'x';
              body =
                pick % 5 === 0 || keys.length === 0
                  ? json
                  : JSON.stringify({ ...record, [key]: '\u0001PLACEHOLDER\u0001' }).replace('"\\u0001PLACEHOLDER\\u0001"', json);
            } else if (where === 'query') {
              const params = [...new URLSearchParams(search).keys(), ...KNOWN_PARAMS];
              search = `${search ? `${search}&` : ''}${params[pick % params.length]}=${textValue}`;
            } else {
              const segments = path.split('/');
              segments[3 + (pick % Math.max(1, segments.length - 3))] = textValue;
              path = segments.join('/');
            }
            const headers: Record<string, string> = { authorization: `Bearer ${server.tokens[who]}` };
            if (body !== undefined && endpoint.method !== 'GET') headers['content-type'] = 'application/json';
            const started = performance.now();
            const response = await fetch(`${server.url}${path}${search ? `?${search}` : ''}`, {
              method: endpoint.method,
              headers,
              body: endpoint.method === 'GET' ? undefined : body,
            });
            const answer = await response.text();
            const ms = performance.now() - started;
            const what = `${endpoint.method} ${path}?${search.slice(0, 200)} ${String(body).slice(0, 200)}: ${answer.slice(0, 300)}`;
            expect(response.status, what).toBeLessThan(500);
            if (response.status >= 400) expect(response.headers.get('content-type'), what).toMatch(/^application\/problem\+json/);
            expect(ms, what).toBeLessThan(budget(endpoint));
          },
        ),
        { numRuns: Number(process.env.ATTAIN_FUZZ_RUNS ?? 40) / 2 },
      );
    });

    it(`${endpoint.method} ${endpoint.path}: odd request targets and oversized headers, over raw TCP`, async () => {
      const valid = endpoint.valid({ partner: 'P-NORTHWIND', person: 'NW-01', n: ++n, username: 'admin' });
      const path = valid.path.split('?')[0]!;
      const requests = [
        ...ODD_TARGETS(path).map(
          (target) => `${endpoint.method} ${target} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
        ),
        `${endpoint.method} ${path} HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17_000)}\r\nConnection: close\r\n\r\n`,
        `${endpoint.method} ${path} HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 3000 }, (_, i) => `X-${i}: y`).join('\r\n')}\r\n\r\n`,
        `${endpoint.method} ${path} HTTP/1.1\r\nHost: x\r\nCookie: ${'attain_session=x; '.repeat(400)}\r\nConnection: close\r\n\r\n`,
        `${endpoint.method} ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'a'.repeat(4000)}\r\nConnection: close\r\n\r\n`,
        `${endpoint.method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json; charset=latin1\r\nContent-Length: 3\r\nConnection: close\r\n\r\n\xff\xfe{`,
        `${endpoint.method} ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\nConnection: close\r\n\r\n0\r\n\r\n`,
        `${endpoint.method} ${path}\u0000 HTTP/1.1\r\nHost: x\r\n\r\n`,
        `${endpoint.method} ${path} HTTP/1.0\r\n\r\n`,
      ];
      for (const request of requests) {
        const answer = await rawRequest(server.url, request);
        const what = `${JSON.stringify(request.slice(0, 120))}: ${answer.status} ${answer.body.slice(0, 200)}`;
        expect(answer.status, what).toBeGreaterThanOrEqual(200);
        expect(answer.status, what).toBeLessThan(500);
        if (answer.status >= 400) expect(answer.headers['content-type'], what).toMatch(/^application\/problem\+json/);
        // No credentials were sent: nothing of the API answers 2xx but what is public (or the dashboard's page).
        if (answer.status < 300 && endpoint.access !== 'public') expect(answer.headers['content-type'], what).not.toMatch(/json/);
        expect(answer.ms, what).toBeLessThan(budget(endpoint));
      }
    });
  }
});
