/** `attain import`, `attain export` and every command reading the store when no dataset is named. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { SERVER } from './support/stores.js';
import { emptyStoreFolder } from './support/pglite-template.js';

const EXAMPLE = 'examples/cloud-business-applications.json';
const run = (args: string[]) => runCli(args);

describe('the store from the command line', () => {
  const data = emptyStoreFolder('attain-cli-store-');

  it('says so when there is nothing to evaluate yet', async () => {
    const { code, stdout } = await run(['evaluate', '--data', emptyStoreFolder('attain-empty-'), '--as-of', '2017-07-07']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe('No partners to evaluate: the dataset (or the store) has none yet.');
  });

  it('imports, says what changed, and re-imports as unchanged', async () => {
    const first = await run(['import', EXAMPLE, '--data', data]);
    expect(first.stderr).toBe('');
    expect(first.stdout.trim()).toBe(`${EXAMPLE}: batch 1: 241 records added, 0 updated, 0 unchanged`);
    const again = await run(['import', EXAMPLE, '--data', data, '--format', 'json']);
    expect(JSON.parse(again.stdout)).toMatchObject([{ batch: 2, added: 0, updated: 0, unchanged: 241, rejected: 0 }]);
  });

  it('evaluates, plans, forecasts and draws timelines from the store as from the file', async () => {
    for (const args of [
      ['evaluate', '--as-of', '2017-07-07', '--format', 'json'],
      ['plan', '--partner', 'P-NORTHWIND', '--as-of', '2017-07-07', '--format', 'json'],
      ['forecast', '--partner', 'P-CONTOSO', '--as-of', '2017-07-07', '--format', 'json'],
      ['timeline', '--partner', 'P-FABRIKAM', '--from', '2017-07-07', '--to', '2017-12-07', '--format', 'csv'],
    ]) {
      const [command, ...rest] = args as [string, ...string[]];
      const fromStore = await run([command, ...rest, '--data', data]);
      const fromFile = await run([command, EXAMPLE, ...rest]);
      expect(fromStore.code, args.join(' ')).toBe(0);
      expect(fromStore.stdout, args.join(' ')).toBe(fromFile.stdout);
    }
  });

  it('exports the store as a dataset that evaluates the same', async () => {
    const out = join(data, 'export', 'dataset.json');
    expect((await run(['export', '--data', data, '--out', out])).code).toBe(0);
    const exported = await run(['evaluate', out, '--as-of', '2017-07-07', '--format', 'json']);
    const original = await run(['evaluate', EXAMPLE, '--as-of', '2017-07-07', '--format', 'json']);
    expect(exported.stdout).toBe(original.stdout);
    expect(JSON.parse(readFileSync(out, 'utf8')).partners).toHaveLength(4);
  });

  it('rejects a bad file whole, exit 2, listing its problems', async () => {
    const bad = join(data, 'bad.json');
    writeFileSync(bad, JSON.stringify({ people: [{ id: 'X-1', partnerId: 'P-NOBODY', name: 'X' }] }));
    const { code, stderr } = await run(['import', bad, '--data', data]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${bad}: people[0] (id X-1): partnerId "P-NOBODY" does not name a partner of the dataset`);
    const text = await run(['import', join(data, 'partners.txt'), '--data', data]);
    expect(text.code).toBe(2);
    expect(text.stderr).toContain('is neither a JSON dataset (.json) nor a CSV file (.csv)');
  });
});

describe('CSV imports', () => {
  function folder(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'attain-csv-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  }
  const FILES = {
    'partners.csv': 'id,name,country\nP1,One,US\nP2,Two,ZZ\n',
    'customers.csv': 'id,name,country\nC1,Cust,US\n',
    // Listed before the customers and partners it refers to: the files of one import are checked together.
    'associations.csv': 'customerId,partnerId,type,start,end\nC1,P1,DPOR,2016-01-01,\n',
    'revenue.csv':
      'id,customerId,product,date,amount,currency,netNew\nR1,C1,D365-SALES,2017-01-01,100000,USD,true\nR2,C9,D365-SALES,2017-01-01,5,USD,true\nR3,C1,D365-SALES,2017-02-30,5,USD,yes\n',
  };

  it('rejects the whole import by default, naming file, line and field of every bad row', async () => {
    const dir = folder(FILES);
    const data = join(dir, 'store');
    const { code, stderr } = await run(['import', dir, '--data', data]);
    expect(code).toBe(2);
    expect(stderr.split('\n').slice(1, 5)).toEqual([
      `${join(dir, 'partners.csv')}:3 (id P2): country "ZZ" is not an ISO 3166-1 alpha-2 code of the market table`,
      `${join(dir, 'revenue.csv')}:3 (id R2): customerId "C9" does not name a customer of the dataset`,
      `${join(dir, 'revenue.csv')}:4 (id R3): date "2017-02-30" is not a calendar date (YYYY-MM-DD)`,
      `${join(dir, 'revenue.csv')}:4 (id R3): netNew must be true or false, not a text`,
    ]);
    expect(stderr).toContain('4 problems; nothing was imported');
    expect(JSON.parse((await run(['export', '--data', data])).stdout).partners).toEqual([]);
  });

  it('with --skip-invalid imports the good rows and writes the rejected ones next to the input, with why', async () => {
    const dir = folder(FILES);
    const data = join(dir, 'store');
    const { code, stdout } = await run(['import', dir, '--data', data, '--skip-invalid', '--format', 'json']);
    expect(code).toBe(0);
    const reports = JSON.parse(stdout) as { source: string; added: number; rejected: number; rejectedFile: string | null }[];
    expect(reports.map((r) => [r.source.split('/').pop(), r.added, r.rejected])).toEqual([
      ['associations.csv', 1, 0],
      ['customers.csv', 1, 0],
      ['partners.csv', 1, 1],
      ['revenue.csv', 1, 2],
    ]);
    expect(readFileSync(join(dir, 'revenue.rejected.csv'), 'utf8').split('\n').slice(0, 3)).toEqual([
      'id,customerId,product,date,amount,currency,netNew,reason',
      'R2,C9,D365-SALES,2017-01-01,5,USD,true,"customerId ""C9"" does not name a customer of the dataset"',
      'R3,C1,D365-SALES,2017-02-30,5,USD,yes,"date ""2017-02-30"" is not a calendar date (YYYY-MM-DD); netNew must be true or false, not a text"',
    ]);
    const exported = JSON.parse((await run(['export', '--data', data])).stdout);
    expect(exported.revenue).toEqual([
      { id: 'R1', customerId: 'C1', product: 'D365-SALES', date: '2017-01-01', amount: '100000', currency: 'USD', netNew: true },
    ]);
    expect(exported.associations).toEqual([{ customerId: 'C1', partnerId: 'P1', type: 'DPOR', start: '2016-01-01', end: null }]);
    // Again: the rejected files are not read back as input, and nothing changes.
    const again = JSON.parse((await run(['import', dir, '--data', data, '--skip-invalid', '--format', 'json'])).stdout);
    expect(again.map((r: { added: number; updated: number }) => r.added + r.updated)).toEqual([0, 0, 0, 0]);
  });

  it('takes the entity from --entity when the file name does not say it', async () => {
    const dir = folder({ 'week-47.csv': 'id,name,country\nP9,Nine,FR\n' });
    const data = join(dir, 'store');
    expect((await run(['import', join(dir, 'week-47.csv'), '--data', data])).stderr).toContain('cannot tell which entity');
    expect((await run(['import', join(dir, 'week-47.csv'), '--data', data, '--entity', 'partners'])).code).toBe(0);
    expect(JSON.parse((await run(['export', '--data', data])).stdout).partners).toEqual([{ id: 'P9', name: 'Nine', country: 'FR' }]);
  });

  it('lists the first 100 problems and counts the rest', async () => {
    const rows = Array.from({ length: 150 }, (_, i) => `P${i},Name,ZZ`).join('\n');
    const dir = folder({ 'partners.csv': `id,name,country\n${rows}\n` });
    const { code, stderr } = await run(['import', dir, '--data', join(dir, 'store')]);
    expect(code).toBe(2);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1 + 100 + 1);
    expect(lines.at(-1)).toBe('… and 50 more problems');
  });
});

describe('the same scenarios from a file, from PGlite and from the PostgreSQL server', () => {
  const schema = `attain_cli_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: SERVER });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('gives byte-identical evaluations, plans, forecasts and timelines', async () => {
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    const server = `${SERVER}${SERVER.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const stores = [
      ['--data', emptyStoreFolder('attain-same-')],
      ['--database-url', server],
    ];
    for (const store of stores) expect((await run(['import', EXAMPLE, ...store])).code).toBe(0);
    // A what-if fragment: the store is then read whole and merged, as a file is.
    const assume = join(mkdtempSync(join(tmpdir(), 'attain-assume-')), 'what-if.json');
    writeFileSync(
      assume,
      JSON.stringify({
        revenue: [
          {
            id: 'W-1',
            customerId: 'C-ALPINE',
            product: 'D365-SALES',
            date: '2017-07-01',
            amount: '1306.80',
            currency: 'EUR',
            netNew: true,
          },
        ],
        associations: [{ customerId: 'C-MARGIE', partnerId: 'P-NORTHWIND', type: 'DPOR', start: '2016-01-01', end: '2016-12-31' }],
      }),
    );
    const scenarios = [
      // The whole store as columns: every partner, one partner, several in the order given, both versions, a table.
      ['evaluate', '--as-of', '2017-11-01', '--format', 'json'],
      ['evaluate', '--as-of', '2017-07-07', '--format', 'json'],
      ['evaluate', '--as-of', '2018-03-31'],
      ['evaluate', '--as-of', '2017-11-01', '--program-version', '2017-07-07', '--locale', 'fr-FR'],
      ['evaluate', '--as-of', '2017-07-07', '--partner', 'P-NORTHWIND', '--format', 'json'],
      ['evaluate', '--as-of', '2017-11-01', '--partner', 'P-TAILSPIN', '--partner', 'P-CONTOSO'],
      ['evaluate', '--as-of', '2017-07-07', '--partner', 'P-NORTHWIND', '--format', 'json', '--assume', assume],
      // One partner's neighbourhood: a customer handed over between Northwind and Contoso (C-ALPINE), people and their passes.
      ['plan', '--partner', 'P-TAILSPIN', '--as-of', '2017-11-01', '--format', 'json'],
      ['plan', '--partner', 'P-NORTHWIND', '--as-of', '2017-07-07', '--format', 'json'],
      ['plan', '--partner', 'P-NORTHWIND', '--as-of', '2017-07-07', '--locale', 'zh-TW'],
      ['plan', '--partner', 'P-CONTOSO', '--as-of', '2017-11-01', '--target', 'enterprise-operations/gold', '--format', 'json'],
      ['plan', '--partner', 'P-NORTHWIND', '--as-of', '2017-07-07', '--format', 'json', '--assume', assume],
      ['forecast', '--partner', 'P-FABRIKAM', '--as-of', '2017-07-07', '--format', 'json'],
      ['forecast', '--partner', 'P-CONTOSO', '--as-of', '2017-07-07'],
      ['forecast', '--partner', 'P-NORTHWIND', '--as-of', '2017-10-01', '--format', 'json'],
      ['timeline', '--partner', 'P-CONTOSO', '--from', '2017-07-07', '--to', '2018-07-07', '--format', 'csv'],
      ['timeline', '--partner', 'P-NORTHWIND', '--from', '2017-07-07', '--to', '2018-03-01', '--step', 'week', '--format', 'json'],
      ['timeline', '--partner', 'P-TAILSPIN', '--from', '2017-07-07', '--to', '2017-12-07'],
    ];
    for (const [command, ...rest] of scenarios as [string, ...string[]][]) {
      const fromFile = await run([command, EXAMPLE, ...rest]);
      expect(fromFile.code, `${command} ${rest.join(' ')}`).toBe(0);
      for (const store of stores) {
        const fromStore = await run([command, ...rest, ...store]);
        expect(fromStore.stderr, `${command} ${rest.join(' ')} ${store[0]}`).toBe('');
        expect(fromStore.stdout, `${command} ${rest.join(' ')} ${store[0]}`).toBe(fromFile.stdout);
      }
    }
    // A partner the store does not have: exit 2 whichever way the store is read.
    for (const args of [
      ['evaluate', '--as-of', '2017-07-07', '--partner', 'P-NOBODY'],
      ['plan', '--partner', 'P-NOBODY', '--as-of', '2017-07-07'],
      ['timeline', '--partner', 'P-NOBODY', '--from', '2017-07-07', '--to', '2017-08-07'],
    ]) {
      for (const store of stores) {
        const { code, stderr } = await run([...args, ...store]);
        expect(code, args.join(' ')).toBe(2);
        expect(stderr).toContain('P-NOBODY');
      }
    }
  });
});
