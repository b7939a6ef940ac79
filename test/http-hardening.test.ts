/**
 * The HTTP half of issue 18, each attack as it was made, against the real
 * server over HTTP (and raw TCP where fetch cannot say it): deep JSON,
 * absolute-form targets, spoofed X-Forwarded-For, script links and the
 * pages' CSP, sign-in limits that count failures only with lockout
 * back-off, API tokens that expire and can be listed and revoked, person
 * ids that tell nothing of other partners, and what Node refuses before
 * Fastify (431, malformed requests) as problems. docs/security.md lists
 * which test proves what.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProgramDefinitions } from '../src/files/program-files.js';
import { SignInLimiter } from '../src/http/sign-in-limit.js';
import { call, PASSWORD, rawRequest, signIn, startServer, type TestServer } from './support/http.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ server: { signInMax: 3, signInWindowMs: 60_000 } });
});
afterAll(async () => {
  await server.close();
});

describe('deeply nested JSON', () => {
  it('is refused by the parser with a 400 problem, before the sign-in even looks at it', async () => {
    // How fast is the fuzz suite's budget and the bench's business; here: the parser's answer, not a 401, 429 or 500.
    const deep = `{"username":${'['.repeat(5000)}${']'.repeat(5000)},"password":"x"}`;
    for (const raw of [deep, '['.repeat(5000) + ']'.repeat(5000), `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`]) {
      const answer = await call(server, 'POST', '/api/v1/session', { raw, headers: { 'content-type': 'application/json' } });
      expect(answer.status, answer.text).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.json.detail).toContain('64');
    }
  });

  it('keeps JSON nested within the limit, strings with brackets included', async () => {
    const answer = await call(server, 'POST', '/api/v1/session', {
      raw: JSON.stringify({ username: '[[[[{{{{"\\', password: 'x' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(401);
  });

  it('answers /healthz at once while deep bodies arrive', async () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const floods = Array.from({ length: 5 }, () =>
      call(server, 'POST', '/api/v1/session', { raw: deep, headers: { 'content-type': 'application/json' } }),
    );
    const started = performance.now();
    expect((await call(server, 'GET', '/healthz')).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(500);
    for (const answer of await Promise.all(floods)) expect(answer.status).toBe(400);
  });
});

describe('authentication is decided on the matched route', () => {
  const targets = [
    'http://x/api/v1/programs',
    'http://127.0.0.1/api/v1/partners/P-NORTHWIND',
    'https://attain.example/api/v1/programs/microsoft-partner-network/versions/2017-07-07/page',
    '/api/v1//programs',
    '/api/v1/./programs',
    '/api/v1/programs/',
    '/API/v1/programs',
    '//api/v1/programs',
  ];
  for (const target of targets) {
    it(`GET ${target} without credentials: never a 2xx`, async () => {
      const answer = await rawRequest(server.url, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(answer.status, answer.body.slice(0, 300)).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    });
  }

  it('answers an absolute-form target with a token as its path would be answered', async () => {
    const answer = await rawRequest(
      server.url,
      `GET http://x/api/v1/programs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.tokens.admin}\r\nConnection: close\r\n\r\n`,
    );
    expect(answer.status).toBe(200);
  });
});

describe('what never reaches a route is a problem too', () => {
  it('answers headers past the limit with a 431 problem', async () => {
    const answer = await rawRequest(server.url, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer.status).toBe(431);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 431, type: 'urn:attain:problem:headers-too-large' });
  });

  it('answers a malformed request line with a 400 problem', async () => {
    for (const request of [
      'GET / HTTP/9.9\r\n\r\n',
      'NOT A REQUEST\r\n\r\n',
      'GET /\0 HTTP/1.1\r\nHost: x\r\n\r\n',
      `GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n`,
    ]) {
      const answer = await rawRequest(server.url, request);
      expect(answer.status, JSON.stringify(request)).toBe(400);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(answer.body)).toMatchObject({ status: 400, type: 'urn:attain:problem:invalid-request' });
    }
  });
});

describe('signing in: failures count, the right password does not', () => {
  it('lets the right password in as often as it is given', async () => {
    for (let i = 0; i < 8; i++) expect((await signIn(server, 'co-admin')).answer.status).toBe(200);
  });

  it('locks a user name after repeated failures, from any address, with Retry-After; other names are untouched', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await call(server, 'POST', '/api/v1/session', { body: { username: 'co-viewer', password: 'wrong' } })).status).toBe(401);
    }
    const locked = await call(server, 'POST', '/api/v1/session', { body: { username: 'co-viewer', password: PASSWORD } });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await signIn(server, 'nw-viewer')).answer.status).toBe(200);
  });

  it('backs off exponentially: each failure after a lock doubles it, a right password ends the run', () => {
    let now = 0;
    const limiter = new SignInLimiter({ max: 3, windowMs: 1000, now: () => now });
    for (let i = 0; i < 3; i++) limiter.failed('a', 'u');
    expect(limiter.nameWait('u')).toBe(1);
    now += 1000;
    expect(limiter.nameWait('u')).toBe(0);
    limiter.failed('b', 'u');
    expect(limiter.nameWait('u')).toBe(2);
    now += 2000;
    limiter.failed('c', 'u');
    expect(limiter.nameWait('u')).toBe(4);
    now += 4000;
    limiter.succeeded('u');
    limiter.failed('c', 'u');
    expect(limiter.nameWait('u')).toBe(0);
  });

  it('limits failures per address across names, checked before the body is read', async () => {
    let now = 0;
    const limiter = new SignInLimiter({ max: 2, windowMs: 1000, now: () => now });
    for (let i = 0; i < 10; i++) limiter.failed('a', `name-${i}`);
    expect(limiter.addressWait('a')).toBe(1);
    expect(limiter.addressWait('b')).toBe(0);
    now += 1000;
    expect(limiter.addressWait('a')).toBe(0);
  });

  it('keeps its tables bounded', () => {
    const limiter = new SignInLimiter({ max: 1, windowMs: 60_000, capacity: 100 });
    for (let i = 0; i < 1000; i++) limiter.failed(`address-${i}`, `name-${i}`);
    expect(limiter.nameWait('name-999')).toBeGreaterThan(0);
    expect(limiter.nameWait('name-0')).toBe(0);
  });
});

describe('a spoofed X-Forwarded-For', () => {
  it('does not defeat the address limit unless the peer is a trusted proxy', async () => {
    // The test client is 127.0.0.1, not the proxy trusted here.
    const guarded = await startServer({ server: { signInMax: 2, signInWindowMs: 60_000, trustProxy: ['10.0.0.0/8'] } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const answer = await call(guarded, 'POST', '/api/v1/session', {
          body: { username: `nobody-${i}`, password: 'wrong' },
          headers: { 'x-forwarded-for': `203.0.113.${i}` },
        });
        statuses.push(answer.status);
      }
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
      expect(statuses.slice(10)).toEqual([429, 429]);
    } finally {
      await guarded.close();
    }
  });

  it('is believed from a trusted proxy', async () => {
    const proxied = await startServer({ server: { signInMax: 2, signInWindowMs: 60_000, trustProxy: 'loopback' } });
    try {
      for (let i = 0; i < 12; i++) {
        const answer = await call(proxied, 'POST', '/api/v1/session', {
          body: { username: `nobody-${i}`, password: 'wrong' },
          headers: { 'x-forwarded-for': `203.0.113.${i}` },
        });
        expect(answer.status).toBe(401);
      }
    } finally {
      await proxied.close();
    }
  });

  it('refuses to trust every hop, or what is not an address', async () => {
    const { buildServer } = await import('../src/http/server.js');
    await expect(buildServer({ store: server.store, trustProxy: true as never })).rejects.toThrow(/trustProxy/);
    await expect(buildServer({ store: server.store, trustProxy: '10.0.0.0/99' })).rejects.toThrow(/trustProxy/);
    await expect(buildServer({ store: server.store, trustProxy: 'example.com' })).rejects.toThrow(/trustProxy/);
  });
});

describe('links and pages', () => {
  it('refuses a program definition whose link is not http(s)', async () => {
    for (const link of ['javascript:alert(document.cookie)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x']) {
      const definitions = readProgramDefinitions().definitions.map((d) => structuredClone(d.definition) as any);
      const withExams = definitions.find((d) => JSON.stringify(d).includes('"link"'));
      const exam = withExams.exams?.find((e: { link?: string }) => e.link) ?? withExams.competencies?.[0]?.exams?.[0];
      expect(exam, 'an exam with a link').toBeDefined();
      exam.link = link;
      const answer = await call(server, 'POST', '/api/v1/programs', { token: server.tokens.admin, body: { definitions, source: 'evil' } });
      expect(answer.status, answer.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.text).toContain('notWebLink');
    }
  });

  it('sends a CSP and nosniff with every HTML answer, and with the rest', async () => {
    const page = await call(server, 'GET', '/api/v1/programs/microsoft-partner-network/versions/2017-07-07/page?format=html', {
      token: server.tokens.admin,
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(page.headers.get('content-security-policy')).not.toMatch(/script-src/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const docs = await call(server, 'GET', '/api/docs/');
    expect(docs.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(docs.headers.get('content-security-policy')).not.toMatch(/unsafe-inline'.*script|upgrade-insecure/);
    expect(docs.headers.get('x-content-type-options')).toBe('nosniff');
    for (const path of ['/api/docs/static/index.html', '/api/docs/static/swagger-initializer.js', '/healthz', '/api/v1/nothing']) {
      const answer = await call(server, 'GET', path);
      expect(answer.headers.get('content-security-policy'), path).toBeTruthy();
      expect(answer.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });
});

describe('API tokens expire, and can be listed and revoked', () => {
  it('makes a token that expires, lists it without its secret, and revokes it', async () => {
    const made = await call(server, 'POST', '/api/v1/me/tokens', {
      token: server.tokens['nw-admin'],
      body: { name: 'ci', expiresInDays: 7 },
    });
    expect(made.status).toBe(201);
    const days = (Date.parse(made.json.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.1);
    expect((await call(server, 'GET', '/api/v1/me', { token: made.json.token })).status).toBe(200);

    const listed = await call(server, 'GET', '/api/v1/me/tokens', { token: made.json.token });
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(made.json.token);
    const item = listed.json.items.find((t: { id: number }) => t.id === made.json.id);
    expect(item).toMatchObject({ name: 'ci', expired: false, expiresAt: made.json.expiresAt });
    expect(item.lastUsedAt).not.toBeNull();

    // Another user's token id: 404, as one that does not exist.
    expect((await call(server, 'DELETE', `/api/v1/me/tokens/${made.json.id}`, { token: server.tokens['co-admin'] })).status).toBe(404);
    expect((await call(server, 'DELETE', `/api/v1/me/tokens/${made.json.id}`, { token: made.json.token })).status).toBe(204);
    expect((await call(server, 'GET', '/api/v1/me', { token: made.json.token })).status).toBe(401);
  });

  it('lets a program-admin list and revoke any account’s tokens, and nobody else', async () => {
    const made = await call(server, 'POST', '/api/v1/me/tokens', { token: server.tokens['co-viewer'], body: { name: 'script' } });
    const days = (Date.parse(made.json.expiresAt) - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(90);
    const listed = await call(server, 'GET', '/api/v1/users/co-viewer/tokens', { token: server.tokens.admin });
    expect(listed.json.items.map((t: { id: number }) => t.id)).toContain(made.json.id);
    expect((await call(server, 'GET', '/api/v1/users/co-viewer/tokens', { token: server.tokens['co-admin'] })).status).toBe(403);
    expect((await call(server, 'GET', '/api/v1/users/nobody/tokens', { token: server.tokens.admin })).status).toBe(404);
    expect((await call(server, 'DELETE', `/api/v1/users/admin/tokens/${made.json.id}`, { token: server.tokens.admin })).status).toBe(404);
    expect((await call(server, 'DELETE', `/api/v1/users/co-viewer/tokens/${made.json.id}`, { token: server.tokens.admin })).status).toBe(
      204,
    );
    expect((await call(server, 'GET', '/api/v1/me', { token: made.json.token })).status).toBe(401);
  });

  it('refuses an expired token', async () => {
    const user = (await server.store.accounts.byName('nw-viewer'))!;
    const { token, id } = await server.store.accounts.createToken(user.id, 'old', 1);
    expect((await call(server, 'GET', '/api/v1/me', { token })).status).toBe(200);
    await (server.store as any).db.query(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
    const answer = await call(server, 'GET', '/api/v1/me', { token });
    expect(answer.status).toBe(401);
    expect(answer.json.detail).toContain('expired');
    const listed = await server.store.accounts.tokens(user.id);
    expect(listed.find((t) => t.id === id)).toMatchObject({ expired: true });
  });

  it('refuses a lifetime out of range', async () => {
    for (const expiresInDays of [0, -1, 3651, 1.5, '7']) {
      const answer = await call(server, 'POST', '/api/v1/me/tokens', { token: server.tokens.admin, body: { name: 'x', expiresInDays } });
      expect(answer.status).toBe(400);
    }
  });
});

describe('person ids tell nothing of other partners', () => {
  it('answers another partner’s person id exactly as an id nobody has', async () => {
    const token = server.tokens['nw-admin'];
    const theirs = await call(server, 'POST', '/api/v1/partners/P-NORTHWIND/people', { token, body: { id: 'CON-01', name: 'X' } });
    const nobodys = await call(server, 'POST', '/api/v1/partners/P-NORTHWIND/people', { token, body: { id: 'NOBODY-1', name: 'X' } });
    expect(theirs.status).toBe(422);
    const strip = ({ requestId: _r, instance: _i, ...rest }: Record<string, unknown>) => rest;
    expect(strip(theirs.json)).toEqual(strip(nobodys.json));
  });

  it('makes the id of a new person, and renames the partner’s own people', async () => {
    const token = server.tokens['nw-admin'];
    const added = await call(server, 'POST', '/api/v1/partners/P-NORTHWIND/people', {
      token,
      body: [{ name: 'New One' }, { name: 'New Two' }],
    });
    expect(added.status, added.text).toBe(200);
    expect(added.json).toMatchObject({ added: 2 });
    expect(added.json.ids).toHaveLength(2);
    for (const id of added.json.ids) expect(id).toMatch(/^P-NORTHWIND-[0-9A-F]{12}$/);
    const renamed = await call(server, 'POST', '/api/v1/partners/P-NORTHWIND/people', {
      token,
      body: { id: added.json.ids[0], name: 'Renamed' },
    });
    expect(renamed.json).toMatchObject({ updated: 1, ids: [added.json.ids[0]] });
  });

  it('still lets a program-admin choose ids, and tells them when one is taken', async () => {
    const token = server.tokens.admin;
    expect(
      (await call(server, 'POST', '/api/v1/partners/P-NORTHWIND/people', { token, body: { id: 'NW-CHOSEN', name: 'C' } })).status,
    ).toBe(200);
    expect((await call(server, 'POST', '/api/v1/partners/P-NORTHWIND/people', { token, body: { id: 'CON-01', name: 'C' } })).status).toBe(
      409,
    );
  });
});
