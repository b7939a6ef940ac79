/**
 * Accounts managed from the API beyond the program-admin (issue 17): a
 * partner-admin manages its own partner's partner-viewers and nothing else,
 * answering exactly as the tenancy rule says (src/http/tenancy.ts); and the
 * latest date the data reaches (GET /api/v1/store-summary), of the store or
 * of the own partner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonFile } from '../src/files/dataset-file.js';
import { call, EXAMPLE, signIn, startServer, type Answer, type TestServer } from './support/http.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

/** A problem body without what differs from one request to the next. */
function comparable(answer: Answer): unknown {
  const { requestId: _r, instance: _i, ...rest } = answer.json as Record<string, unknown>;
  return { status: answer.status, ...rest };
}

describe('GET /api/v1/store-summary', () => {
  it("gives every account the store's latest date: of a revenue line, an exam pass or an association start", async () => {
    const example = readJsonFile(EXAMPLE) as {
      revenue: { date: string }[];
      examPasses: { date: string }[];
      associations: { start: string }[];
    };
    const latest = [
      ...example.revenue.map((r) => r.date),
      ...example.examPasses.map((x) => x.date),
      ...example.associations.map((a) => a.start),
    ]
      .sort()
      .at(-1);
    expect(latest).toBe('2017-10-20');
    for (const account of ['admin', 'nw-admin', 'co-viewer'] as const) {
      const answer = await call(server, 'GET', '/api/v1/store-summary', { token: server.tokens[account] });
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ dataThrough: latest });
    }
    expect((await call(server, 'GET', '/api/v1/store-summary')).status).toBe(401);
  });

  it('moves when newer data is imported', async () => {
    const imported = await call(server, 'POST', '/api/v1/partners/P-NORTHWIND/exam-passes', {
      token: server.tokens['nw-admin'],
      body: { personId: 'NW-01', exam: 'MB2-716', date: '2019-03-04' },
    });
    expect(imported.status).toBe(200);
    expect((await call(server, 'GET', '/api/v1/store-summary', { token: server.tokens['co-viewer'] })).json.dataThrough).toBe('2019-03-04');
  });

  it('is null for an empty store', async () => {
    const empty = await startServer({ seed: false });
    try {
      expect((await call(empty, 'GET', '/api/v1/store-summary', { token: empty.tokens.admin })).json).toEqual({ dataThrough: null });
    } finally {
      await empty.close();
    }
  });
});

describe('a partner-admin manages its own partner-viewers, and nothing else', () => {
  const nw = () => server.tokens['nw-admin'];

  it('lists only the partner-viewers of its partner', async () => {
    const list = await call(server, 'GET', '/api/v1/users', { token: nw() });
    expect(list.status).toBe(200);
    expect(list.json.items.map((u: { username: string }) => u.username)).toEqual(['nw-viewer']);
    expect(list.text).not.toMatch(/co-|admin"/);
    const all = await call(server, 'GET', '/api/v1/users', { token: server.tokens.admin });
    expect(all.json.items.map((u: { username: string }) => u.username)).toEqual(expect.arrayContaining(['admin', 'co-admin', 'nw-admin']));
  });

  it('adds a partner-viewer of its partner with a generated password, shown once, that signs in', async () => {
    const added = await call(server, 'POST', '/api/v1/users', { token: nw(), body: { username: 'nw-new', role: 'partner-viewer' } });
    expect(added.status).toBe(201);
    expect(added.json.user).toMatchObject({ username: 'nw-new', role: 'partner-viewer', partnerId: 'P-NORTHWIND' });
    expect(added.json.password).toMatch(/\S{20,}/);
    expect((await signIn(server, 'nw-new', added.json.password)).answer.status).toBe(200);
    const named = await call(server, 'POST', '/api/v1/users', {
      token: nw(),
      body: { username: 'nw-new-2', role: 'partner-viewer', partnerId: 'P-NORTHWIND' },
    });
    expect(named.status).toBe(201);
  });

  it('answers 404 for another partner, existing or not, and 403 for another role', async () => {
    const other = await call(server, 'POST', '/api/v1/users', {
      token: nw(),
      body: { username: 'sneaky', role: 'partner-viewer', partnerId: 'P-CONTOSO' },
    });
    const nowhere = await call(server, 'POST', '/api/v1/users', {
      token: nw(),
      body: { username: 'sneaky', role: 'partner-viewer', partnerId: 'P-NO-SUCH-PARTNER' },
    });
    expect(other.status).toBe(404);
    expect(comparable(other)).toEqual(comparable(nowhere));
    expect(other.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // Another partner and another role: the partner is answered first.
    expect(
      (
        await call(server, 'POST', '/api/v1/users', {
          token: nw(),
          body: { username: 'sneaky', role: 'program-admin', partnerId: 'P-CONTOSO' },
        })
      ).status,
    ).toBe(404);
    for (const role of ['partner-admin', 'program-admin']) {
      const refused = await call(server, 'POST', '/api/v1/users', { token: nw(), body: { username: 'sneaky', role } });
      expect(refused.status, role).toBe(403);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect(await server.store.accounts.byName('sneaky')).toBeUndefined();
  });

  it("removes its partner's viewers only: any other account answers as one nobody has", async () => {
    for (const name of ['co-viewer', 'co-admin', 'admin', 'nw-admin']) {
      const refused = await call(server, 'DELETE', `/api/v1/users/${name}`, { token: nw() });
      expect(refused.status, name).toBe(404);
      const { username: _u, ...detail } = comparable(refused) as Record<string, unknown>;
      expect(String(detail.detail)).toBe(`There is no account "${name}".`);
      expect(await server.store.accounts.byName(name), name).toBeDefined();
    }
    expect((await call(server, 'DELETE', '/api/v1/users/nw-new-2', { token: nw() })).status).toBe(204);
    expect(await server.store.accounts.byName('nw-new-2')).toBeUndefined();
  });

  it("keeps other accounts' tokens to the program-admin", async () => {
    expect((await call(server, 'GET', '/api/v1/users/nw-viewer/tokens', { token: nw() })).status).toBe(403);
    expect((await call(server, 'POST', '/api/v1/users/nw-viewer/tokens', { token: nw(), body: { name: 'x' } })).status).toBe(403);
  });

  it('lets a partner-viewer manage nobody', async () => {
    const viewer = server.tokens['nw-viewer'];
    expect((await call(server, 'GET', '/api/v1/users', { token: viewer })).status).toBe(403);
    expect((await call(server, 'POST', '/api/v1/users', { token: viewer, body: { username: 'x1', role: 'partner-viewer' } })).status).toBe(
      403,
    );
    expect((await call(server, 'DELETE', '/api/v1/users/nw-new', { token: viewer })).status).toBe(403);
  });
});
