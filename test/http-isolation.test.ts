/**
 * Tenant isolation, against the real server over HTTP: every endpoint ×
 * {program-admin, partner-admin, partner-viewer, anonymous} × {own partner,
 * other partner}. A partner account sees its own partner only: another
 * partner's URL answers 404 — the very answer of a partner that does not
 * exist — and no body, list, count or error ever names another partner,
 * its people or its accounts. Writes it may not make change nothing. A
 * partner-admin manages its own partner's partner-viewer accounts only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINITE_ENDPOINTS, type Endpoint } from './support/http-endpoints.js';
import { call, PASSWORD, startServer, type AccountName, type Answer, type TestServer } from './support/http.js';

type Role = 'program-admin' | 'partner-admin' | 'partner-viewer' | 'anonymous';
type Scope = 'own' | 'other';

/** Who plays each role: the partner accounts belong to P-NORTHWIND. */
const ACTORS: Record<Role, AccountName | undefined> = {
  'program-admin': 'admin',
  'partner-admin': 'nw-admin',
  'partner-viewer': 'nw-viewer',
  anonymous: undefined,
};

const PARTNERS: Record<Scope, { partner: string; person: string }> = {
  own: { partner: 'P-NORTHWIND', person: 'NW-01' },
  other: { partner: 'P-CONTOSO', person: 'CON-01' },
};

/** What a Northwind account must never read: the other partners, their people, their accounts. */
const FOREIGN = [
  'P-CONTOSO',
  'Contoso',
  'P-FABRIKAM',
  'Fabrikam',
  'P-TAILSPIN',
  'Tailspin',
  'CON-0',
  'CON-1',
  'FAB-0',
  'TS-0',
  'co-admin',
  'co-viewer',
];

function expected(endpoint: Endpoint, role: Role, scope: Scope, ok: number): number {
  if (endpoint.access === 'public') return ok;
  if (role === 'anonymous') return 401;
  if (role === 'program-admin') return ok;
  switch (endpoint.access) {
    case 'user':
      return ok;
    case 'admin':
      return 403;
    case 'accounts':
      // A partner-admin manages its own partner's viewers; another partner's (named in the body, or owning the account) is 404.
      if (role === 'partner-viewer') return 403;
      return scope === 'own' || endpoint.method === 'GET' ? ok : 404;
    case 'read':
      return scope === 'own' ? ok : 404;
    case 'write':
      return scope === 'other' ? 404 : role === 'partner-admin' ? ok : 403;
  }
}

/** A problem body without what differs from one request to the next. */
function comparable(answer: Answer): unknown {
  const { requestId: _r, instance: _i, ...rest } = answer.json as Record<string, unknown>;
  return { status: answer.status, ...rest };
}

let server: TestServer;
let n = 0;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

describe('the isolation matrix: every endpoint × role × own / other partner', () => {
  for (const endpoint of FINITE_ENDPOINTS()) {
    for (const role of Object.keys(ACTORS) as Role[]) {
      for (const scope of ['own', 'other'] as Scope[]) {
        it(`${endpoint.method} ${endpoint.path} as ${role}, ${scope} partner`, async () => {
          const actor = ACTORS[role];
          const request = endpoint.valid({ ...PARTNERS[scope], n: ++n, username: actor ?? 'admin' });
          const doomed = endpoint.method === 'DELETE' && endpoint.path === '/api/v1/users/{username}' ? `doomed-${n}` : undefined;
          if (doomed) {
            await server.store.accounts.add({
              username: doomed,
              password: PASSWORD,
              role: 'partner-viewer',
              partnerId: PARTNERS[scope].partner,
            });
          }
          const token = actor === undefined ? undefined : server.tokens[actor];
          const answer = await call(server, endpoint.method, request.path, { token, body: request.body });
          expect(answer.status, answer.text).toBe(expected(endpoint, role, scope, request.ok));
          if (answer.status >= 400) expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);

          if (role === 'partner-admin' || role === 'partner-viewer') {
            for (const foreign of FOREIGN) expect(answer.text, `${foreign} in ${answer.text.slice(0, 300)}`).not.toContain(foreign);
            if (scope === 'other' && answer.status === 404) {
              // Exactly what a partner that does not exist answers: nothing tells that it does. (An account: the same name, once nobody has it.)
              if (doomed) await server.store.accounts.remove(doomed);
              const nowhere = doomed
                ? request
                : endpoint.valid({ partner: 'P-NO-SUCH-PARTNER', person: 'NOBODY', n: ++n, username: actor! });
              const missing = await call(server, endpoint.method, nowhere.path, { token, body: nowhere.body });
              expect(comparable(missing)).toEqual(comparable(answer));
            }
          }
          if (endpoint.access === 'write' && answer.status !== request.ok) {
            // A refused write changed nothing.
            const people = await server.store.queries.people(PARTNERS[scope].partner, { limit: 1000, offset: 0 });
            expect(people.items.map((p) => p.id)).not.toContain(`${PARTNERS[scope].person}-M${n}`);
          }
        });
      }
    }
  }
});

describe('lists and counts', () => {
  it('lists and counts only the own partner for partner accounts, whatever the filters', async () => {
    for (const account of ['nw-admin', 'nw-viewer'] as const) {
      for (const query of ['', 'q=o', 'market=developed', 'sort=name&order=desc', 'limit=1&offset=1', 'country=US']) {
        const list = await call(server, 'GET', `/api/v1/partners?${query}`, { token: server.tokens[account] });
        expect(list.status).toBe(200);
        expect(list.json.total).toBeLessThanOrEqual(1);
        for (const item of list.json.items) expect(item.id).toBe('P-NORTHWIND');
        for (const foreign of FOREIGN) expect(list.text).not.toContain(foreign);
      }
    }
  });

  it('refuses an exam pass of another partner’s person as it refuses a person who does not exist', async () => {
    const token = server.tokens['nw-admin'];
    const foreign = await call(server, 'POST', '/api/v1/partners/P-NORTHWIND/exam-passes', {
      token,
      body: { personId: 'CON-02', exam: 'MB2-715', date: '2017-06-01' },
    });
    const nobody = await call(server, 'POST', '/api/v1/partners/P-NORTHWIND/exam-passes', {
      token,
      body: { personId: 'NO-SUCH-PERSON', exam: 'MB2-715', date: '2017-06-01' },
    });
    expect(foreign.status).toBe(422);
    expect(comparable(foreign)).toEqual(comparable(nobody));
    for (const text of FOREIGN) expect(foreign.text).not.toContain(text);
  });

  it('refuses to take over another partner’s person id as it refuses an id nobody has: nothing tells that it exists', async () => {
    // Issue 18 changed this answer from 409 personTaken (which told that the id existed) to the answer of any id not the partner's own.
    const answer = await call(server, 'POST', '/api/v1/partners/P-NORTHWIND/people', {
      token: server.tokens['nw-admin'],
      body: { id: 'CON-03', name: 'Taken Over' },
    });
    const nobody = await call(server, 'POST', '/api/v1/partners/P-NORTHWIND/people', {
      token: server.tokens['nw-admin'],
      body: { id: 'NO-SUCH-PERSON', name: 'Taken Over' },
    });
    expect(answer.status).toBe(422);
    expect(comparable(answer)).toEqual(comparable(nobody));
    for (const text of FOREIGN) expect(answer.text).not.toContain(text);
    const contoso = await server.store.queries.people('P-CONTOSO', { limit: 1000, offset: 0 });
    expect(contoso.items.find((p) => p.id === 'CON-03')?.name).not.toBe('Taken Over');
  });
});
