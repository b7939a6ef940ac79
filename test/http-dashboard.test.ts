/**
 * What the dashboard needs from the server, over HTTP: the people × exams
 * matrix and the counts per level (API additions for it), the built
 * dashboard served at / with every other non-API path answering its
 * index.html, and `attain start` (the README's main command) loading the
 * example into an empty store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStart } from '../src/cli/commands/start.js';
import type { CliIo } from '../src/cli/io.js';
import { translator } from '../src/i18n/index.js';
import { call, signIn, startServer, type TestServer } from './support/http.js';
import { emptyStoreFolder } from './support/pglite-template.js';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.close();
});

describe('GET /api/v1/partners/{partnerId}/qualifications', () => {
  it('says, per people requirement, who counts and what each other person still needs', async () => {
    const answer = await call(server, 'GET', '/api/v1/partners/P-NORTHWIND/qualifications?asOf=2017-07-07', {
      token: server.tokens['nw-viewer'],
    });
    expect(answer.status).toBe(200);
    const matrix = answer.json;
    expect(matrix.exams).toEqual(expect.arrayContaining(['MB2-715', 'MB2-716', 'MB2-717', 'MB2-718']));
    expect(matrix.people.find((p: { id: string }) => p.id === 'NW-01')).toEqual({
      id: 'NW-01',
      name: 'Ana Northwind',
      exams: ['MB2-715', 'MB2-716', 'MB2-718'],
    });
    const silver = matrix.requirements.find(
      (r: { option: string; level: string }) => r.option === 'enterprise-customer-engagement' && r.level === 'silver',
    );
    expect(silver.required).toBe(5);
    // The five who count for the evaluation count here; Fatima (MB2-717 only) needs MB2-715 and MB2-716.
    expect(silver.people.filter((p: { missing: number }) => p.missing === 0).map((p: { personId: string }) => p.personId)).toEqual([
      'NW-01',
      'NW-02',
      'NW-03',
      'NW-04',
      'NW-05',
    ]);
    expect(silver.people.find((p: { personId: string }) => p.personId === 'NW-06')).toEqual({
      personId: 'NW-06',
      missing: 2,
      exams: ['MB2-715', 'MB2-716'],
    });
    const evaluation = await call(server, 'GET', '/api/v1/partners/P-NORTHWIND/evaluation?asOf=2017-07-07', { token: server.tokens.admin });
    const people = evaluation.json.partners[0].competencies[0].options[0].levels[0].requirements.find(
      (r: { kind: string }) => r.kind === 'certified-people',
    );
    expect(people.evidence.personIds).toEqual(['NW-01', 'NW-02', 'NW-03', 'NW-04', 'NW-05']);
  });

  it("is another partner's 404 for a partner account", async () => {
    const answer = await call(server, 'GET', '/api/v1/partners/P-CONTOSO/qualifications', { token: server.tokens['nw-viewer'] });
    expect(answer.status).toBe(404);
  });
});

describe('GET /api/v1/partner-counts', () => {
  it('counts the partners at each level of each option, filtered like the list', async () => {
    const all = await call(server, 'GET', '/api/v1/partner-counts?asOf=2017-07-07', { token: server.tokens.admin });
    expect(all.status).toBe(200);
    expect(all.json.total).toBe(4);
    const engagement = all.json.options.find((o: { option: string }) => o.option === 'enterprise-customer-engagement');
    expect(engagement.levels).toEqual([
      { level: 'silver', count: 0 },
      { level: 'gold', count: 1 },
      { level: null, count: 3 },
    ]);
    const list = await call(server, 'GET', '/api/v1/partners?asOf=2017-07-07&option=enterprise-customer-engagement&level=gold', {
      token: server.tokens.admin,
    });
    expect(list.json.total).toBe(1);
    const searched = await call(server, 'GET', '/api/v1/partner-counts?asOf=2017-07-07&q=north', { token: server.tokens.admin });
    expect(searched.json.total).toBe(1);
  });

  it('counts only their own partner for a partner account', async () => {
    const own = await call(server, 'GET', '/api/v1/partner-counts?asOf=2017-07-07', { token: server.tokens['co-viewer'] });
    expect(own.status).toBe(200);
    expect(own.json.total).toBe(1);
  });
});

describe('the dashboard at /', () => {
  it('serves index.html at / and at its own paths, with a content security policy; /api paths stay problems', async () => {
    const root = await call(server, 'GET', '/');
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toMatch(/text\/html/);
    expect(root.text).toContain('<div id="root">');
    expect(root.headers.get('content-security-policy')).toContain("default-src 'self'");
    const deep = await call(server, 'GET', '/partners/P-NORTHWIND?asOf=2017-07-07');
    expect(deep.status).toBe(200);
    expect(deep.text).toBe(root.text);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(root.text)![1]!;
    const asset = await call(server, 'GET', script);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const missing = await call(server, 'GET', '/api/v1/nothing-here', { token: server.tokens.admin });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await call(server, 'POST', '/partners/P-NORTHWIND')).status).toBe(404);
  });
});

describe('attain start', () => {
  it('loads the example into an empty store, creates an admin, prints the dashboard URL; the second time loads nothing', async () => {
    const data = emptyStoreFolder('attain-start-');
    const run = async () => {
      let stderr = '';
      let stop!: (signal: string) => void;
      const until = new Promise<string>((resolve) => (stop = resolve));
      const io: CliIo = { stdout: () => {}, stderr: (t) => void (stderr += t), env: {}, now: () => new Date() };
      const done = runStart({ data, port: 0, host: '127.0.0.1', maxUploadMb: 50 }, io, translator('en'), until);
      for (let i = 0; i < 600 && !/Open the dashboard: (\S+)\n.*\n/.test(stderr); i++) await new Promise((r) => setTimeout(r, 50));
      const url = /Open the dashboard: (\S+)/.exec(stderr)?.[1];
      return { url, stderr, stop: async () => (stop('SIGTERM'), await done) };
    };
    const first = await run();
    expect(first.stderr).toContain('The store was empty: loaded the bundled example');
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?asOf=2017-11-01$/);
    const [, username, password] = /created (\S+)\.\nPassword \(shown this once, it cannot be retrieved\): (\S+)/.exec(first.stderr)!;
    const base = first.url!.replace(/\/\?.*$/, '');
    const session = await signIn({ url: base }, username!, password!);
    expect(session.answer.status).toBe(200);
    const partners = await call({ url: base }, 'GET', '/api/v1/partners?asOf=2017-11-01', { headers: { cookie: session.cookie } });
    expect(partners.json.total).toBe(4);
    await first.stop();

    const second = await run();
    expect(second.stderr).not.toContain('The store was empty');
    expect(second.stderr).toContain('npx attain users add NAME --role program-admin');
    expect(second.url).toMatch(/\/$/);
    await second.stop();
  });

  it('with --demo, generates a program of many partners into a store of its own, and the overview has partners at risk', async () => {
    const data = emptyStoreFolder('attain-demo-');
    let stderr = '';
    let stop!: (signal: string) => void;
    const until = new Promise<string>((resolve) => (stop = resolve));
    const io: CliIo = { stdout: () => {}, stderr: (t) => void (stderr += t), env: {}, now: () => new Date() };
    const done = runStart({ data, port: 0, host: '127.0.0.1', maxUploadMb: 50, demo: 400 }, io, translator('en'), until);
    for (let i = 0; i < 1200 && !/Open the dashboard: (\S+)\n.*\n/.test(stderr); i++) await new Promise((r) => setTimeout(r, 50));
    try {
      expect(stderr).toContain('Loaded a generated program of 400 partners');
      const url = /Open the dashboard: (\S+)/.exec(stderr)![1]!.replace(/\/$/, '');
      const [, username, password] = /created (\S+)\.\nPassword \(shown this once, it cannot be retrieved\): (\S+)/.exec(stderr)!;
      const session = await signIn({ url }, username!, password!);
      const headers = { cookie: session.cookie };
      const summary = await call({ url }, 'GET', '/api/v1/store-summary', { headers });
      const through = summary.json.dataThrough as string;
      expect(through).toMatch(/^2017-12-/);
      const all = await call({ url }, 'GET', `/api/v1/partners?asOf=${through}&limit=1`, { headers });
      expect(all.json.total).toBe(400);
      const atRisk = await call({ url }, 'GET', `/api/v1/partners?asOf=${through}&lapsesWithin=90&sort=lapse&limit=5`, { headers });
      expect(atRisk.json.total).toBeGreaterThan(0);
    } finally {
      stop('SIGTERM');
      await done;
    }
  });
});
