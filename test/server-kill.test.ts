/**
 * A server killed with kill -9 while it imports (issue 14): the embedded
 * store is left whole — every record of the import or none — and a server
 * started again on it (taking over the dead one's lock) answers exactly
 * what a fresh load of the store answers. Real processes: `attain start`,
 * then `attain serve` on the same PGlite folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Evaluations } from '../src/app/evaluations.js';
import { evaluation } from '../src/app/reports.js';
import { asIsoDate } from '../src/engine/index.js';
import { definitionsOnDisk } from '../src/files/program-files.js';
import { Store } from '../src/store/store.js';
import { signIn } from './support/http.js';
import { emptyStoreFolder } from './support/pglite-template.js';

const AS_OF = '2017-11-01';
const NAMES = { asOf: 'asOf', programVersion: 'programVersion', target: 'target', from: 'from', to: 'to', partner: 'partner' };

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
  readonly banner: string;
  readonly exited: Promise<NodeJS.Signals | null>;
}

async function launch(command: 'start' | 'serve', data: string): Promise<Server> {
  const child = spawn(process.execPath, ['bin/attain.js', command, '--port', '0', '--data', data], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LANG: 'C' },
  });
  let banner = '';
  child.stderr!.on('data', (chunk: Buffer) => (banner += chunk.toString()));
  child.stdout!.on('data', (chunk: Buffer) => (banner += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
  for (let i = 0; i < 1200 && !/listening on http/.test(banner) && child.exitCode === null; i++)
    await new Promise((r) => setTimeout(r, 50));
  const url = /listening on (http:\/\/[^\s:]+:\d+)/.exec(banner)?.[1];
  if (!url) throw new Error(`the server did not start:\n${banner}`);
  return { child, url, banner, exited };
}

/** Lines enough that importing them takes a second or more. */
function bigImport(round: number): string {
  const revenue = Array.from({ length: 30_000 }, (_, i) => ({
    id: `KILL-${round}-${i}`,
    customerId: i % 2 === 0 ? 'C-ADATUM' : 'C-BLUEYONDER',
    product: 'D365-SALES',
    date: `2017-0${1 + (i % 9)}-15`,
    amount: `${(i % 500) + 1}.25`,
    currency: 'USD',
    netNew: i % 3 === 0,
  }));
  return JSON.stringify({ revenue });
}

/** What the server answers for every partner: the list with levels, and each partner's evaluation. */
async function served(url: string, cookie: string) {
  const get = async (path: string) => (await fetch(`${url}${path}`, { headers: { cookie } })).json();
  const list = (await get(`/api/v1/partners?asOf=${AS_OF}&limit=100&sort=id`)) as { items: { id: string; levels: unknown }[] };
  const evaluations = await Promise.all(list.items.map((p) => get(`/api/v1/partners/${p.id}/evaluation?asOf=${AS_OF}`)));
  return { levels: list.items.map((p) => ({ id: p.id, levels: p.levels })), evaluations };
}

describe('a server killed with kill -9 during an import', () => {
  it('leaves the store whole, and restarts to what a fresh load of it answers', { timeout: 180_000 }, async () => {
    const data = emptyStoreFolder('attain-server-kill-');
    let server = await launch('start', data);
    const password = /Password \(shown this once, it cannot be retrieved\): (\S+)/.exec(server.banner)![1]!;
    const lines: number[] = [];
    for (const [round, delay] of [600, 2000].entries()) {
      const session = await signIn({ url: server.url }, 'admin', password);
      const posted = fetch(`${server.url}/api/v1/imports?source=round-${round}.json`, {
        method: 'POST',
        headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken!, 'content-type': 'application/json' },
        body: bigImport(round),
      }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, delay));
      server.child.kill('SIGKILL');
      expect(await server.exited).toBe('SIGKILL');
      await posted;

      server = await launch('serve', data);
      const again = await signIn({ url: server.url }, 'admin', password);
      const answers = await served(server.url, again.cookie);
      server.child.kill('SIGTERM');
      await server.exited;

      const store = await Store.open({ dataDir: data });
      try {
        const rows = (await store.read()).revenue.filter((r) => String(r.id).startsWith(`KILL-${round}-`)).length;
        // All or nothing.
        expect([0, 30_000]).toContain(rows);
        lines.push(rows);
        const fresh = new Evaluations(store, definitionsOnDisk);
        const summaries = await fresh.summaries({ asOf: asIsoDate(AS_OF)! }, NAMES);
        if (!summaries.ok) throw new Error('the store cannot be evaluated');
        const byId = [...summaries.value.partners].sort((a, b) => (a.id < b.id ? -1 : 1));
        expect(answers.levels).toEqual(byId.map((p) => ({ id: p.id, levels: p.levels })));
        const freshEvaluations = await Promise.all(
          byId.map(async (p) => {
            const evaluated = evaluation((await fresh.judged(p.id))!, [p.id], { asOf: asIsoDate(AS_OF)! }, NAMES);
            if (!evaluated.ok) throw new Error(`${p.id} cannot be evaluated`);
            return JSON.parse(JSON.stringify(evaluated.value.result)) as unknown;
          }),
        );
        expect(answers.evaluations).toEqual(freshEvaluations);
      } finally {
        await store.close();
      }
      server = await launch('serve', data);
    }
    server.child.kill('SIGTERM');
    await server.exited;
    expect(lines).toHaveLength(2);
  });
});
