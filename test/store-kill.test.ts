/**
 * An import killed midway (kill -9) leaves the store exactly as it was: a
 * real process, a real kill, then the store read back.
 *
 * Then, repeated: on each engine, six kills (ATTAIN_KILLS) at random points of imports
 * (before the transaction, inside it, at its commit, after it), each leaving
 * the store exactly as it was before that import or as it is after it, and
 * the import then run again to its end. The batches and the points of the
 * kills come from a seeded generator: a failure names its seed, and
 * ATTAIN_KILL_SEED=<seed> replays them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store, type StoreOptions } from '../src/store/store.js';
import { programHistory } from './support/builders.js';
import { readJsonFile } from '../src/files/dataset-file.js';
import { importData } from '../src/app/imports.js';
import { definitionsOnDisk } from '../src/files/program-files.js';
import { SERVER } from './support/stores.js';
import { readScoredDefinitions } from '../src/files/scored-files.js';
import { writeScoringCsvFolder } from '../src/files/scoring-csv.js';
import { generateScoredRecords } from '../src/generate/scored.js';
import { monthIndex } from '../src/engine/index.js';
import { emptyStoreFolder } from './support/pglite-template.js';

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

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A real `attain import` process, and how it ends (its output kept, to show when it fails). */
function spawnImport(args: readonly string[], env: NodeJS.ProcessEnv): { child: ChildProcess; exited: Promise<Exit> } {
  const child = spawn(process.execPath, ['bin/attain.js', 'import', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exited };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** Starts `attain import`, waits until `ready` says it is writing, kills it with SIGKILL. */
async function importAndKill(args: string[], env: NodeJS.ProcessEnv, ready: () => Promise<boolean>): Promise<NodeJS.Signals | null> {
  const { child, exited } = spawnImport(args, env);
  for (let i = 0; i < 600 && running(child); i++) {
    if (await ready()) break;
    await sleep(50);
  }
  child.kill('SIGKILL');
  return (await exited).signal;
}

/** What `read` reads of the store these options open, the store closed after. */
async function readBack<T>(options: StoreOptions, read: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(options);
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

const storeRead = (options: StoreOptions) => readBack(options, (store) => store.read());
const scoringRead = (options: StoreOptions) => readBack(options, (store) => store.scoringRecords());

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
  beforeAll(async () => {
    await admin.connect();
  });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
    await admin.end();
  });

  /**
   * The URL a child process imports through — the seeded schema found by it, the connection named in
   * pg_stat_activity — and whether that connection is running a statement `LIKE` the pattern, inside its transaction.
   */
  const watched = (application: string, like: string) => ({
    url: `${SERVER}${SERVER.includes('?') ? '&' : '?'}application_name=${application}&options=${encodeURIComponent(`-c search_path=${SCHEMA}`)}`,
    running: async () =>
      (
        await admin.query(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND query LIKE $2 AND xact_start IS NOT NULL',
          [application, like],
        )
      ).rows[0].n > 0,
  });

  it('on PostgreSQL: killed while it inserts revenue lines, the store is as before', async () => {
    const options = { databaseUrl: SERVER, schema: SCHEMA };
    await seed(options);
    const before = await storeRead(options);
    const file = bigBatch(60_000);
    // Ready when the server shows the import's connection writing revenue lines, inside its transaction.
    const { url, running: writing } = watched(`attain-kill-${process.pid}`, 'INSERT INTO %revenue_lines%');
    const signal = await importAndKill([file, '--database-url', url], { ATTAIN_DATABASE_URL: '' }, writing);
    expect(signal).toBe('SIGKILL');
    expect(await storeRead(options)).toEqual(before);
  }, 60_000);

  it('on PostgreSQL: a scoring import killed while it copies seats in, the collections before them written, leaves the store as before', async () => {
    const options = { databaseUrl: SERVER, schema: SCHEMA };
    const read = readScoredDefinitions();
    if (!read.ok) throw new Error('the bundled scored definitions do not read');
    const versions = read.versions;
    // Stored: the example's scoring records but its seats, so that the import copies its seats into their empty table.
    const { seats: _seats, ...stored } = readJsonFile('examples/business-applications-scored.json') as Record<string, unknown>;
    const store = await Store.open(options);
    try {
      await store.importScoringRecords(stored, 'example', versions);
    } finally {
      await store.close();
    }
    const before = await scoringRead(options);
    const version = versions.at(-1)!;
    const folder = mkdtempSync(join(tmpdir(), 'attain-kill-scored-'));
    writeScoringCsvFolder(generateScoredRecords(version, { partners: 4000, month: monthIndex('2023-12'), seed: 3 }), folder);
    // Ready when the import's connection copies seats in: partners, tenants, subscriptions and billing are written
    // by then, inside its transaction, and usage is not yet read.
    const { url, running: copyingSeats } = watched(`attain-kill-scored-${process.pid}`, 'COPY scoring_seats%');
    const signal = await importAndKill(['--scored', folder, '--database-url', url], { ATTAIN_DATABASE_URL: '' }, copyingSeats);
    expect(signal).toBe('SIGKILL');
    expect(await scoringRead(options)).toEqual(before);
  }, 90_000);

  it('on PGlite: killed midway, the store is as before and still opens', async () => {
    const dataDir = emptyStoreFolder('attain-kill-');
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

/** Kills per engine, each at a random point of an import; ATTAIN_KILLS=50 for a deeper search (each costs seconds). */
const KILLS = Number(process.env.ATTAIN_KILLS ?? 6);
const SEED = Number(process.env.ATTAIN_KILL_SEED ?? Math.floor(Math.random() * 2 ** 32));

/** mulberry32: numbers in [0, 1) from a seed, the same ones on every run with that seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type State = Awaited<ReturnType<Store['read']>>;
interface Counts {
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
}

/** How many revenue lines a batch adds (BIG-k-*), and how many of the earlier ones it gives new values. */
interface BatchSize {
  readonly added: number;
  readonly changed: number;
}

/**
 * Batch `k`: new lines BIG-k-*, and earlier lines given new values, in a
 * random order; written to `dir`. Its lines are written as the store reads
 * them back (canonical amounts), so that the state after it is `before`
 * with them merged by id: worked out here, not by the store.
 */
function repeatedBatch(k: number, size: BatchSize, before: State, random: () => number, dir: string) {
  const int = (n: number) => Math.floor(random() * n);
  const two = (n: number) => String(n).padStart(2, '0');
  const line = (id: string) => ({
    id,
    customerId: 'C-ADATUM',
    product: 'D365-SALES',
    date: `2017-${two(1 + int(12))}-${two(1 + int(28))}`,
    amount: `${1 + int(99_999)}.${two(1 + int(99))}`.replace(/0$/, '5'),
    currency: 'USD',
    netNew: random() < 0.5,
  });
  const earlier = before.revenue.map((r) => String(r.id)).filter((id) => id.startsWith('BIG-'));
  const changed = new Set<string>();
  while (changed.size < Math.min(size.changed, earlier.length)) changed.add(earlier[int(earlier.length)]!);
  const lines = [...Array.from({ length: size.added }, (_, i) => line(`BIG-${k}-${i}`)), ...[...changed].map(line)];
  for (let i = lines.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  // The state after: merged by id, a record keeping its place (the store reads records in the order first imported).
  const revenue = [...before.revenue];
  const at = new Map(revenue.map((r, i) => [String(r.id), i] as const));
  const counts = { added: 0, updated: 0, unchanged: 0 };
  for (const l of lines) {
    const i = at.get(l.id);
    if (i === undefined) {
      at.set(l.id, revenue.push(l) - 1);
      counts.added++;
    } else if (isDeepStrictEqual(revenue[i], l)) counts.unchanged++;
    else {
      revenue[i] = l;
      counts.updated++;
    }
  }
  const file = join(dir, `batch-${k}.json`);
  writeFileSync(file, JSON.stringify({ revenue: lines }));
  const after: State = { ...before, revenue };
  return { file, lines: lines.length, after, counts: counts as Counts };
}

/** Where two states first differ, in a line (a whole store is too long to show). */
function firstDifference(a: State, b: State): string {
  for (const collection of Object.keys(b) as (keyof State)[]) {
    const x = a[collection] ?? [];
    const y = b[collection];
    const i = y.findIndex((row, n) => !isDeepStrictEqual(x[n], row));
    if (i >= 0) return `${collection}[${i}]: ${JSON.stringify(x[i])} instead of ${JSON.stringify(y[i])}`;
    if (x.length !== y.length) return `${collection}: ${x.length} records instead of ${y.length}`;
  }
  return 'none';
}

interface KilledEngine {
  readonly name: string;
  readonly options: StoreOptions;
  /** The first batch, run to its end (how long an import takes), then each killed one. */
  readonly first: BatchSize;
  readonly size: BatchSize;
  /** The child's store arguments and environment, for its `application` name (the server shows it). */
  readonly child: (application: string) => { args: string[]; env: NodeJS.ProcessEnv };
  /** Where an import stood when it was killed (`since`: when it was started, Date.now(); `pid`: its process). */
  readonly phase: (application: string, since: number, pid: number) => Promise<string>;
  /** Whether nothing of the killed process is left, once it is (a server ends its sessions when it notices). */
  readonly settled?: (application: string) => Promise<boolean>;
}

/**
 * KILLS imports of growing batches, each killed with SIGKILL at a point
 * drawn uniformly from a whole import's duration (the last import that ran
 * to its end: the first batch, then any that ended before its kill, as the
 * load of the machine changes); after each kill, the store read back must
 * be exactly the state before that import or the state after it, its import
 * log must agree, and the import run again must succeed, counting what that
 * state still lacked. Returns what the kills met.
 */
async function killRepeatedly(engine: KilledEngine, random: () => number, check: typeof expect): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'attain-kills-'));
  await seed(engine.options);
  const kills: string[] = [];
  const context = (k: number) =>
    `${engine.name}, seed ${SEED} (ATTAIN_KILL_SEED=${SEED} replays batches and points), batch ${k}; kills so far: ${kills.join('; ')}`;
  let state = await storeRead(engine.options);
  let typical = 0;
  /** Runs `attain import` for batch k; kills it after `offset` ms unless it has ended. */
  const importBatch = async (k: number, file: string, offset = Infinity) => {
    const application = `attain-kill-${process.pid}-${k}`;
    const { args, env } = engine.child(application);
    const since = Date.now();
    const started = performance.now();
    const { child, exited } = spawnImport([...args, file], env);
    await (offset === Infinity ? exited : Promise.race([sleep(offset), exited]));
    let phase = '';
    // When it was killed: later than drawn when the event loop was busy.
    let at = offset;
    if (running(child)) {
      phase = await engine.phase(application, since, child.pid!);
      at = performance.now() - started;
      child.kill('SIGKILL');
    }
    const end = await exited;
    if (end.signal === 'SIGKILL') {
      if (engine.settled)
        check(await engine.settled(application), `${context(k)}: the killed import's sessions still open after 30 s`).toBe(true);
      return { killed: true, phase, at };
    }
    check(end.code, `${context(k)}: the import failed on its own: ${end.stderr}`).toBe(0);
    typical = performance.now() - started;
    return { killed: false, phase: 'ended before its kill', at };
  };
  const first = repeatedBatch(0, engine.first, state, random, dir);
  await importBatch(0, first.file);
  state = first.after;
  let batches = 2;
  const met = new Map<string, number>();
  let k = 0;
  while (kills.length < KILLS) {
    k++;
    check(k, `${context(k)}: too many imports ended before their kill`).toBeLessThan(2 * KILLS);
    const batch = repeatedBatch(k, engine.size, state, random, dir);
    const fraction = random();
    const offset = fraction * typical;
    const { killed, phase, at } = await importBatch(k, batch.file, offset);
    // Opened again (PGlite recovers from its write-ahead log here), read back, and the import run again.
    const store = await Store.open(engine.options);
    try {
      const read = await store.read();
      const outcome = isDeepStrictEqual(read, state) ? 'before' : isDeepStrictEqual(read, batch.after) ? 'after' : undefined;
      if (killed)
        kills.push(`${at.toFixed(0)} ms (drawn ${fraction.toFixed(3)} × ${typical.toFixed(0)}) ${phase} → ${outcome ?? 'NEITHER'}`);
      met.set(`${phase} → ${outcome}`, (met.get(`${phase} → ${outcome}`) ?? 0) + 1);
      const where = engine.options.dataDir ? `folder ${engine.options.dataDir}, kept` : `schema ${engine.options.schema}`;
      check(
        outcome,
        `${context(k)}: the store (${where}) is neither as before the import (${firstDifference(read, state)}) nor as after it (${firstDifference(read, batch.after)})`,
      ).toBeDefined();
      if (!killed) check(outcome, context(k)).toBe('after');
      // The import's log lands with its records, in the same transaction.
      check((await store.batches()).length, `${context(k)}: import batches`).toBe(batches + (outcome === 'after' ? 1 : 0));
      // Run again, the import lands whole, or finds everything already there.
      const again = outcome === 'before' ? batch.counts : { added: 0, updated: 0, unchanged: batch.lines };
      const [report] = await importData(store, definitionsOnDisk, { files: [{ incoming: readJsonFile(batch.file), source: batch.file }] });
      check(
        { added: report!.added, updated: report!.updated, unchanged: report!.unchanged },
        `${context(k)}: the import run again`,
      ).toEqual(again);
      batches += outcome === 'after' ? 2 : 1;
    } finally {
      await store.close();
    }
    state = batch.after;
  }
  // The last import run again is read back too.
  const last = await storeRead(engine.options);
  check(isDeepStrictEqual(last, state), `${context(k)}: after the last import run again: ${firstDifference(last, state)}`).toBe(true);
  rmSync(dir, { recursive: true, force: true });
  const summary = [...met].map(([what, n]) => `${n} ${what}`).join(', ');
  return `${engine.name}: ${kills.length} kills in ${k} imports: ${summary}; seed ${SEED}, at ${kills.map((p) => p.split(' ')[0]).join(', ')} ms`;
}

describe.concurrent('imports killed with kill -9 at random points, repeated', () => {
  const admin = new pg.Client({ connectionString: SERVER });
  const schema = `${SCHEMA}_repeated`;
  beforeAll(async () => {
    await admin.connect();
  });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });
  const sessions = async (application: string) =>
    (
      await admin.query<{ n: number; busy: number }>(
        'SELECT count(*)::int AS n, (count(*) FILTER (WHERE xact_start IS NOT NULL))::int AS busy FROM pg_stat_activity WHERE application_name = $1',
        [application],
      )
    ).rows[0]!;

  it(`on PGlite: ${KILLS} kills, each leaving the store as before or after the import, which then runs again`, async ({ expect }) => {
    const dataDir = emptyStoreFolder('attain-kills-pglite-');
    const summary = await killRepeatedly(
      {
        name: 'PGlite',
        options: { dataDir },
        // Most of a PGlite import is starting the engine: the batch is small, reading the store's tables cold is not.
        first: { added: 2000, changed: 0 },
        size: { added: 800, changed: 200 },
        child: () => ({ args: ['--data', dataDir], env: { ATTAIN_DATABASE_URL: '' } }),
        // The engine runs inside the process. Seen from outside: whether the process holds the folder's lock yet
        // (src/store/lock.ts: taken as the store opens), and whether its commit has begun reaching the disk (the WAL).
        phase: async (_application, since, pid) => {
          const wal = join(dataDir, 'pg_wal');
          if (readdirSync(wal).some((f) => statSync(join(wal, f)).mtimeMs >= since)) return 'WAL written';
          let owner: unknown;
          try {
            owner = JSON.parse(readFileSync(join(dataDir, 'attain.lock'), 'utf8'));
          } catch {
            owner = undefined;
          }
          return (owner as { pid?: number } | undefined)?.pid === pid ? 'store opened, WAL untouched' : 'starting';
        },
      },
      seeded(SEED),
      expect,
    );
    rmSync(dataDir, { recursive: true, force: true });
    console.log(summary);
  }, 300_000);

  it(`on PostgreSQL: ${KILLS} kills, each leaving the store as before or after the import, which then runs again`, async ({ expect }) => {
    const summary = await killRepeatedly(
      {
        name: 'PostgreSQL',
        options: { databaseUrl: SERVER, schema },
        // Starting is quick: batches large enough that most of an import is its transaction, mostly updates so the store stays small.
        first: { added: 6000, changed: 0 },
        size: { added: 1000, changed: 5000 },
        // The child finds the schema through the URL, and shows itself in pg_stat_activity by name.
        child: (application) => ({
          args: [
            '--database-url',
            `${SERVER}${SERVER.includes('?') ? '&' : '?'}application_name=${application}&options=${encodeURIComponent(`-c search_path=${schema}`)}`,
          ],
          env: { ATTAIN_DATABASE_URL: '' },
        }),
        phase: async (application) => {
          const { n, busy } = await sessions(application);
          return n === 0 ? 'not connected' : busy > 0 ? 'in a statement or transaction' : 'connected, idle';
        },
        // A session the server has not ended yet may still commit what its client sent: the store is read once it has.
        settled: async (application) => {
          for (let i = 0; i < 1200; i++) {
            if ((await sessions(application)).n === 0) return true;
            await sleep(25);
          }
          return false;
        },
      },
      seeded(SEED + 1),
      expect,
    );
    console.log(summary);
  }, 300_000);
});
