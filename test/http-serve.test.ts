/**
 * `attain serve` itself (the first program-admin, the URL, JSON logs with
 * request ids, a clean stop), and the API on the PostgreSQL server (a
 * schema of its own per run, dropped after).
 */
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runServe } from '../src/cli/commands/serve.js';
import type { CliIo } from '../src/cli/io.js';
import { translator } from '../src/i18n/index.js';
import { runCli } from './support/cli.js';
import { call, signIn, startServer } from './support/http.js';
import { SERVER } from './support/stores.js';
import { emptyStoreFolder } from './support/pglite-template.js';

const SCHEMA = `attain_http_${process.pid}_${Date.now()}`;

afterAll(async () => {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  await client.end();
});

/** Runs `attain serve` in-process until `stop` is called. */
function serve(data: string) {
  let stdout = '';
  let stderr = '';
  let stop!: (signal: string) => void;
  const until = new Promise<string>((resolve) => (stop = resolve));
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, now: () => new Date() };
  const done = runServe({ data, port: 0, host: '127.0.0.1', maxUploadMb: 50 }, io, translator('en'), until);
  const url = (async () => {
    for (let i = 0; i < 600; i++) {
      const found = /listening on (http:\/\/[^\s:]+:\d+)/.exec(stderr);
      if (found) return found[1]!;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the server did not start: ${stderr}`);
  })();
  return { url, stop, done, out: () => ({ stdout, stderr }) };
}

describe('attain serve', () => {
  it('creates the first program-admin, prints its password once, listens, logs JSON with request ids, stops cleanly', async () => {
    const data = emptyStoreFolder('attain-serve-');
    const first = serve(data);
    const url = await first.url;
    const { stderr } = first.out();
    const credentials = /created (\S+)\.\nPassword \(shown this once, it cannot be retrieved\): (\S+)/.exec(stderr);
    expect(credentials, stderr).not.toBeNull();
    const [, username, password] = credentials!;
    expect(stderr).toContain(`${url}/api/docs`);

    expect((await call({ url }, 'GET', '/healthz', { headers: { 'x-request-id': 'serve-test-1' } })).json).toEqual({ status: 'ok' });
    const session = await signIn({ url }, username!, password);
    expect(session.answer.json.user).toMatchObject({ username: 'admin', role: 'program-admin' });
    // A store without data: no partners yet, judged by the bundled definition.
    const partners = await call({ url }, 'GET', '/api/v1/partners', { headers: { cookie: session.cookie } });
    expect(partners.json).toMatchObject({ total: 0, items: [] });
    const programs = await call({ url }, 'GET', '/api/v1/programs', { headers: { cookie: session.cookie } });
    expect(programs.json.stored).toBe(false);

    first.stop('SIGTERM');
    await first.done;
    expect(first.out().stderr).toContain('SIGTERM received: stopping.');
    const logs = first
      .out()
      .stdout.trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { reqId?: string; msg?: string });
    expect(logs.some((l) => l.reqId === 'serve-test-1')).toBe(true);
    expect(first.out().stdout).not.toContain(password!);

    // The store was closed (PGlite can open it again) and keeps its admin: no new password.
    const second = serve(data);
    await second.url;
    expect(second.out().stderr).not.toContain('Password');
    second.stop('SIGINT');
    await second.done;
  });

  it('runs as a process and stops on SIGTERM, closing the store', async () => {
    const data = emptyStoreFolder('attain-serve-');
    // The compiled command, as `npm test` builds it (like the kill test).
    const child = spawn(process.execPath, ['bin/attain.js', 'serve', '--port', '0', '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let url: string | undefined;
    for (let i = 0; i < 600 && !url && child.exitCode === null; i++) {
      url = /listening on (http:\/\/[^\s:]+:\d+)/.exec(stderr)?.[1];
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(url, stderr).toBeDefined();
    expect((await call({ url: url! }, 'GET', '/healthz')).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('SIGTERM received: stopping.');
  });

  it('refuses a bad port on the command line, and a port already taken', async () => {
    const run = await runCli(['serve', '--port', 'eighty']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--port');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as AddressInfo).port;
      const data = emptyStoreFolder('attain-serve-');
      const taken = await runCli(['serve', '--port', String(port), '--data', data]);
      expect(taken.code, taken.stderr).toBe(2);
      expect(taken.stderr).toContain(`--port "${port}" cannot be listened on (EADDRINUSE)`);
      expect(taken.stderr).not.toContain('Password'); // kept for a start that succeeds
    } finally {
      blocker.close();
    }
  });
});

describe('the API on the PostgreSQL server', () => {
  it('signs in, lists, evaluates, imports and keeps partners apart', async () => {
    const server = await startServer({ store: { databaseUrl: SERVER, schema: SCHEMA } });
    try {
      const { cookie, csrfToken } = await signIn(server, 'admin');
      const list = await call(server, 'GET', '/api/v1/partners?asOf=2017-07-07', { headers: { cookie } });
      expect(list.json.total).toBe(4);
      const evaluation = await call(server, 'GET', '/api/v1/partners/P-CONTOSO/evaluation?asOf=2017-11-01', { headers: { cookie } });
      expect(evaluation.json).toMatchObject({ programVersion: '2017-10-13', partners: [{ partnerId: 'P-CONTOSO' }] });
      const data = new FormData();
      data.append('examPasses', new Blob(['personId,exam,date\nNW-06,MB2-716,2017-08-01\n']), 'passes.csv');
      const imported = await call(server, 'POST', '/api/v1/imports', { headers: { cookie, 'x-csrf-token': csrfToken! }, raw: data });
      expect(imported.json.reports[0]).toMatchObject({ source: 'passes.csv', added: 1 });
      const viewer = server.tokens['nw-viewer'];
      expect((await call(server, 'GET', '/api/v1/partners/P-CONTOSO/people', { token: viewer })).status).toBe(404);
      const own = await call(server, 'GET', '/api/v1/partners', { token: viewer });
      expect(own.json.items.map((p: { id: string }) => p.id)).toEqual(['P-NORTHWIND']);
    } finally {
      await server.close();
    }
  });
});
