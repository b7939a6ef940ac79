/**
 * The HTTP API against the real server over HTTP: sign-in and its cookie,
 * CSRF for cookie writes, rate-limited sign-in, the resources, problems,
 * request ids, health.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signIn, startServer, type TestServer } from './support/http.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ server: { signInMax: 3, signInWindowMs: 60_000 } });
});
afterAll(async () => {
  await server.close();
});

describe('signing in', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie and answers the CSRF token', async () => {
    const { answer, setCookie, csrfToken } = await signIn(server, 'nw-admin');
    expect(answer.status).toBe(200);
    expect(answer.json.user).toMatchObject({ username: 'nw-admin', role: 'partner-admin', partnerId: 'P-NORTHWIND' });
    expect(csrfToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(setCookie).toMatch(/^attain_session=[A-Za-z0-9_-]{40,};/);
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/; SameSite=Strict/i);
    expect(setCookie).toMatch(/; Path=\//i);
    expect(setCookie).not.toMatch(/; Secure/i); // plain http here; https requests get Secure
  });

  it('refuses a wrong password with 401 and the same answer as an unknown user', async () => {
    const wrong = await call(server, 'POST', '/api/v1/session', { body: { username: 'co-viewer', password: 'nope' } });
    const unknown = await call(server, 'POST', '/api/v1/session', { body: { username: 'nobody-at-all', password: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(wrong.json.detail).toBe(unknown.json.detail);
  });

  it('answers who is signed in, with the cookie or a token', async () => {
    const { cookie, csrfToken } = await signIn(server, 'co-viewer');
    const me = await call(server, 'GET', '/api/v1/me', { headers: { cookie } });
    expect(me.json).toMatchObject({ user: { username: 'co-viewer' }, via: 'session', csrfToken });
    const byToken = await call(server, 'GET', '/api/v1/me', { token: server.tokens.admin });
    expect(byToken.json).toMatchObject({ user: { username: 'admin', role: 'program-admin' }, via: 'token', csrfToken: null });
  });

  it('rate-limits sign-in attempts per address and user name: 429 problem with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await call(server, 'POST', '/api/v1/session', { body: { username: 'nw-viewer', password: 'wrong' } })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    const limited = await call(server, 'POST', '/api/v1/session', {
      body: { username: 'nw-viewer', password: 'correct horse battery staple' },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.json).toMatchObject({ status: 429, type: 'urn:attain:problem:rate-limited' });
  });

  it('signs out: the session ends', async () => {
    const { cookie, csrfToken } = await signIn(server, 'co-admin');
    const out = await call(server, 'DELETE', '/api/v1/session', { headers: { cookie, 'x-csrf-token': csrfToken! } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/attain_session=;/);
    expect((await call(server, 'GET', '/api/v1/me', { headers: { cookie } })).status).toBe(401);
  });
});

describe('CSRF', () => {
  const person = { id: 'NW-CSRF', name: 'Cross Site' };

  it('refuses a write made with the cookie without the CSRF token, or with a wrong one', async () => {
    const { cookie } = await signIn(server, 'admin');
    const without = await call(server, 'POST', '/api/v1/partners/P-NORTHWIND/people', { headers: { cookie }, body: person });
    expect(without.status).toBe(403);
    expect(without.json.type).toBe('urn:attain:problem:forbidden');
    const wrong = await call(server, 'POST', '/api/v1/partners/P-NORTHWIND/people', {
      headers: { cookie, 'x-csrf-token': 'not-the-token' },
      body: person,
    });
    expect(wrong.status).toBe(403);
  });

  it('accepts a cookie write with the session token in X-CSRF-Token', async () => {
    const { cookie, csrfToken } = await signIn(server, 'admin');
    const ok = await call(server, 'POST', '/api/v1/partners/P-NORTHWIND/people', {
      headers: { cookie, 'x-csrf-token': csrfToken! },
      body: person,
    });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ added: 1 });
  });

  it('needs no CSRF token with a bearer token; reads with the cookie need none either', async () => {
    const ok = await call(server, 'POST', '/api/v1/partners/P-NORTHWIND/people', { token: server.tokens['nw-admin'], body: person });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ added: 0, unchanged: 1 });
    const { cookie } = await signIn(server, 'nw-admin');
    expect((await call(server, 'GET', '/api/v1/partners/P-NORTHWIND', { headers: { cookie } })).status).toBe(200);
  });

  it('refuses an unknown bearer token with 401', async () => {
    const answer = await call(server, 'GET', '/api/v1/me', { token: 'attain_not-a-token' });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });
});

describe('partners', () => {
  it('lists every partner with its levels for a program-admin', async () => {
    const list = await call(server, 'GET', '/api/v1/partners?asOf=2017-07-07', { token: server.tokens.admin });
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({ asOf: '2017-07-07', programVersion: '2017-07-07', total: 4, limit: 50, offset: 0 });
    expect(list.json.items.map((p: { id: string }) => p.id)).toEqual(['P-CONTOSO', 'P-FABRIKAM', 'P-NORTHWIND', 'P-TAILSPIN']);
    expect(list.json.items[0]).toMatchObject({ name: 'Contoso Consulting', country: 'US', market: 'developed' });
    expect(list.json.items[0].levels).toHaveLength(2);
  });

  it('filters by market, country and level, searches, sorts and pages', async () => {
    const get = async (query: string) => (await call(server, 'GET', `/api/v1/partners?${query}`, { token: server.tokens.admin })).json;
    const ids = (body: { items: { id: string }[] }) => body.items.map((p) => p.id);
    expect(ids(await get('country=de'))).toEqual(['P-NORTHWIND']);
    const developed = await get('market=developed');
    expect(developed.items.every((p: { market: string }) => p.market === 'developed')).toBe(true);
    expect(ids(await get('q=wind'))).toEqual(['P-NORTHWIND']);
    expect(ids(await get('q=SYSTEMS'))).toEqual(['P-FABRIKAM']);
    expect(ids(await get('sort=name&order=desc'))).toEqual(['P-TAILSPIN', 'P-NORTHWIND', 'P-FABRIKAM', 'P-CONTOSO']);
    const page = await get('limit=2&offset=1');
    expect(page).toMatchObject({ total: 4, limit: 2, offset: 1 });
    expect(ids(page)).toEqual(['P-FABRIKAM', 'P-NORTHWIND']);
    const all = await get('');
    const withSilver = all.items.filter((p: { levels: { option: string; level: string | null }[] }) =>
      p.levels.some((l) => l.option === 'enterprise-customer-engagement' && l.level === 'silver'),
    );
    expect(ids(await get('option=enterprise-customer-engagement&level=silver'))).toEqual(ids({ items: withSilver }));
    const none = await get('option=enterprise-customer-engagement&level=none');
    expect(none.total + withSilver.length).toBeLessThanOrEqual(4);
    const bad = await call(server, 'GET', '/api/v1/partners?option=no-such-option', { token: server.tokens.admin });
    expect(bad.status).toBe(422);
  });

  it('lists only their own partner for partner roles', async () => {
    const list = await call(server, 'GET', '/api/v1/partners', { token: server.tokens['nw-viewer'] });
    expect(list.json.total).toBe(1);
    expect(list.json.items.map((p: { id: string }) => p.id)).toEqual(['P-NORTHWIND']);
  });

  it('evaluates, plans, forecasts and draws a timeline, in JSON or as the localized table', async () => {
    const token = server.tokens['nw-viewer'];
    const evaluation = await call(server, 'GET', '/api/v1/partners/P-NORTHWIND/evaluation?asOf=2017-07-07', { token });
    expect(evaluation.status).toBe(200);
    expect(evaluation.json.partners[0].partnerId).toBe('P-NORTHWIND');
    expect(evaluation.json.partners[0].competencies[0].options[0].levels[0].requirements[0].evidence.revenueLineIds.length).toBeGreaterThan(
      0,
    );
    const text = await call(server, 'GET', '/api/v1/partners/P-NORTHWIND/evaluation?asOf=2017-07-07&format=text&locale=fr-FR', { token });
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text.text).toContain('Northwind Partners');
    expect(text.text).toContain('Marchés développés');
    const plan = await call(server, 'GET', '/api/v1/partners/P-NORTHWIND/plan?asOf=2017-07-07&target=enterprise-customer-engagement/gold', {
      token,
    });
    expect(plan.status).toBe(200);
    expect(plan.json.targets.map((t: { level: string }) => t.level)).toEqual(['gold']);
    const badTarget = await call(server, 'GET', '/api/v1/partners/P-NORTHWIND/plan?target=nope/gold', { token });
    expect(badTarget.status).toBe(422);
    expect(badTarget.json.errors[0]).toMatchObject({ record: 'target', code: 'notALevel' });
    const forecast = await call(server, 'GET', '/api/v1/partners/P-NORTHWIND/forecast?asOf=2017-07-07', { token });
    expect(forecast.status).toBe(200);
    expect(forecast.json.partnerId).toBe('P-NORTHWIND');
    const timeline = await call(server, 'GET', '/api/v1/partners/P-NORTHWIND/timeline?from=2017-07-07&to=2018-07-07', { token });
    expect(timeline.status).toBe(200);
    expect(timeline.json.points).toHaveLength(13);
    const csv = await call(server, 'GET', '/api/v1/partners/P-NORTHWIND/timeline?from=2017-07-07&to=2017-09-07&format=csv', { token });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const backwards = await call(server, 'GET', '/api/v1/partners/P-NORTHWIND/timeline?from=2018-07-07&to=2017-07-07', { token });
    expect(backwards.status).toBe(422);
    const early = await call(server, 'GET', '/api/v1/partners/P-NORTHWIND/evaluation?asOf=2016-01-01', { token });
    expect(early.status).toBe(422);
    expect(early.json.errors[0]).toMatchObject({ record: 'asOf', code: 'beforeFirstVersion' });
  });

  it('serves people, exam passes and revenue lines, paged', async () => {
    const token = server.tokens['nw-viewer'];
    const people = await call(server, 'GET', '/api/v1/partners/P-NORTHWIND/people?limit=2', { token });
    expect(people.json).toMatchObject({ limit: 2, offset: 0 });
    expect(people.json.total).toBeGreaterThanOrEqual(6);
    expect(people.json.items[0]).toMatchObject({ id: 'NW-01' });
    expect(people.json.items[0].examPasses.length).toBeGreaterThan(0);
    const passes = await call(server, 'GET', '/api/v1/partners/P-NORTHWIND/exam-passes', { token });
    expect(passes.json.items.every((p: { personId: string }) => p.personId.startsWith('NW-'))).toBe(true);
    const revenue = await call(server, 'GET', '/api/v1/partners/P-NORTHWIND/revenue?limit=100', { token });
    expect(revenue.json.total).toBeGreaterThan(0);
    expect(revenue.json.items[0]).toHaveProperty('amount');
  });
});

describe('problems', () => {
  it('answers invalid queries with 400 problem+json naming the parameter, in the asked language', async () => {
    const answer = await call(server, 'GET', '/api/v1/partners?asOf=2017-02-30&locale=fr-FR', { token: server.tokens.admin });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.json).toMatchObject({ status: 400, title: 'Requête non valide', type: 'urn:attain:problem:invalid-request' });
    expect(answer.json.errors[0]).toMatchObject({ record: 'query', field: 'asOf', code: 'notCalendarDate' });
    expect(answer.json.errors[0].message).toContain('n’est pas une date');
    expect(answer.json.requestId).toBe(answer.headers.get('x-request-id'));
  });

  it('answers unknown routes with 404 and malformed JSON with 400', async () => {
    expect((await call(server, 'GET', '/api/v1/nothing-here', { token: server.tokens.admin })).status).toBe(404);
    const bad = await call(server, 'POST', '/api/v1/partners/P-NORTHWIND/people', {
      token: server.tokens.admin,
      raw: '{"id": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('keeps a sane caller request id and makes one otherwise', async () => {
    const echoed = await call(server, 'GET', '/healthz', { headers: { 'x-request-id': 'trace-42' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-42');
    const made = await call(server, 'GET', '/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('health and documents', () => {
  it('answers /healthz', async () => {
    const answer = await call(server, 'GET', '/healthz');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: 'ok' });
  });

  it('serves the docs page', async () => {
    const answer = await call(server, 'GET', '/api/docs/');
    expect(answer.status).toBe(200);
    expect(answer.text).toMatch(/swagger/i);
  });

  it('renders requirement pages per locale', async () => {
    const token = server.tokens['nw-viewer'];
    const programs = await call(server, 'GET', '/api/v1/programs', { token });
    expect(programs.json.stored).toBe(true);
    expect(programs.json.programs[0].versions.map((v: { effectiveFrom: string }) => v.effectiveFrom)).toEqual([
      '2017-06-27',
      '2017-07-07',
      '2017-10-13',
      '2017-11-16',
      '2018-01-25',
    ]);
    const id = programs.json.programs[0].id;
    const md = await call(server, 'GET', `/api/v1/programs/${id}/versions/2017-10-13/page?locale=zh-TW`, { token });
    expect(md.status).toBe(200);
    expect(md.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(md.text).toMatch(/^# /);
    const html = await call(server, 'GET', `/api/v1/programs/${id}/versions/2017-07-07/page?locale=fr-FR&format=html`, { token });
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.text).toContain('lang="fr-FR"');
    expect((await call(server, 'GET', `/api/v1/programs/${id}/versions/2017-01-01/page`, { token })).status).toBe(404);
    const definition = await call(server, 'GET', `/api/v1/programs/${id}/versions/2017-07-07`, { token });
    expect(definition.json.definition).toBeTypeOf('object');
  });
});
