/**
 * The local administrator (src/http/auth.ts): the credential `attain serve`
 * makes when it owns an embedded store is a program-admin that is no
 * account, taken only from this machine; what the command line needs of the
 * API when it goes through the server (a token made for an account, a
 * problem's code and source, an upload as large as a file on disk, the last
 * program-admin removed as without a server); and what it may not do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/http/server.js';
import { Store } from '../src/store/store.js';
import { call, startServer, type TestServer } from './support/http.js';

const LOCAL = 'attain_local_test-credential-0123456789abcdefghijklmnopqrstuvwxyz';

let server: TestServer;
beforeAll(async () => {
  // A tiny upload limit: the local administrator's uploads are not held to it.
  server = await startServer({ server: { localCredential: LOCAL, maxUploadBytes: 512 } });
});
afterAll(async () => {
  await server.close();
});

describe('the local administrator', () => {
  it('is a program-admin that is no account, from this machine', async () => {
    const me = await call(server, 'GET', '/api/v1/me', { token: LOCAL });
    expect(me.status).toBe(200);
    expect(me.json).toEqual({
      user: { id: 0, username: 'local administrator', role: 'program-admin', partnerId: null, createdAt: '1970-01-01T00:00:00Z' },
      via: 'local',
      csrfToken: null,
    });
    const users = await call(server, 'GET', '/api/v1/users', { token: LOCAL });
    expect(users.json.items.map((u: { username: string }) => u.username)).not.toContain('local administrator');
    // Another secret, or the right one to a server that has none, is a bad token.
    expect((await call(server, 'GET', '/api/v1/me', { token: `${LOCAL}x` })).status).toBe(401);
    const other = await startServer({ seed: false });
    try {
      expect((await call(other, 'GET', '/api/v1/me', { token: LOCAL })).status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('is refused from another machine, whatever X-Forwarded-For says', async () => {
    const store = await Store.open({ dataDir: 'memory://' });
    const app = await buildServer({ store, localCredential: LOCAL, trustProxy: '203.0.113.0/24' });
    try {
      const from = (remoteAddress: string) =>
        app.inject({
          method: 'GET',
          url: '/api/v1/me',
          remoteAddress,
          headers: { authorization: `Bearer ${LOCAL}`, 'x-forwarded-for': '127.0.0.1' },
        });
      expect((await from('127.0.0.1')).statusCode).toBe(200);
      expect((await from('::ffff:127.0.0.1')).statusCode).toBe(200);
      expect((await from('203.0.113.9')).statusCode).toBe(401);
    } finally {
      await app.close();
      await store.close();
    }
  });

  it('owns no API token: POST /me/tokens is 403, with a code', async () => {
    const made = await call(server, 'POST', '/api/v1/me/tokens', { token: LOCAL, body: { name: 'mine' } });
    expect(made.status).toBe(403);
    expect(made.json).toMatchObject({ status: 403, code: 'localAdministrator' });
    expect(made.json.detail).toContain('attain users token');
  });

  it('uploads an import past the upload limit, which still holds for accounts', async () => {
    const csv = `id,partnerId,name\n${Array.from({ length: 40 }, (_, i) => `LOCAL-${i},P-NORTHWIND,Person number ${i}`).join('\n')}\n`;
    expect(csv.length).toBeGreaterThan(512);
    const upload = () => {
      const form = new FormData();
      form.append('people', new Blob([csv]), 'people.csv');
      return form;
    };
    expect((await call(server, 'POST', '/api/v1/imports', { token: server.tokens.admin, raw: upload() })).status).toBe(413);
    const local = await call(server, 'POST', '/api/v1/imports', { token: LOCAL, raw: upload() });
    expect(local.status, local.text).toBe(200);
    expect(local.json.reports[0]).toMatchObject({ source: 'people.csv', added: 40 });
  });

  it('may remove the last program-admin, as attain users remove may without a server; an account may not', async () => {
    const only = await startServer({ seed: false, server: { localCredential: LOCAL } });
    try {
      const byAdmin = await call(only, 'DELETE', '/api/v1/users/admin', { token: only.tokens.admin });
      expect(byAdmin.status).toBe(409);
      expect(byAdmin.json.code).toBe('lastAdmin');
      expect((await call(only, 'DELETE', '/api/v1/users/admin', { token: LOCAL })).status).toBe(204);
      expect((await call(only, 'GET', '/api/v1/users', { token: LOCAL })).json.total).toBe(0);
    } finally {
      await only.close();
    }
  });
});

describe('POST /api/v1/users/{username}/tokens', () => {
  it('makes an API token for an account, shown once, that works at once', async () => {
    const made = await call(server, 'POST', '/api/v1/users/nw-viewer/tokens', {
      token: server.tokens.admin,
      body: { name: 'reports', expiresInDays: 7 },
    });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ id: expect.any(Number), name: 'reports', token: expect.stringMatching(/^attain_/) });
    expect(Math.round((Date.parse(made.json.expiresAt) - Date.now()) / 86_400_000)).toBe(7);
    const me = await call(server, 'GET', '/api/v1/me', { token: made.json.token });
    expect(me.json).toMatchObject({ user: { username: 'nw-viewer' }, via: 'token' });
    const listed = await call(server, 'GET', '/api/v1/users/nw-viewer/tokens', { token: LOCAL });
    expect(listed.json.items.map((t: { name: string }) => t.name)).toContain('reports');
    expect(listed.text).not.toContain(made.json.token);
  });

  it('answers 404 with the code noUser for an account that does not exist; 403 to other roles; 400 for a bad body', async () => {
    const none = await call(server, 'POST', '/api/v1/users/nobody/tokens', { token: LOCAL, body: { name: 'x' } });
    expect(none.status).toBe(404);
    expect(none.json).toMatchObject({ code: 'noUser', detail: 'There is no account "nobody".' });
    const partnerAdmin = await call(server, 'POST', '/api/v1/users/nw-viewer/tokens', {
      token: server.tokens['nw-admin'],
      body: { name: 'x' },
    });
    expect(partnerAdmin.status).toBe(403);
    const bad = await call(server, 'POST', '/api/v1/users/nw-viewer/tokens', { token: LOCAL, body: { name: 'x', expiresInDays: 0 } });
    expect(bad.status).toBe(400);
  });
});

describe('problems for programs', () => {
  it('carry a code in every language, and an import’s problems their source', async () => {
    const fr = await call(server, 'DELETE', '/api/v1/users/nobody/tokens/1?locale=fr-FR', { token: LOCAL });
    expect(fr.json).toMatchObject({ status: 404, code: 'noUser' });
    const form = new FormData();
    form.append('examPasses', new Blob(['personId,exam,date\nNOBODY,MB2-716,2017-08-01\n']), 'passes.csv');
    const refused = await call(server, 'POST', '/api/v1/imports', { token: LOCAL, raw: form });
    expect(refused.status).toBe(422);
    expect(refused.json).toMatchObject({ source: 'passes.csv', total: 1, errors: [{ record: 'passes.csv:2' }] });
  });
});
