// Attain at program scale, side by side with what a team would use instead (issue #8).
// For each size: a synthetic population (src/generate, deterministic per --seed) evaluated as of --as-of
//   1. by the engine from memory (columns: prepareColumns for the date + evaluateLevels of every partner: levels,
//      revenue per scope, qualifying people, what the peers give; beside it evaluate's whole reports, which must agree);
//   2. by DuckDB running the rules as SQL over the same data (loaded from the generated CSV files);
//   3. by json-rules-engine, the same rules per partner, facts from DuckDB's measures (a sample when the whole
//      set would take longer than --json-budget seconds: extrapolated, and labeled so);
//   4. per store (--store pglite|postgres|both|none): `attain import` of the CSV files (rows/s), the engine
//      from the store (Store.columns + prepare + evaluateLevels), PostgreSQL running the rules as SQL, and the
//      latency of one partner's evaluation after one new exam pass or revenue line (the API's path);
//      beside the import (issue #16), the engine's own COPY of the same files into the same tables with no
//      checks (the limit), and `attain import --skip-invalid` of the files with 1% of their rows made bad
//      (which must leave out exactly those rows).
// Every peer's level per option and measures (revenue per scope, qualifying people per qualification) must
// agree with the engine's for every partner, or the bench fails listing the first differences.
// Usage: npm run bench -- [--partners 10000,100000] [--seed 1] [--as-of 2017-12-31] [--store both]
//          [--peers duckdb,postgres,json] [--database-url URL] [--json-budget 20] [--skip-import] [--skip-incremental]
//          [--skip-import-limits] (no COPY limit, no import with bad rows)
// Results: a table, and JSON in bench/results/<timestamp>.json. Not part of the tests.
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir, cpus, loadavg, totalmem } from 'node:os';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import autocannon from 'autocannon';
import { Engine } from 'json-rules-engine';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { PGlite } from '@electric-sql/pglite';
import {
  evaluate,
  evaluateLevels,
  IncrementalEvaluation,
  measurePartner,
  prepare,
  prepareColumns,
  ttmWindow,
  validateDataset,
  versionInEffect,
} from '../dist/engine/index.js';
import { generateColumns, FILES, mulberry32, writeCsv } from '../dist/generate/index.js';
import { main } from '../dist/cli/main.js';
import { buildServer } from '../dist/http/server.js';
import { Evaluations } from '../dist/app/evaluations.js';
import { evaluation, plan, qualifications } from '../dist/app/reports.js';
import { CLI_INPUTS } from '../dist/cli/inputs.js';
import { definitionsOnDisk, loadProgram } from '../dist/files/program-files.js';
import { Store } from '../dist/store/store.js';
import { migrate } from '../dist/store/migrations.js';
import { entityOfFileName } from '../dist/files/csv-dataset.js';
import { TABLES } from '../dist/store/tables.js';
import { openPostgres } from '../dist/store/postgres.js';
import { optionsOf, rulesAsJson, rulesAsSql } from './peers.js';
import { settle } from './settle.js';

const { values } = parseArgs({
  options: {
    partners: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    'as-of': { type: 'string', default: '2017-12-31' },
    store: { type: 'string', default: 'both' },
    peers: { type: 'string', default: 'duckdb,postgres,json' },
    'database-url': { type: 'string' },
    'json-budget': { type: 'string', default: '20' },
    'skip-import': { type: 'boolean', default: false },
    'skip-import-limits': { type: 'boolean', default: false },
    'skip-incremental': { type: 'boolean', default: false },
    'skip-http': { type: 'boolean', default: false },
    'http-seconds': { type: 'string', default: '10' },
    'incremental-samples': { type: 'string', default: '200' },
    out: { type: 'string', default: 'bench/results' },
  },
});
const sizes = values.partners.split(',').map(Number);
const seed = Number(values.seed);
const asOf = values['as-of'];
const stores = { both: ['pglite', 'postgres'], none: [], pglite: ['pglite'], postgres: ['postgres'] }[values.store];
if (!stores) throw new Error('--store is pglite, postgres, both or none');
const peers = new Set(values.peers === 'none' ? [] : values.peers.split(','));
const databaseUrl = values['database-url'] ?? process.env.ATTAIN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const program = loadProgram();
const version = versionInEffect(program, asOf);
const options = optionsOf(version);
const dayOfAsOf = Math.round(Date.parse(asOf) / 86_400_000);

const GiB = 2 ** 30;
const maxRss = () => (process.resourceUsage().maxRSS * 1024) / GiB;
const rss = () => process.memoryUsage().rss / GiB;

async function timed(fn) {
  const start = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - start) / 1000 };
}

/** The engine's answer for every partner: levels per option, revenue per scope, qualifying people per qualification. */
function referenceOf(prepared, report) {
  const window = ttmWindow(asOf);
  const rows = new Map();
  report.partners.forEach((p) => {
    const m = measurePartner(prepared, prepared.partnerIndex.get(p.partnerId), window, { evidence: false });
    rows.set(p.partnerId, {
      levels: options.map((o) => p.competencies.flatMap((c) => c.options).find((x) => x.option === o).level),
      scopes: m.scopeCents,
      quals: m.qualifiedPeople.map((q) => q.length),
    });
  });
  return rows;
}

/** The same from the levels batch (evaluateLevels): what the batch is timed on. */
function referenceOfBatch(prepared, batch) {
  const scopes = prepared.program.revenueScopes.length;
  const quals = prepared.program.qualifications.length;
  const column = options.map((o) => batch.options.findIndex((x) => x.option === o));
  const rows = new Map();
  batch.partners.forEach((p, k) => {
    rows.set(prepared.partnerIds[p], {
      levels: column.map((i) => {
        const level = batch.level[k * batch.options.length + i];
        return level < 0 ? null : batch.options[i].levels[level];
      }),
      scopes: [...batch.scopeCents.subarray(k * scopes, (k + 1) * scopes)],
      quals: [...batch.qualifiedPeople.subarray(k * quals, (k + 1) * quals)],
    });
  });
  return rows;
}

/** The first differences between two references of the engine's (the batch's and the reports'), none when equal. */
function referenceDifferences(a, b) {
  const differences = [];
  if (a.size !== b.size) differences.push(`${a.size} partners against ${b.size}`);
  for (const [id, row] of a) {
    if (differences.length >= 10) break;
    const other = b.get(id);
    if (JSON.stringify(row) !== JSON.stringify(other)) differences.push(`${id}: ${JSON.stringify(row)} against ${JSON.stringify(other)}`);
  }
  return differences;
}

/** Peer rows (id, s0…, q0…, l0…) against the reference; throws listing the first differences. */
function agree(label, reference, rows) {
  const differences = [];
  const seen = new Set();
  for (const row of rows) {
    const id = String(row.id);
    seen.add(id);
    const want = reference.get(id);
    if (!want) {
      differences.push(`${id}: not a partner of the engine's report`);
      continue;
    }
    want.scopes.forEach((cents, s) => {
      if (Number(row[`s${s}`]) !== cents) differences.push(`${id}: revenue scope ${s}: engine ${cents} cents, ${label} ${row[`s${s}`]}`);
    });
    want.quals.forEach((count, q) => {
      if (Number(row[`q${q}`]) !== count) differences.push(`${id}: qualification ${q}: engine ${count} people, ${label} ${row[`q${q}`]}`);
    });
    want.levels.forEach((level, o) => {
      if ((row[`l${o}`] ?? null) !== level) differences.push(`${id}: ${options[o]}: engine ${level}, ${label} ${row[`l${o}`]}`);
    });
    if (differences.length >= 10) break;
  }
  if (differences.length === 0 && seen.size !== reference.size)
    differences.push(`${label} gives ${seen.size} partners, the engine ${reference.size}`);
  if (differences.length > 0) {
    failures.push({ peer: label, differences });
    console.error(`DISAGREEMENT ${label}:\n  ${differences.join('\n  ')}`);
  }
  return differences.length === 0;
}

const failures = [];
const figures = [];
/** Seconds of each store's `attain import` of the size being measured, for the ratio to its COPY. */
const importSeconds = new Map();
function figure(size, name, seconds, extra = {}) {
  const entry = { partners: size, name, seconds: Number(seconds.toFixed(4)), maxRssGiB: Number(maxRss().toFixed(2)), ...extra };
  figures.push(entry);
  const rate = extra.rowsPerSecond ? `  ${Math.round(extra.rowsPerSecond).toLocaleString('en')} rows/s` : '';
  const note = extra.note ? `  (${extra.note})` : '';
  console.log(
    `${String(size).padStart(7)}  ${name.padEnd(58)} ${seconds.toFixed(3).padStart(9)} s  max rss ${entry.maxRssGiB} GiB${rate}${note}`,
  );
  return entry;
}

/** A CLI run in-process, its output captured. */
async function cli(args) {
  let out = '';
  let err = '';
  const io = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    env: {},
    now: () => new Date(),
    readStdin: async () => '',
  };
  const code = await main(args, io);
  if (code !== 0) throw new Error(`attain ${args.join(' ')}: exit ${code}\n${err}`);
  return out;
}

async function duckdbPeer(size, dir, reference, engineSeconds) {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(cpus().length) });
  const db = await instance.connect();
  const csv = (entity) => `read_csv('${join(dir, FILES[entity])}', header = true, all_varchar = true)`;
  const load = await timed(async () => {
    await db.run(`CREATE TABLE partners AS SELECT id, name, country FROM ${csv('partners')}`);
    await db.run(
      `CREATE TABLE associations AS SELECT customerId AS customer_id, partnerId AS partner_id, type, CAST(start AS DATE) AS start_date, CAST(nullif("end", '') AS DATE) AS end_date FROM ${csv('associations')}`,
    );
    await db.run(
      `CREATE TABLE revenue_lines AS SELECT id, customerId AS customer_id, product, CAST(date AS DATE) AS date, CAST(amount AS DECIMAL(18, 2)) AS amount, currency, CAST(netNew AS BOOLEAN) AS net_new FROM ${csv('revenue')}`,
    );
    await db.run(`CREATE TABLE people AS SELECT id, partnerId AS partner_id FROM ${csv('people')}`);
    await db.run(`CREATE TABLE exam_passes AS SELECT personId AS person_id, exam, CAST(date AS DATE) AS date FROM ${csv('examPasses')}`);
    await db.run(
      `CREATE TABLE fx_rates AS SELECT currency, month, CAST(usdPerUnit AS DECIMAL(18, 4)) AS usd_per_unit FROM ${csv('fxRates')}`,
    );
  });
  figure(size, 'duckdb: load the CSV files into tables (not compared)', load.seconds);
  const sql = rulesAsSql(version, asOf, 'duckdb');
  const run = await timed(async () => (await db.runAndReadAll(sql)).getRowObjectsJS());
  const ok = agree('duckdb', reference, run.value);
  figure(size, 'duckdb: the rules as SQL, every partner', run.seconds, { agrees: ok, enginePerPeer: ratio(engineSeconds, run.seconds) });
  db.closeSync?.();
  return run.value;
}

const ratio = (engine, peer) => Number((engine / peer).toFixed(3));

async function jsonRulesPeer(size, rows, reference, engineSeconds) {
  const engine = new Engine(rulesAsJson(version), { allowUndefinedFacts: false });
  const budget = Number(values['json-budget']) * 1000;
  const start = performance.now();
  const results = [];
  for (const row of rows) {
    const facts = { market: row.market };
    for (const [k, v] of Object.entries(row)) if (/^[sq]\d+$/.test(k)) facts[k] = Number(v);
    const { events } = await engine.run(facts);
    const out = { ...row };
    options.forEach((option, o) => {
      const met = events.filter((e) => e.params.option === option).sort((a, b) => b.params.rank - a.params.rank)[0];
      out[`l${o}`] = met?.params.level ?? null;
    });
    results.push(out);
    if (performance.now() - start > budget) break;
  }
  const seconds = (performance.now() - start) / 1000;
  const sampled = results.length < rows.length;
  const sample = new Map(results.map((r) => [String(r.id), reference.get(String(r.id))]));
  const ok = agree('json-rules-engine', sample, results);
  const whole = (seconds * rows.length) / results.length;
  figure(size, `json-rules-engine: the rules per partner${sampled ? ' (extrapolated)' : ''}`, whole, {
    agrees: ok,
    enginePerPeer: ratio(engineSeconds, whole),
    ...(sampled
      ? { note: `extrapolated from ${results.length} partners in ${seconds.toFixed(1)} s; facts from DuckDB` }
      : { note: 'facts from DuckDB' }),
  });
}

async function storeStage(size, kind, dir, reference, engineSeconds, rowCount) {
  let flags;
  let cleanup;
  let url;
  if (kind === 'pglite') {
    const data = mkdtempSync(join(tmpdir(), 'attain-bench-'));
    flags = ['--data', data];
    cleanup = async () => rmSync(data, { recursive: true, force: true });
  } else {
    const name = `attain_bench_${process.pid}_${size}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(databaseUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    flags = ['--database-url', url];
    cleanup = async () => {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  try {
    const imported = await timed(() => cli(['import', dir, ...flags, '--format', 'json']));
    figure(size, `${kind}: attain import of the CSV files`, imported.seconds, {
      rows: rowCount,
      rowsPerSecond: rowCount / imported.seconds,
      load: load(),
      note: `load ${load()}`,
    });
    importSeconds.set(kind, imported.seconds);
    const store = await Store.open(kind === 'pglite' ? { dataDir: flags[1] } : { databaseUrl: url });
    try {
      // Issue 16: the whole store read by SQL, beside the read from the columnar snapshot (src/store/snapshot.ts): an embedded
      // store's import left it in its folder; a server's store keeps it in its table from the first read after an import.
      const bySql = await timed(() => store.columns(program, { snapshot: false }));
      figure(size, `${kind}: Store.columns by SQL (snapshot not used)`, bySql.seconds, { load: load(), note: `load ${load()}` });
      if (kind === 'postgres') {
        const first = await timed(() => store.columns(program));
        figure(size, 'postgres: Store.columns, first read after the import (by SQL, snapshot kept)', first.seconds, {
          load: load(),
          note: `load ${load()}`,
        });
      }
      const total = await timed(async () => {
        const columns = await timed(() => store.columns(program));
        const from = ', from its snapshot';
        figure(size, `${kind}: Store.columns (the whole store as columns${from})`, columns.seconds, {
          load: load(),
          note: `load ${load()}`,
        });
        const prepared = prepareColumns(version, columns.value, { window: ttmWindow(asOf) });
        return { prepared, batch: evaluateLevels(prepared, { asOf }) };
      });
      const fromStore = referenceOfBatch(total.value.prepared, total.value.batch);
      const rows = [...fromStore].map(([id, r]) => ({
        id,
        ...Object.fromEntries(r.scopes.map((v, s) => [`s${s}`, v])),
        ...Object.fromEntries(r.quals.map((v, q) => [`q${q}`, v])),
        ...Object.fromEntries(r.levels.map((v, o) => [`l${o}`, v])),
      }));
      const ok = agree(`engine from ${kind}`, reference, rows);
      figure(size, `${kind}: engine from the store (columns + prepare + evaluateLevels)`, total.seconds, { agrees: ok });
      if (kind === 'postgres' && peers.has('postgres')) {
        const db = await openPostgres(url);
        await db.exec('ANALYZE');
        const run = await timed(() => db.query(rulesAsSql(version, asOf, 'postgres')));
        const agrees = agree('postgres', reference, run.value);
        figure(size, 'postgres: the rules as SQL, every partner', run.seconds, {
          agrees,
          enginePerPeer: ratio(total.seconds, run.seconds),
          note: `engine from postgres / SQL; in-memory engine / SQL ${ratio(engineSeconds, run.seconds)}`,
        });
        await db.close();
      }
      if (!values['skip-incremental']) await incremental(size, kind, store, fromStore);
      if (!values['skip-http']) await httpThroughput(size, kind, store, fromStore);
    } finally {
      await store.close();
    }
  } finally {
    await cleanup();
  }
}

/** The machine's load average over the last minute, with the figures it weighs on: other engineers share the cores. */
const load = () => Number(loadavg()[0].toFixed(2));

/** An empty store of `kind` for one stage: its `attain` flags, its URL on the server, and its removal. */
async function scratchStore(kind, name) {
  if (kind === 'pglite') {
    const data = mkdtempSync(join(tmpdir(), 'attain-bench-'));
    return { flags: ['--data', data], dataDir: data, cleanup: async () => rmSync(data, { recursive: true, force: true }) };
  }
  const database = `attain_bench_${process.pid}_${name}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const u = new URL(databaseUrl);
  u.pathname = `/${database}`;
  const url = u.toString();
  return {
    flags: ['--database-url', url],
    url,
    cleanup: async () => {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A CSV file's header: its column names as the store's table names them. */
async function tableColumns(file, table) {
  const lines = createInterface({ input: createReadStream(file) });
  for await (const header of lines) {
    lines.close();
    return header.split(',').map((field) => table.columns.find((c) => c.field === field).column);
  }
}

/**
 * The limit of an import (issue #16): the engine's own COPY of the same CSV files into the same tables of a
 * freshly migrated store, one transaction, no checks (PostgreSQL: `COPY … FROM STDIN (FORMAT csv)` streamed
 * with pg-copy-streams; PGlite: `COPY … FROM '/dev/blob'` a few megabytes of whole lines at a time).
 */
async function copyLimit(size, kind, dir, rowCount, importSeconds) {
  const scratch = await scratchStore(kind, `${size}_copy`);
  try {
    await (await Store.open(kind === 'pglite' ? { dataDir: scratch.dataDir } : { databaseUrl: scratch.url })).close();
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.csv'))
      .sort();
    const copied = await timed(async () => {
      if (kind === 'postgres') {
        const client = new pg.Client({ connectionString: scratch.url });
        await client.connect();
        await client.query('BEGIN');
        for (const f of files) {
          const table = TABLES[entityOfFileName(f)];
          const columns = await tableColumns(join(dir, f), table);
          await pipeline(
            createReadStream(join(dir, f)),
            client.query(copyFrom(`COPY ${table.name} (${columns.join(', ')}) FROM STDIN (FORMAT csv, HEADER true)`)),
          );
        }
        await client.query('COMMIT');
        await client.end();
        return;
      }
      const db = await PGlite.create(scratch.dataDir);
      await db.transaction(async (tx) => {
        for (const f of files) {
          const table = TABLES[entityOfFileName(f)];
          const columns = await tableColumns(join(dir, f), table);
          const copy = (text, header) =>
            tx.query(`COPY ${table.name} (${columns.join(', ')}) FROM '/dev/blob' (FORMAT csv${header ? ', HEADER true' : ''})`, [], {
              blob: new Blob([text]),
            });
          let carried = '';
          let first = true;
          for await (const chunk of createReadStream(join(dir, f), { encoding: 'utf8', highWaterMark: 32 << 20 })) {
            const text = carried + chunk;
            const end = text.lastIndexOf('\n') + 1;
            carried = text.slice(end);
            if (end > 0) await copy(text.slice(0, end), first);
            first = false;
          }
          if (carried) await copy(carried, first);
        }
      });
      await db.close();
    });
    figure(
      size,
      `${kind}: ${kind === 'pglite' ? "PGlite's" : "PostgreSQL's"} own COPY of the CSV files, no checks (the limit)`,
      copied.seconds,
      {
        rows: rowCount,
        rowsPerSecond: rowCount / copied.seconds,
        importPerCopy: ratio(importSeconds, copied.seconds),
        load: load(),
        note: `attain import / COPY ${ratio(importSeconds, copied.seconds)}, load ${load()}`,
      },
    );
  } finally {
    await scratch.cleanup();
  }
}

/** Every 100th row of the files nothing refers to, made bad in one way each: left out alone by --skip-invalid. */
const DEFECTS = {
  'revenue.csv': [
    (cells) => (cells[3] = '2017-02-30'),
    (cells) => (cells[2] = 'NOT-A-PRODUCT'),
    (cells) => (cells[5] = 'EURO'),
    (cells) => (cells[4] = 'abc'),
  ],
  'exam-passes.csv': [(cells) => (cells[2] = '2017-13-01'), (cells) => (cells[0] = '')],
  'associations.csv': [(cells) => (cells[2] = 'NOT-A-TYPE')],
};

/** The CSV files again in `bad`, 1% of the rows of revenue, exam passes and associations made bad; how many. */
async function withBadRows(dir, bad) {
  mkdirSync(bad, { recursive: true });
  let count = 0;
  for (const f of readdirSync(dir).filter((name) => name.endsWith('.csv'))) {
    const defects = DEFECTS[f];
    const out = createWriteStream(join(bad, f));
    let n = -1;
    let buffer = '';
    for await (const line of createInterface({ input: createReadStream(join(dir, f)) })) {
      let text = line;
      if (defects && n >= 0 && n % 100 === 50) {
        const cells = line.split(',');
        defects[Math.floor(n / 100) % defects.length](cells);
        text = cells.join(',');
        count += 1;
      }
      n += 1;
      buffer += `${text}\n`;
      if (buffer.length > 1 << 20) {
        const flowing = out.write(buffer);
        buffer = '';
        if (!flowing) await once(out, 'drain');
      }
    }
    out.end(buffer);
    await once(out, 'finish');
  }
  return count;
}

/** `attain import --skip-invalid` of the files with 1% bad rows into an empty store: rows/s, and exactly the bad rows left out. */
async function badRowsImport(size, kind, dir, rowCount) {
  const bad = mkdtempSync(join(tmpdir(), `attain-bench-bad-${size}-`));
  const scratch = await scratchStore(kind, `${size}_bad`);
  try {
    const defects = await withBadRows(dir, bad);
    const imported = await timed(() => cli(['import', bad, ...scratch.flags, '--skip-invalid', '--format', 'json']));
    const reports = JSON.parse(imported.value);
    const rejected = reports.reduce((n, r) => n + r.rejected, 0);
    const added = reports.reduce((n, r) => n + r.added, 0);
    const differences = [];
    if (rejected !== defects) differences.push(`${defects} rows made bad, ${rejected} left out`);
    if (added !== rowCount - defects) differences.push(`${rowCount - defects} good rows, ${added} added`);
    if (differences.length > 0) {
      failures.push({ peer: `${kind} import with bad rows`, differences });
      console.error(`DISAGREEMENT ${kind} import with bad rows:\n  ${differences.join('\n  ')}`);
    }
    figure(size, `${kind}: attain import --skip-invalid, 1% bad rows`, imported.seconds, {
      rows: rowCount,
      rowsPerSecond: rowCount / imported.seconds,
      rejected,
      agrees: differences.length === 0,
      load: load(),
      note: `${rejected} rows left out (the .rejected.csv files written), load ${load()}`,
    });
  } finally {
    await scratch.cleanup();
    rmSync(bad, { recursive: true, force: true });
  }
}

/**
 * After one new exam pass or revenue line is imported, what a server answers from.
 * - the live state (src/app/evaluations.ts, what `attain serve` keeps): loaded once (the server's start), then
 *   caught up with each import from the import log (only the partners it changed are read again); then the
 *   partner's evaluation (its neighbourhood read once and prepared, shared by its page's requests) and every
 *   partner's levels (the overview) as the server answers them;
 * - its peer in the same run, the path before the live state: the partner's neighbourhood read from the store,
 *   validated, prepared and evaluated for each request.
 * p50 and p99 over the samples.
 */
async function incremental(size, kind, store, reference) {
  const samples = Number(values['incremental-samples']);
  const partners = [...reference.keys()];
  const rules = { asOf };
  const live = new Evaluations(store, definitionsOnDisk);
  const loaded = await timed(() => live.load());
  figure(size, `${kind}: live state loaded (a server's start: the whole store read once as columns)`, loaded.seconds);
  const overview = await timed(() => live.summaries(rules, CLI_INPUTS));
  if (!overview.value.ok) throw new Error('the live state cannot evaluate the store');
  figure(size, `${kind}: live state: every partner's levels, first time (prepare + evaluateLevels)`, overview.seconds);
  const liveLevels = new Map(overview.value.value.partners.map((p) => [p.id, p.levels.map((l) => l.level ?? 'none')]));
  const levelRows = [...liveLevels].map(([id, levels]) => ({ id, ...Object.fromEntries(levels.map((l, o) => [`l${o}`, l])) }));
  agreeLevels(`live state from ${kind}`, reference, levelRows);
  const timings = { importMs: [], catchUpMs: [], partnerMs: [], pageMs: [], overviewMs: [], peerMs: [] };
  for (let i = 0; i < samples; i++) {
    const partnerId = partners[Math.floor((i * 7919) % partners.length)];
    const n = Number(partnerId.slice(1));
    const batch =
      i % 2 === 0
        ? { examPasses: [{ personId: `E${n}-0`, exam: 'MB2-715', date: '2017-12-01' }] }
        : {
            revenue: [
              {
                id: `BENCH-${i}`,
                customerId: `C${n}-0`,
                product: 'D365-ENTERPRISE-PLAN-1',
                date: '2017-12-01',
                amount: '100.00',
                currency: 'USD',
                netNew: true,
              },
            ],
          };
    if (i % 2 === 0 && !(await store.neighbourhood(partnerId)).people.length) continue;
    const imported = await timed(() => store.import([{ incoming: batch, source: 'bench' }], program));
    timings.importMs.push(imported.seconds * 1000);
    timings.catchUpMs.push((await timed(() => live.refresh())).seconds * 1000);
    const answered = await timed(async () => {
      const evaluated = evaluation(await live.judged(partnerId), [partnerId], rules, CLI_INPUTS, { evidence: true });
      if (!evaluated.ok) throw new Error(`${partnerId}: not evaluated`);
    });
    timings.partnerMs.push(answered.seconds * 1000);
    // The rest of its page: the plan and the matrix read its records (kept from the catch-up when it was the only partner).
    const page = await timed(async () => {
      const data = await live.partner(partnerId);
      if (!plan(data, partnerId, rules, [], CLI_INPUTS).ok || !qualifications(data, partnerId, rules, CLI_INPUTS).ok)
        throw new Error(`${partnerId}: no plan`);
    });
    timings.pageMs.push(page.seconds * 1000);
    timings.overviewMs.push((await timed(() => live.summaries(rules, CLI_INPUTS))).seconds * 1000);
    const peer = await timed(async () => {
      const raw = await store.neighbourhood(partnerId);
      const validated = validateDataset(raw, program);
      if (!validated.ok) throw new Error(validated.problems[0].message);
      return evaluate(prepare(version, validated.value), { asOf, partnerIds: [partnerId], evidence: true });
    });
    timings.peerMs.push(peer.seconds * 1000);
  }
  const at = (list) => ({ p50ms: pct(list, 0.5), p99ms: pct(list, 0.99) });
  const ms = (list) => `p50 ${pct(list, 0.5).toFixed(1)} / p99 ${pct(list, 0.99).toFixed(1)} ms`;
  figure(
    size,
    `${kind}: live state: one new record caught up, then the partner's evaluation (with evidence), p50`,
    pct(timings.partnerMs, 0.5) / 1000,
    {
      samples: timings.partnerMs.length,
      import: at(timings.importMs),
      catchUp: at(timings.catchUpMs),
      partner: at(timings.partnerMs),
      planAndMatrix: at(timings.pageMs),
      overview: at(timings.overviewMs),
      peer: at(timings.peerMs),
      note: `catch-up ${ms(timings.catchUpMs)}; partner's evaluation ${ms(timings.partnerMs)}; its plan and matrix ${ms(timings.pageMs)}; every partner's levels ${ms(timings.overviewMs)}; peer (neighbourhood read, validated, prepared per request) ${ms(timings.peerMs)}; the import itself ${ms(timings.importMs)}`,
    },
  );
}

/** The live state's level per option must be the engine's for every partner (the reference of the engine from the store). */
function agreeLevels(label, reference, rows) {
  const expected = [...reference].map(([id, r]) => ({
    id,
    ...Object.fromEntries(r.levels.map((level, i) => [`l${i}`, level ?? 'none'])),
  }));
  const byId = new Map(rows.map((r) => [r.id, JSON.stringify(r)]));
  const differences = expected
    .filter((e) => byId.get(e.id) !== JSON.stringify(e))
    .slice(0, 10)
    .map((e) => e.id);
  if (differences.length > 0 || rows.length !== expected.length) failures.push({ peer: label, differences });
}

/** GET /api/v1/partners/{id}/evaluation with a bearer token, partners in turn, for --http-seconds: autocannon. */
async function httpThroughput(size, kind, store, reference) {
  const partners = [...reference.keys()];
  const added = await store.accounts.add({
    username: `bench-${process.pid}-${size}`,
    password: 'correct horse battery staple',
    role: 'program-admin',
    partnerId: null,
  });
  if (!added.ok) throw new Error(`cannot add the bench account: ${added.refusal}`);
  const { token } = await store.accounts.createToken(added.user.id, 'bench');
  const app = await buildServer({ store, today: () => asOf, webRoot: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${app.server.address().port}`;
  // The server's start: the live state loaded before the first request is timed.
  const started = await timed(() => fetch(`${url}/api/v1/partner-counts?asOf=${asOf}`, { headers: { authorization: `Bearer ${token}` } }));
  figure(size, `${kind}: API server ready (live state loaded, first overview answered)`, started.seconds);
  // The list's outlooks (every partner's lapse search) are computed by its first request of a date, then kept.
  const outlooks = await timed(() =>
    fetch(`${url}/api/v1/partners?asOf=${asOf}&limit=1`, { headers: { authorization: `Bearer ${token}` } }),
  );
  figure(size, `${kind}: API first partner list of a date (every partner's outlook computed)`, outlooks.seconds);
  const pick = (i) => partners[(i * 7919) % partners.length];
  // One partner page: what the dashboard asks for it, the neighbourhood prepared once for all of them.
  const PAGE = ['', '/evaluation', '/plan', '/forecast', '/qualifications'];
  const scenarios = [
    ['API evaluation endpoint', (i) => `/api/v1/partners/${pick(i)}/evaluation?asOf=${asOf}`],
    [
      'API partner page (summary, evaluation, plan, forecast, matrix)',
      (i) => `/api/v1/partners/${pick(Math.floor(i / PAGE.length))}${PAGE[i % PAGE.length]}?asOf=${asOf}`,
    ],
    ['API overview (first page of every partner, sorted by name)', () => `/api/v1/partners?asOf=${asOf}&sort=name&limit=25`],
  ];
  try {
    for (const [name, path] of scenarios) {
      let i = 0;
      const result = await autocannon({
        url,
        connections: 10,
        duration: Number(values['http-seconds']),
        headers: { authorization: `Bearer ${token}` },
        requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: path(i++) }) }],
      });
      const seconds = Number(values['http-seconds']);
      figure(size, `${kind}: ${name} (autocannon, 10 connections)`, seconds, {
        requestsPerSecond: result.requests.average,
        latencyP50ms: result.latency.p50,
        latencyP99ms: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors,
        note: `${result.requests.average} requests/s, latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${result.non2xx} non-2xx`,
      });
      // Timeouts (errors) are a figure of their own; a wrong answer fails the bench.
      if (result.non2xx > 0) failures.push({ peer: `${kind} ${name}`, differences: [`${result.non2xx} non-2xx answers`] });
    }
  } finally {
    await app.close();
  }
}

const pct = (list, q) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(q * list.length))];

/** In memory: one new exam pass or revenue line applied to the prepared data, and its partner re-evaluated (with evidence). */
function inMemoryIncremental(size, prepared, columns) {
  const setup = performance.now();
  const incremental = new IncrementalEvaluation(prepared, columns);
  const setupSeconds = (performance.now() - setup) / 1000;
  const random = mulberry32(seed + 1);
  const pick = (n) => Math.floor(random() * n);
  const exams = [...version.exams.keys()];
  const products = [...version.products.keys()];
  const samples = Math.max(1000, Number(values['incremental-samples']));
  for (const evidence of [false, true]) {
    const latencies = [];
    for (let i = 0; i < samples; i++) {
      const start = performance.now();
      const partners =
        i % 2 === 0
          ? [incremental.addExamPass(pick(columns.people.partner.length), exams[pick(exams.length)], dayOfAsOf - pick(300))]
          : incremental.addRevenueLine({
              id: `BENCH-${evidence}-${i}`,
              customer: pick(columns.customers.count),
              day: dayOfAsOf - pick(300),
              product: products[pick(products.length)],
              netNew: true,
              cents: 100_000,
            });
      for (const partner of partners) incremental.evaluatePartner(partner, asOf, { evidence });
      latencies.push(performance.now() - start);
    }
    const label = evidence ? 'with evidence' : 'no evidence';
    figure(size, `engine in memory: one new record, its partners re-evaluated (${label}), p50`, pct(latencies, 0.5) / 1000, {
      p50ms: pct(latencies, 0.5),
      p99ms: pct(latencies, 0.99),
      samples,
      setupSeconds,
      note: `p99 ${pct(latencies, 0.99).toFixed(2)} ms over ${samples}; setup ${setupSeconds.toFixed(2)} s once`,
    });
  }
}

for (const size of sizes) {
  const dir = mkdtempSync(join(tmpdir(), `attain-bench-csv-${size}-`));
  try {
    const generated = await timed(() => generateColumns(program, { partners: size, seed }));
    const c = generated.value;
    const counts = {
      partners: c.partners.ids.length,
      customers: c.customers.count,
      associations: c.associations.customer.length,
      revenueLines: c.revenue.day.length,
      people: c.people.partner.length,
      examPasses: c.examPasses.day.length,
    };
    console.log(`\n${size} partners (seed ${seed}, as of ${asOf}, version ${version.effectiveFrom}): ${JSON.stringify(counts)}`);
    figure(size, 'generate as columns (not compared)', generated.seconds, { counts });
    // Every line, as the live service and the forecasts keep it (any date); the batch prepares its own date's window only.
    const prep = await timed(() => prepareColumns(version, c));
    figure(size, 'engine in memory: prepareColumns (attribute, index)', prep.seconds);
    // The generation and the whole preparation above leave the collector work to do on other threads: done first.
    const settled = await timed(settle);
    figure(size, 'collect what the bench made before the batch (not compared)', settled.seconds, {
      note: `${settled.value} ms of it waiting`,
    });
    const prepOne = await timed(() => prepareColumns(version, c, { window: ttmWindow(asOf) }));
    figure(size, "engine in memory: prepareColumns for the as-of date (its window's lines)", prepOne.seconds);
    // The batch: every partner's level per option with the revenue and people that decide it, as the peers give them.
    const lv = await timed(() => evaluateLevels(prepOne.value, { asOf }));
    figure(size, 'engine in memory: evaluateLevels every partner', lv.seconds);
    const engineSeconds = prepOne.seconds + lv.seconds;
    figure(size, 'engine in memory: prepare + evaluateLevels (the batch)', engineSeconds);
    // Beside it, every partner's whole report (each requirement's actual, required, shortfall), which must say the same.
    const ev = await timed(() => evaluate(prepOne.value, { asOf, evidence: false }));
    figure(size, 'engine in memory: evaluate every partner (whole reports)', ev.seconds);
    figure(size, 'engine in memory: prepare + evaluate (whole reports)', prepOne.seconds + ev.seconds);
    const reference = referenceOfBatch(prepOne.value, lv.value);
    const reported = referenceDifferences(reference, referenceOf(prep.value, ev.value));
    if (reported.length > 0) {
      failures.push({ peer: "the engine's reports", differences: reported });
      console.error(`DISAGREEMENT the batch and the reports:\n  ${reported.join('\n  ')}`);
    }
    const levels = {};
    for (const r of reference.values())
      r.levels.forEach((l, o) => (levels[`${options[o]} ${l}`] = (levels[`${options[o]} ${l}`] ?? 0) + 1));
    console.log('levels:', JSON.stringify(levels));
    if (!values['skip-incremental']) inMemoryIncremental(size, prep.value, c);
    const written = await timed(() => writeCsv(program, { partners: size, seed }, dir));
    const rowCount = Object.values(written.value).reduce((a, b) => a + b, 0);
    figure(size, 'attain generate: CSV files written (not compared)', written.seconds, { rows: rowCount });

    let sqlRows;
    if (peers.has('duckdb') || peers.has('json')) sqlRows = await duckdbPeer(size, dir, reference, engineSeconds);
    if (peers.has('json')) {
      const markets = new Map(c.partners.ids.map((id, i) => [id, c.partners.markets[i]]));
      await jsonRulesPeer(
        size,
        sqlRows.map((r) => ({ ...r, market: markets.get(String(r.id)) })),
        reference,
        engineSeconds,
      );
    }
    if (!values['skip-import'])
      for (const kind of stores) {
        await storeStage(size, kind, dir, reference, engineSeconds, rowCount);
        if (values['skip-import-limits']) continue;
        await copyLimit(size, kind, dir, rowCount, importSeconds.get(kind));
        await badRowsImport(size, kind, dir, rowCount);
      }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

mkdirSync(values.out, { recursive: true });
const file = join(values.out, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(
  file,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / GiB), node: process.version },
      seed,
      asOf,
      programVersion: version.effectiveFrom,
      figures,
      failures,
      note: 'Other processes (tests of other engineers) ran on the same 2 cores: timings are noisy.',
      currentRssGiB: Number(rss().toFixed(2)),
    },
    null,
    2,
  )}\n`,
);
console.log(`\nresults: ${file}`);
if (failures.length > 0) {
  console.error(`${failures.length} disagreement(s): the bench fails`);
  process.exitCode = 1;
}
