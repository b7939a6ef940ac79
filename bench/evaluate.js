// Evaluation at program scale on a synthetic population, deterministic per --seed, timed stage by stage:
//   1. in memory, as columns built directly (no object per row): prepareColumns, then evaluate every partner;
//   2. with --store pglite|postgres: the same population bulk-loaded into a fresh store, read back with
//      Store.columns (chunks of typed arrays, no object per row), prepared and evaluated;
//   3. unless --skip-objects: the same population as dataset objects: validateDataset, prepare, evaluate.
// Usage: npm run bench -- [--partners 100000] [--seed 1] [--store pglite|postgres] [--database-url URL] [--skip-objects]
// Not part of the tests: speed is measured here, never asserted in a test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  evaluate,
  IdColumnBuilder,
  NEVER,
  parseDecimal,
  prepare,
  prepareColumns,
  textToUsdCents,
  validateDataset,
  versionFrom,
} from '../dist/engine/index.js';
import { loadProgram } from '../dist/files/program-files.js';
import { migrate } from '../dist/store/migrations.js';
import { openPglite } from '../dist/store/pglite.js';
import { openPostgres } from '../dist/store/postgres.js';
import { Store } from '../dist/store/store.js';

const { values } = parseArgs({
  options: {
    partners: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    store: { type: 'string' },
    'database-url': { type: 'string' },
    'skip-objects': { type: 'boolean', default: false },
  },
});
const partnerCount = Number(values.partners);
const seed = Number(values.seed);
if (values.store !== undefined && values.store !== 'pglite' && values.store !== 'postgres')
  throw new Error('--store is pglite or postgres');

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const iso = (day) => new Date(day * 86_400_000).toISOString().slice(0, 10);

const program = loadProgram();
// The seed version: the synthetic exams follow its certification paths; lines use its products.
const version = versionFrom(program, '2017-07-07');
const PRODUCTS = [...version.products.keys()];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'JP', 'AU', 'IN', 'VN', 'KE', 'NG', 'BR', 'EG'];
const EXAMS = ['MB2-715', 'MB2-716', 'MB2-717', 'MB2-718', 'MB6-893', 'MB6-892', 'MB6-890', '70-764'];
const FIRST_DAY = 16_800; // 2015-12-30
const SPAN = 730;

/**
 * The population as a stream of records in primitive fields (indexes, day numbers, amount text), the
 * same for every --seed whatever consumes it: each stage turns them into what it measures.
 */
function* population() {
  const random = mulberry32(seed);
  const pick = (list) => Math.floor(random() * list.length);
  for (let year = 2015; year <= 2018; year++) {
    for (let month = 1; month <= 12; month++) {
      yield { kind: 'rate', month: `${year}-${String(month).padStart(2, '0')}`, usdPerUnit: (1.05 + random() * 0.15).toFixed(4) };
    }
  }
  let line = 0;
  let customer = 0;
  let person = 0;
  for (let p = 0; p < partnerCount; p++) {
    yield { kind: 'partner', partner: p, country: COUNTRIES[pick(COUNTRIES)] };
    // Long-tailed sizes: most partners are small, a few are very large; about 45 lines on average.
    const lines = Math.min(3000, Math.floor(18 / Math.pow(random() + 0.01, 0.7)));
    const customers = 1 + Math.floor(lines / 15);
    const firstCustomer = customer;
    for (let c = 0; c < customers; c++) {
      const country = COUNTRIES[pick(COUNTRIES)];
      yield { kind: 'customer', customer, partner: p, local: c, country };
      if (random() < 0.1) {
        const handOver = FIRST_DAY + Math.floor(random() * SPAN);
        yield { kind: 'association', customer, partner: (p + 1) % partnerCount, first: FIRST_DAY - 400, last: handOver };
        yield { kind: 'association', customer, partner: p, first: handOver + 1, last: NEVER };
      } else {
        yield { kind: 'association', customer, partner: p, first: FIRST_DAY - 400, last: NEVER };
      }
      customer += 1;
    }
    for (let l = 0; l < lines; l++) {
      const euro = random() < 0.2;
      const local = Math.floor(random() * customers);
      yield {
        kind: 'revenue',
        line: line++,
        customer: firstCustomer + local,
        partner: p,
        local,
        product: pick(PRODUCTS),
        day: FIRST_DAY + Math.floor(random() * SPAN),
        amount: (Math.floor(random() * 1_500_000) / 100).toFixed(2),
        euro,
        netNew: random() < 0.6,
      };
    }
    const people = Math.floor(lines / 5);
    for (let i = 0; i < people; i++) {
      yield { kind: 'person', person, partner: p, local: i };
      const path = random() < 0.5 ? [0, 1, 2, 3] : [4, 5, 6, 7];
      for (const exam of path)
        if (random() < 0.85)
          yield { kind: 'pass', person, partner: p, local: i, exam, day: FIRST_DAY - 200 + Math.floor(random() * (SPAN + 200)) };
      person += 1;
    }
  }
}

const ids = {
  partner: (p) => `P${p}`,
  customer: (p, c) => `C${p}-${c}`,
  line: (l) => `R${l}`,
  person: (p, i) => `E${p}-${i}`,
};

/** Growable typed arrays. */
function column(Type) {
  let data = new Type(1 << 16);
  let size = 0;
  return {
    push(value) {
      if (size === data.length) {
        const grown = new Type(data.length * 2);
        grown.set(data);
        data = grown;
      }
      data[size++] = value;
    },
    done: () => data.slice(0, size),
  };
}

/** The population straight into DatasetColumns: typed arrays and packed ids, never an object per row. */
function columnsDirectly() {
  const partners = { ids: [], names: [], countries: [], markets: [] };
  const rates = new Map();
  let customers = 0;
  const a = { customer: column(Int32Array), partner: column(Int32Array), first: column(Int32Array), last: column(Int32Array) };
  const r = {
    customer: column(Int32Array),
    day: column(Int32Array),
    product: column(Int32Array),
    netNew: column(Uint8Array),
    cents: column(Float64Array),
  };
  const lineIds = new IdColumnBuilder(1 << 20);
  const people = column(Int32Array);
  const personIds = new IdColumnBuilder(1 << 18);
  const x = { person: column(Int32Array), exam: column(Int32Array), day: column(Int32Array) };
  for (const e of population()) {
    switch (e.kind) {
      case 'rate':
        rates.set(e.month, parseDecimal(e.usdPerUnit));
        break;
      case 'partner':
        partners.ids.push(ids.partner(e.partner));
        partners.names.push(`Partner ${e.partner}`);
        partners.countries.push(e.country);
        partners.markets.push(program.countries.get(e.country));
        break;
      case 'customer':
        customers += 1;
        break;
      case 'association':
        a.customer.push(e.customer);
        a.partner.push(e.partner);
        a.first.push(e.first);
        a.last.push(e.last);
        break;
      case 'revenue':
        r.customer.push(e.customer);
        r.day.push(e.day);
        r.product.push(e.product);
        r.netNew.push(e.netNew ? 1 : 0);
        r.cents.push(textToUsdCents(e.amount, e.euro ? rates.get(iso(e.day).slice(0, 7)) : undefined));
        lineIds.add(ids.line(e.line));
        break;
      case 'person':
        people.push(e.partner);
        personIds.add(ids.person(e.partner, e.local));
        break;
      case 'pass':
        x.person.push(e.person);
        x.exam.push(e.exam);
        x.day.push(e.day);
        break;
    }
  }
  const associations = { ...Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v.done()])), types: ['DPOR'] };
  associations.type = new Int32Array(associations.customer.length);
  return {
    partners,
    customers: { count: customers },
    associations,
    revenue: { ...Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.done()])), products: PRODUCTS, ids: lineIds.build() },
    people: { partner: people.done(), ids: personIds.build() },
    examPasses: { ...Object.fromEntries(Object.entries(x).map(([k, v]) => [k, v.done()])), exams: EXAMS },
  };
}

/** The population as a dataset file: one object per record, as a JSON file would be. */
function datasetObjects() {
  const raw = { partners: [], customers: [], associations: [], revenue: [], people: [], examPasses: [], fxRates: [] };
  for (const e of population()) {
    switch (e.kind) {
      case 'rate':
        raw.fxRates.push({ currency: 'EUR', month: e.month, usdPerUnit: e.usdPerUnit });
        break;
      case 'partner':
        raw.partners.push({ id: ids.partner(e.partner), name: `Partner ${e.partner}`, country: e.country });
        break;
      case 'customer': {
        const id = ids.customer(e.partner, e.local);
        raw.customers.push({ id, name: id, country: e.country });
        break;
      }
      case 'association':
        raw.associations.push(association(e, raw.customers[e.customer].id));
        break;
      case 'revenue':
        raw.revenue.push(revenueLine(e));
        break;
      case 'person': {
        const id = ids.person(e.partner, e.local);
        raw.people.push({ id, partnerId: ids.partner(e.partner), name: id });
        break;
      }
      case 'pass':
        raw.examPasses.push({ personId: ids.person(e.partner, e.local), exam: EXAMS[e.exam], date: iso(e.day) });
        break;
    }
  }
  return raw;
}

function association(e, customerId) {
  return { customerId, partnerId: ids.partner(e.partner), type: 'DPOR', start: iso(e.first), end: e.last === NEVER ? null : iso(e.last) };
}

function revenueLine(e) {
  return {
    id: ids.line(e.line),
    customerId: ids.customer(e.partner, e.local),
    product: PRODUCTS[e.product],
    date: iso(e.day),
    amount: e.amount,
    currency: e.euro ? 'EUR' : 'USD',
    netNew: e.netNew,
  };
}

/** Bulk INSERT … SELECT FROM unnest(arrays), 50,000 rows a statement, in generation order (seq is the order). */
async function loadStore(db) {
  const TABLES = {
    partners: ['partners', ['id', 'name', 'country'], ['text', 'text', 'text']],
    customers: ['customers', ['id', 'name', 'country'], ['text', 'text', 'text']],
    associations: [
      'associations',
      ['customer_id', 'partner_id', 'type', 'start_date', 'end_date'],
      ['text', 'text', 'text', 'date', 'date'],
    ],
    revenue: [
      'revenue_lines',
      ['id', 'customer_id', 'product', 'date', 'amount', 'currency', 'net_new'],
      ['text', 'text', 'text', 'date', 'numeric', 'text', 'bool'],
    ],
    people: ['people', ['id', 'partner_id', 'name'], ['text', 'text', 'text']],
    examPasses: ['exam_passes', ['person_id', 'exam', 'date'], ['text', 'text', 'date']],
    fxRates: ['fx_rates', ['currency', 'month', 'usd_per_unit'], ['text', 'text', 'numeric']],
  };
  const buffers = Object.fromEntries(Object.entries(TABLES).map(([k, [, columns]]) => [k, columns.map(() => [])]));
  const flush = async (key) => {
    const [table, columns, types] = TABLES[key];
    const data = buffers[key];
    if (data[0].length === 0) return;
    const unnest = types.map((t, i) => `$${i + 1}::${t}[]`).join(', ');
    const names = columns.map((_, i) => `c${i}`);
    await db.query(
      `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${names.join(', ')} FROM unnest(${unnest}) WITH ORDINALITY AS u(${names.join(', ')}, n) ORDER BY n`,
      data,
    );
    buffers[key] = columns.map(() => []);
  };
  const add = async (key, row) => {
    const data = buffers[key];
    row.forEach((value, i) => data[i].push(value));
    if (data[0].length >= 50_000) await flush(key);
  };
  const customerIds = [];
  for (const e of population()) {
    switch (e.kind) {
      case 'rate':
        await add('fxRates', ['EUR', e.month, e.usdPerUnit]);
        break;
      case 'partner':
        await add('partners', [ids.partner(e.partner), `Partner ${e.partner}`, e.country]);
        break;
      case 'customer': {
        const id = ids.customer(e.partner, e.local);
        customerIds.push(id);
        await add('customers', [id, id, e.country]);
        break;
      }
      case 'association': {
        const a = association(e, customerIds[e.customer]);
        await add('associations', [a.customerId, a.partnerId, a.type, a.start, a.end]);
        break;
      }
      case 'revenue': {
        const l = revenueLine(e);
        await add('revenue', [l.id, l.customerId, l.product, l.date, l.amount, l.currency, l.netNew]);
        break;
      }
      case 'person': {
        const id = ids.person(e.partner, e.local);
        await add('people', [id, ids.partner(e.partner), id]);
        break;
      }
      case 'pass':
        await add('examPasses', [ids.person(e.partner, e.local), EXAMS[e.exam], iso(e.day)]);
        break;
    }
  }
  for (const key of Object.keys(TABLES)) await flush(key);
  await db.exec('ANALYZE');
}

function report(label, ms) {
  const heap = (process.memoryUsage().heapUsed / 2 ** 30).toFixed(2);
  const rss = (process.memoryUsage().rss / 2 ** 30).toFixed(2);
  console.log(`${label.padEnd(52)} ${(ms / 1000).toFixed(2).padStart(7)} s   heap ${heap} GiB   rss ${rss} GiB`);
}

function time(label, fn) {
  const start = performance.now();
  const result = fn();
  report(label, performance.now() - start);
  return result;
}

async function timeAsync(label, fn) {
  const start = performance.now();
  const result = await fn();
  report(label, performance.now() - start);
  return result;
}

/** A digest of each partner's evaluation (FNV-1a of its JSON): reports compared without keeping one alive. */
function digestOf(evaluation) {
  return Int32Array.from(evaluation.partners, (p) => {
    const text = JSON.stringify(p);
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    return h;
  });
}

function levelsOf(evaluation) {
  const levels = {};
  for (const p of evaluation.partners)
    for (const o of p.competencies[0].options) levels[`${o.option} ${o.level}`] = (levels[`${o.option} ${o.level}`] ?? 0) + 1;
  return levels;
}

/** Same partners, same levels, same figures: compared partner by partner. */
function sameReports(a, digest) {
  const other = digestOf(a);
  return other.length === digest.length && other.every((h, i) => h === digest[i]);
}

/** The three evaluations; returns the digest of the first, and the levels it gives. */
function evaluateStages(prepared, label) {
  let report = time(`${label}: evaluate every partner, no evidence`, () => evaluate(prepared, { asOf: '2017-07-07', evidence: false }));
  const digest = digestOf(report);
  const levels = levelsOf(report);
  report = undefined;
  time(`${label}: evaluate every partner, with evidence`, () => evaluate(prepared, { asOf: '2017-07-07' }));
  time(`${label}: evaluate every partner on another date`, () => evaluate(prepared, { asOf: '2017-01-31', evidence: false }));
  return { digest, levels };
}

// 1. In memory, as columns.
let columns = time(`generate ${partnerCount} partners as columns (no objects)`, columnsDirectly);
console.log(
  `  ${columns.revenue.day.length} revenue lines, ${columns.customers.count} customers, ${columns.associations.customer.length} associations, ${columns.people.partner.length} people, ${columns.examPasses.day.length} exam passes`,
);
let prepared = time('columns: prepareColumns (attribute, index)', () => prepareColumns(version, columns));
const reference = evaluateStages(prepared, 'columns');
console.log('levels as of 2017-07-07:', reference.levels);
columns = undefined;
prepared = undefined;

// 2. From the store.
if (values.store) {
  let db;
  let options;
  let cleanup = async () => {};
  if (values.store === 'pglite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'attain-bench-'));
    db = await openPglite(dataDir);
    options = { dataDir };
    cleanup = async () => rmSync(dataDir, { recursive: true, force: true });
  } else {
    const url = values['database-url'] ?? process.env.ATTAIN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const schema = `attain_bench_${process.pid}`;
    db = await openPostgres(url, schema);
    options = { databaseUrl: url, schema };
    cleanup = async () => {
      const admin = await openPostgres(url);
      await admin.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.close();
    };
  }
  try {
    await migrate(db);
    await timeAsync(`store (${values.store}): bulk load (not measured below)`, () => loadStore(db));
    await db.close();
    const store = await Store.open(options);
    const start = performance.now();
    let fromStore = await timeAsync(`store (${values.store}): Store.columns`, () => store.columns(program));
    let preparedFromStore = time(`store (${values.store}): prepareColumns`, () => prepareColumns(version, fromStore));
    const storeReport = time(`store (${values.store}): evaluate every partner, no evidence`, () =>
      evaluate(preparedFromStore, { asOf: '2017-07-07', evidence: false }),
    );
    report(`store (${values.store}): columns + prepare + evaluate`, performance.now() - start);
    console.log(`  same report as in memory: ${sameReports(storeReport, reference.digest)}`);
    await store.close();
    fromStore = undefined;
    preparedFromStore = undefined;
  } finally {
    await cleanup();
  }
}

// 3. As objects, validated.
if (!values['skip-objects']) {
  const raw = time(`generate ${partnerCount} partners as objects`, datasetObjects);
  const validated = time('objects: validate (schema, references, exact cents)', () => validateDataset(raw, program));
  if (!validated.ok)
    throw new Error(
      validated.problems
        .slice(0, 5)
        .map((p) => `${p.record}: ${p.message}`)
        .join('\n'),
    );
  const fromObjects = time('objects: prepare (columns of the dataset, attribute, index)', () => prepare(version, validated.value));
  const objects = evaluateStages(fromObjects, 'objects');
  console.log(`  same report as columns: ${objects.digest.every((h, i) => h === reference.digest[i])}`);
}
