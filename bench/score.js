// Scoring at scale (issue #19): every partner of a generated scored population scored for one month
//   1. by the engine in memory: prepareScoring for the month (the indexes, only the months it reads packed) + scoreAllPrepared (every partner, one pass);
//   2. by DuckDB running the scoring as one SQL query (bench/score-sql.js: generated from the version's data)
//      over the same records, loaded from CSV files written to a temporary folder (the load timed apart).
// Both must agree for every partner — segment, each metric's points and each path's total as exact fractions,
// each path's band and the partner's band — or the bench fails listing the first differences.
// Usage: npm run bench:score -- [--partners 10000,100000] [--seed 19] [--month 2021-01] [--version 2020-12-16]
//          [--validate-up-to 20000] (larger populations are converted to a dataset without validation: memory)
//          [--by-month] (billing, seats and usage given to the engine month by month, as a store of monthly imports
//          reads them, instead of grouped by subscription and tenant as generated)
// The version is the one in force on the last day of --month (or the one --version names).
// Results: a table, and JSON in bench/results/score-<timestamp>.json. Not part of the tests.
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  exactCents,
  lastDayOf,
  parseDecimal,
  monthIndex,
  prepareScoring,
  rememberPlacesOf,
  scoreAllPrepared,
  scoredVersionOn,
  validateScoringRecords,
} from '../dist/engine/index.js';
import { generateScoredRecords } from '../dist/generate/scored.js';
import { readScoredDefinitions } from '../dist/files/scored-files.js';
import { scoringAsSql, UNIT_SCALE } from './score-sql.js';
import { settle } from './settle.js';

const { values } = parseArgs({
  options: {
    partners: { type: 'string', default: '10000,100000' },
    seed: { type: 'string', default: '19' },
    month: { type: 'string', default: '2021-01' },
    version: { type: 'string' },
    out: { type: 'string', default: 'bench/results' },
    'print-sql': { type: 'boolean', default: false },
    'validate-up-to': { type: 'string', default: '20000' },
    'by-month': { type: 'boolean', default: false },
  },
});
const sizes = values.partners.split(',').map(Number);
const seed = Number(values.seed);
const M = monthIndex(values.month);
const read = readScoredDefinitions();
if (!read.ok) throw new Error(JSON.stringify(read.problems));
const version = values.version
  ? read.versions.find((v) => v.effectiveFrom === values.version)
  : scoredVersionOn(read.versions, lastDayOf(M));
if (!version) throw new Error(`no scored version ${values.version ?? `in force in ${values.month}`}`);
const workloads = new Set(read.versions.flatMap((v) => v.workloads.flatMap((w) => [w.id, ...w.products])));
const catalog = {
  products: workloads,
  workloads,
  associationTypes: new Set(read.versions.flatMap((v) => v.associationTypes)),
  countries: new Set(read.versions.flatMap((v) => Object.keys(v.countries))),
};
const { sql, metrics } = scoringAsSql(version, M);
if (values['print-sql']) console.log(sql);
const metricNames = metrics.map((m) => `${version.paths[m.path].id}/${version.paths[m.path].metrics[m.metric].id}`);

const GiB = 2 ** 30;
const loadAtStart = loadavg().map((x) => Number(x.toFixed(2)));
const maxRss = () => (process.resourceUsage().maxRSS * 1024) / GiB;
/** The machine's load average over the last minute: other engineers' test suites share the two cores. */
const load = () => Number(loadavg()[0].toFixed(2));

/** Wall-clock seconds, and the process's CPU seconds (user + system, every thread: DuckDB's and the collector's). */
async function timed(fn) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  return { value, seconds: (performance.now() - start) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

const failures = [];
const figures = [];
function figure(size, name, seconds, extra = {}) {
  const entry = {
    partners: size,
    name,
    seconds: Number(seconds.toFixed(4)),
    maxRssGiB: Number(maxRss().toFixed(2)),
    load: load(),
    ...extra,
    ...(extra.cpuSeconds === undefined ? {} : { cpuSeconds: Number(extra.cpuSeconds.toFixed(3)) }),
  };
  figures.push(entry);
  const cpu = extra.cpuSeconds === undefined ? '' : `  cpu ${extra.cpuSeconds.toFixed(2)} s`;
  const note = `${cpu}${extra.note ? `  (${extra.note})` : ''}`;
  console.log(
    `${String(size).padStart(7)}  ${name.padEnd(58)} ${seconds.toFixed(3).padStart(9)} s  max rss ${entry.maxRssGiB} GiB  load ${entry.load}${note}`,
  );
  return entry;
}
const ratio = (a, b) => Number((a / b).toFixed(3));
const text = (r) => (r.den === 1n ? `${r.num}` : `${r.num}/${r.den}`);
const pair = (n, d) => (BigInt(d) === 1n ? `${BigInt(n)}` : `${BigInt(n)}/${BigInt(d)}`);

/** A table as CSV, lines written in chunks (ids, products and countries hold no commas or quotes). */
function writeTable(dir, name, rows, columns) {
  const fd = openSync(join(dir, `${name}.csv`), 'w');
  let chunk = [];
  for (const row of rows) {
    chunk.push(columns.map((f) => f(row) ?? '').join(','));
    if (chunk.length === 100_000) {
      writeSync(fd, `${chunk.join('\n')}\n`);
      chunk = [];
    }
  }
  if (chunk.length > 0) writeSync(fd, `${chunk.join('\n')}\n`);
  closeSync(fd);
  return rows.length;
}

function writeRecords(dir, r) {
  let ord = 0;
  const counts = {
    partners: writeTable(dir, 'partners', r.partners, [(x) => x.id, (x) => x.country]),
    tenants: writeTable(dir, 'tenants', r.tenants, [(x) => x.id, (x) => x.country]),
    subscriptions: writeTable(dir, 'subscriptions', r.subscriptions, [
      (x) => x.id,
      (x) => x.tenantId,
      (x) => x.product,
      (x) => String(x.paid),
      (x) => x.channel,
      (x) => (x.agreementStart === undefined ? '' : String(monthIndex(x.agreementStart))),
    ]),
    billing: writeTable(dir, 'billing', r.billing, [
      (x) => x.subscriptionId,
      (x) => String(monthIndex(x.month)),
      (x) => String(x.amountUsd),
    ]),
    seats: writeTable(dir, 'seats', r.seats, [(x) => x.subscriptionId, (x) => String(monthIndex(x.month)), (x) => String(x.paidSeats)]),
    usage: writeTable(dir, 'usage', r.usage, [
      (x) => x.tenantId,
      (x) => x.workload,
      (x) => String(monthIndex(x.month)),
      (x) => String(x.units),
    ]),
    instances: writeTable(dir, 'instances', r.instances, [(x) => x.tenantId, (x) => x.group, (x) => String(x.production)]),
    associations: writeTable(dir, 'associations', r.associations, [
      (x) => x.partnerId,
      (x) => x.subscriptionId,
      (x) => x.type,
      (x) => String(monthIndex(x.from)),
      (x) => (x.to == null ? '' : String(monthIndex(x.to))),
    ]),
    people: writeTable(dir, 'people', r.people, [(x) => x.id, (x) => x.partnerId]),
    exam_passes: writeTable(dir, 'exam_passes', r.examPasses, [(x) => x.personId, (x) => x.exam, (x) => x.date]),
    certifications_held: writeTable(dir, 'certifications_held', r.certificationsHeld, [
      (x) => x.personId,
      (x) => x.certification,
      (x) => x.date,
      (x) => x.expires,
    ]),
    baselines: writeTable(dir, 'baselines', r.baselines, [
      () => String(ord++),
      (x) => x.partnerId,
      (x) => x.metric,
      (x) => x.kind,
      (x) => x.date,
      (x) => String(x.count),
    ]),
  };
  return counts;
}

/**
 * The generated records as the dataset validateScoringRecords gives for them, without checking them (they are valid
 * by construction: test/scoring-batch.test.ts validates generated populations), each collection released as it is
 * converted: at 100,000 partners the records and a validated copy would not fit beside DuckDB in memory.
 */
function datasetOfValidRecords(r) {
  const take = (name) => {
    const rows = r[name];
    r[name] = [];
    return rows;
  };
  const partners = new Map(take('partners').map((x) => [x.id, { country: x.country }]));
  const tenants = new Map(take('tenants').map((x) => [x.id, { country: x.country }]));
  const subscriptions = new Map(
    take('subscriptions').map((x) => [
      x.id,
      {
        id: x.id,
        tenantId: x.tenantId,
        product: x.product,
        paid: x.paid,
        channel: x.channel,
        agreementStart: x.agreementStart === undefined ? undefined : monthIndex(x.agreementStart),
      },
    ]),
  );
  const billing = take('billing').map((x) => ({
    id: x.id,
    subscriptionId: x.subscriptionId,
    month: monthIndex(x.month),
    cents: exactCents(parseDecimal(String(x.amountUsd))),
  }));
  const seats = take('seats').map((x) => ({ subscriptionId: x.subscriptionId, month: monthIndex(x.month), paidSeats: x.paidSeats }));
  const usage = take('usage').map((x) => ({
    tenantId: x.tenantId,
    workload: x.workload,
    month: monthIndex(x.month),
    units: String(x.units),
  }));
  return {
    partners,
    tenants,
    subscriptions,
    billing,
    seats,
    usage,
    instances: take('instances'),
    associations: take('associations').map((x) => ({
      partnerId: x.partnerId,
      subscriptionId: x.subscriptionId,
      type: x.type,
      from: monthIndex(x.from),
      to: x.to == null ? null : monthIndex(x.to),
    })),
    people: new Map(take('people').map((x) => [x.id, { partnerId: x.partnerId }])),
    examPasses: take('examPasses'),
    certificationsHeld: take('certificationsHeld'),
    baselines: take('baselines'),
  };
}

/** The tables and their column types, read from the CSV files as they are written. */
const TABLES = {
  partners: { id: 'VARCHAR', country: 'VARCHAR' },
  tenants: { id: 'VARCHAR', country: 'VARCHAR' },
  subscriptions: {
    id: 'VARCHAR',
    tenant_id: 'VARCHAR',
    product: 'VARCHAR',
    paid: 'BOOLEAN',
    channel: 'VARCHAR',
    agreement_start: 'INTEGER',
  },
  billing: { subscription_id: 'VARCHAR', month: 'INTEGER', amount: 'DECIMAL(18, 2)' },
  seats: { subscription_id: 'VARCHAR', month: 'INTEGER', paid_seats: 'INTEGER' },
  usage: { tenant_id: 'VARCHAR', workload: 'VARCHAR', month: 'INTEGER', units: 'DECIMAL(18, 4)' },
  instances: { tenant_id: 'VARCHAR', grp: 'VARCHAR', production: 'BOOLEAN' },
  associations: { partner_id: 'VARCHAR', subscription_id: 'VARCHAR', type: 'VARCHAR', from_m: 'INTEGER', to_m: 'INTEGER' },
  people: { id: 'VARCHAR', partner_id: 'VARCHAR' },
  exam_passes: { person_id: 'VARCHAR', exam: 'VARCHAR', date: 'DATE' },
  certifications_held: { person_id: 'VARCHAR', certification: 'VARCHAR', date: 'DATE', expires: 'DATE' },
  baselines: { ord: 'INTEGER', partner_id: 'VARCHAR', metric: 'VARCHAR', kind: 'VARCHAR', date: 'DATE', count: 'INTEGER' },
};
/** What a table keeps of its file: money in cents, units × 10^4 (exact integers), the rest as read. */
const SELECT = {
  billing: 'subscription_id, month, CAST(amount * 100 AS BIGINT) AS cents',
  usage: `tenant_id, workload, month, CAST(units * ${UNIT_SCALE} AS BIGINT) AS units_e4`,
};

async function loadDuckDb(db, dir, counts) {
  for (const [table, columns] of Object.entries(TABLES)) {
    if (counts[table] === 0) {
      // An empty file cannot be sniffed: the table is created empty, with the columns the query reads.
      await db.run(
        `CREATE TABLE ${table} AS SELECT ${SELECT[table] ?? '*'} FROM (SELECT ${Object.entries(columns)
          .map(([c, t]) => `NULL::${t} AS ${c}`)
          .join(', ')}) WHERE FALSE`,
      );
      continue;
    }
    const spec = Object.entries(columns)
      .map(([c, t]) => `'${c}': '${t}'`)
      .join(', ');
    await db.run(
      `CREATE TABLE ${table} AS SELECT ${SELECT[table] ?? '*'} FROM read_csv('${join(dir, `${table}.csv`)}', header = false, delim = ',', quote = '', columns = {${spec}})`,
    );
  }
}

/** The engine's batch against the SQL rows: the first ten differences, partner by partner. */
function agree(batch, rows) {
  const differences = [];
  const byId = new Map(rows.map((r) => [String(r.partner_id), r]));
  for (const b of batch) {
    if (differences.length >= 10) break;
    const row = byId.get(b.partnerId);
    if (!row) {
      differences.push(`${b.partnerId}: missing from DuckDB's rows`);
      continue;
    }
    const says = [];
    if (row.segment !== b.segment) says.push(`segment: engine ${b.segment}, duckdb ${row.segment}`);
    let i = 0;
    b.paths.forEach((path, p) => {
      path.points.forEach((points) => {
        const sqlPoints = pair(row[`p${i}n`], row[`p${i}d`]);
        if (sqlPoints !== text(points)) says.push(`${metricNames[i]} points: engine ${text(points)}, duckdb ${sqlPoints}`);
        i++;
      });
      const total = pair(row[`total${p}n`], row[`total${p}d`]);
      if (total !== text(path.total)) says.push(`${path.id} total: engine ${text(path.total)}, duckdb ${total}`);
      if ((row[`band${p}`] ?? null) !== path.band) says.push(`${path.id} band: engine ${path.band}, duckdb ${row[`band${p}`]}`);
    });
    if ((row.band ?? null) !== b.band) says.push(`band: engine ${b.band}, duckdb ${row.band}`);
    if (says.length > 0) differences.push(`${b.partnerId}: ${says.join('; ')}`);
  }
  if (differences.length === 0 && rows.length !== batch.length)
    differences.push(`duckdb gives ${rows.length} partners, the engine ${batch.length}`);
  if (differences.length > 0) {
    failures.push({ peer: 'duckdb', differences });
    console.error(`DISAGREEMENT duckdb:\n  ${differences.join('\n  ')}`);
  }
  return differences.length === 0;
}

console.log(
  `scored version ${version.effectiveFrom}, month ${values.month}, seed ${seed}; load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
/**
 * The engine's side of one size: the records generated and written as CSV, the dataset, then prepare + scoreAll.
 * Everything but the batch is local, so that its memory can be collected before DuckDB loads.
 */
async function engineSide(size, dir) {
  const generated = await timed(() => generateScoredRecords(version, { partners: size, month: M, seed }));
  const records = generated.value;
  const counts = Object.fromEntries(Object.entries(records).map(([k, v]) => [k, v.length]));
  console.log(`\n${size} partners: ${JSON.stringify(counts)}`);
  figure(size, 'generate the records (not compared)', generated.seconds, { counts });
  const written = await timed(() => writeRecords(dir, records));
  figure(size, 'CSV files written (not compared)', written.seconds);
  let data;
  if (size <= Number(values['validate-up-to'])) {
    const validated = await timed(() => validateScoringRecords(records, catalog));
    if (!validated.value.ok) throw new Error(JSON.stringify(validated.value.problems.slice(0, 5)));
    figure(size, 'validate the records into a dataset (not compared)', validated.seconds);
    data = validated.value.dataset;
  } else {
    const converted = await timed(() => datasetOfValidRecords(records));
    figure(size, 'records converted to a dataset, unchecked (not compared)', converted.seconds, {
      note: `over --validate-up-to ${values['validate-up-to']}: memory`,
    });
    data = converted.value;
    // Validation remembers where each record's subscription, tenant or person is as it checks the reference; the unchecked
    // conversion looks every id up for it (a map read per record, which validation does anyway).
    const placed = await timed(() => rememberPlacesOf(data));
    figure(size, 'places of references remembered, as validation does (not compared)', placed.seconds);
  }

  if (values['by-month']) {
    const t = await timed(() => {
      // Copied in their new order, so that they lie in memory as records read month by month do: reading records in
      // another order than their memory's misses the cache at each one, which a store's read does not.
      const byMonth = (list) =>
        list
          .map((r, i) => [r, i])
          .sort((a, b) => a[0].month - b[0].month || a[1] - b[1])
          .map(([r]) => ({ ...r }));
      data = { ...data, billing: byMonth(data.billing), seats: byMonth(data.seats), usage: byMonth(data.usage) };
      rememberPlacesOf(data);
    });
    figure(size, 'records put month by month, their places again (not compared)', t.seconds);
  }
  // The records and the conversion's garbage are collected before the engine is timed, as DuckDB's query is
  // timed after its load: a full collection then would mark the whole dataset and belong to neither side.
  const settled = await timed(settle);
  figure(size, 'collect the records before the engine (not compared)', settled.seconds, { note: `${settled.value} ms of it waiting` });
  const prep = await timed(() => prepareScoring(version, data, { month: M }));
  figure(size, 'engine: prepareScoring (indexes)', prep.seconds, { cpuSeconds: prep.cpuSeconds });
  const all = await timed(() => scoreAllPrepared(prep.value, M));
  figure(size, 'engine: scoreAllPrepared (every partner)', all.seconds, { cpuSeconds: all.cpuSeconds });
  const engineSeconds = prep.seconds + all.seconds;
  figure(size, 'engine: prepare + scoreAll', engineSeconds, { cpuSeconds: prep.cpuSeconds + all.cpuSeconds });
  const bands = {};
  for (const b of all.value) bands[b.band ?? 'none'] = (bands[b.band ?? 'none'] ?? 0) + 1;
  console.log('bands:', JSON.stringify(bands));

  return { batch: all.value, engineSeconds, tableCounts: written.value, bands };
}

for (const size of sizes) {
  const dir = mkdtempSync(join(tmpdir(), `attain-bench-score-${size}-`));
  try {
    const { batch, engineSeconds, tableCounts, bands } = await engineSide(size, dir);
    globalThis.gc?.(); // run with --expose-gc (npm run bench:score): the dataset and its indexes are released before DuckDB loads
    const instance = await DuckDBInstance.create(':memory:', { threads: String(cpus().length) });
    const db = await instance.connect();
    const loaded = await timed(() => loadDuckDb(db, dir, tableCounts));
    figure(size, 'duckdb: load the CSV files into tables', loaded.seconds);
    const run = await timed(async () => (await db.runAndReadAll(sql)).getRowObjectsJS());
    const ok = agree(batch, run.value);
    figure(size, 'duckdb: the scoring as SQL, every partner', run.seconds, {
      cpuSeconds: run.cpuSeconds,
      agrees: ok,
      engineOverDuckdb: ratio(engineSeconds, run.seconds),
      bands,
    });
    console.log(
      `${String(size).padStart(7)}  engine / duckdb: ${ratio(engineSeconds, run.seconds)} (prepare + scoreAll against the query)`,
    );
    db.closeSync?.();
    instance.closeSync?.();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

mkdirSync(values.out, { recursive: true });
const file = join(values.out, `score-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(
  file,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      bench: 'score',
      machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / GiB), node: process.version },
      seed,
      month: values.month,
      scoredVersion: version.effectiveFrom,
      loadAverage: { atStart: loadAtStart, atEnd: loadavg().map((x) => Number(x.toFixed(2))) },
      figures,
      failures,
      note: 'Other processes (tests of other engineers) ran on the same 2 cores: timings are noisy; each figure carries the 1-minute load average.',
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
