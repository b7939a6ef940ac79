/**
 * An import killed midway (kill -9) leaves the store exactly as it was: a
 * real process, a real kill, then the store read back.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { Store, type StoreOptions } from '../src/store/store.js';
import { programHistory } from './support/builders.js';
import { readJsonFile } from '../src/files/dataset-file.js';
import { SERVER } from './support/stores.js';

const EXAMPLE = 'examples/cloud-business-applications.json';
const SCHEMA = `attain_kill_${process.pid}_${Date.now()}`;

/** A batch big enough that writing it takes seconds. */
function bigBatch(lines: number): string {
  const revenue = Array.from({ length: lines }, (_, i) => ({
    id: `BIG-${i}`,
    customerId: 'C-ADATUM',
    product: 'D365-SALES',
    date: `2017-0${1 + (i % 6)}-15`,
    amount: `${i % 1000}.25`,
    currency: 'USD',
    netNew: i % 2 === 0,
  }));
  const file = join(mkdtempSync(join(tmpdir(), 'attain-big-')), 'big.json');
  writeFileSync(file, JSON.stringify({ revenue }));
  return file;
}

/** Starts `attain import`, waits until `ready` says it is writing, kills it with SIGKILL. */
async function importAndKill(args: string[], env: NodeJS.ProcessEnv, ready: () => Promise<boolean>): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, ['bin/attain.js', 'import', ...args], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  for (let i = 0; i < 600 && child.exitCode === null; i++) {
    if (await ready()) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  return exited;
}

async function storeRead(options: StoreOptions) {
  const store = await Store.open(options);
  try {
    return await store.read();
  } finally {
    await store.close();
  }
}

async function seed(options: StoreOptions): Promise<void> {
  const store = await Store.open(options);
  try {
    await store.import([{ incoming: readJsonFile(EXAMPLE), source: EXAMPLE }], programHistory);
  } finally {
    await store.close();
  }
}

describe('an import killed with kill -9', () => {
  const admin = new pg.Client({ connectionString: SERVER });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
    await admin.end();
  });

  it('on PostgreSQL: killed while it inserts revenue lines, the store is as before', async () => {
    await admin.connect();
    const options = { databaseUrl: SERVER, schema: SCHEMA };
    await seed(options);
    const before = await storeRead(options);
    const file = bigBatch(60_000);
    const application = `attain-kill-${process.pid}`;
    // The child finds the seeded schema through the URL, and shows itself in pg_stat_activity by name.
    const url = `${SERVER}${SERVER.includes('?') ? '&' : '?'}application_name=${application}&options=${encodeURIComponent(`-c search_path=${SCHEMA}`)}`;
    // Ready when the server shows the import's connection writing revenue lines, inside its transaction.
    const writing = async () =>
      (
        await admin.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'INSERT INTO %revenue_lines%' AND xact_start IS NOT NULL",
          [application],
        )
      ).rows[0].n > 0;
    const signal = await importAndKill([file, '--database-url', url], { ATTAIN_DATABASE_URL: '' }, writing);
    expect(signal).toBe('SIGKILL');
    expect(await storeRead(options)).toEqual(before);
  }, 60_000);

  it('on PGlite: killed midway, the store is as before and still opens', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'attain-kill-'));
    await seed({ dataDir });
    const before = await storeRead({ dataDir });
    const file = bigBatch(200_000);
    const started = Date.now();
    // The embedded engine cannot be watched from outside: kill well after the transaction has begun
    // (reading and merging the batch happen inside it) and well before two hundred thousand lines are written.
    const signal = await importAndKill([file, '--data', dataDir], {}, async () => Date.now() - started > 3500);
    expect(signal).toBe('SIGKILL');
    expect(await storeRead({ dataDir })).toEqual(before);
  }, 60_000);
});
