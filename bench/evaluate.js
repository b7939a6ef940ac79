// Evaluation at program scale: a synthetic dataset built in memory, then
// validation, indexing (prepare) and evaluation of every partner, timed.
// Usage: npm run bench -- [--partners 100000] [--seed 1]
// Not part of the tests: speed is measured here, never asserted in a test.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { evaluate, prepare, validateDataset, versionFrom } from '../dist/engine/index.js';
import { loadProgram } from '../dist/files/program-files.js';

const { values } = parseArgs({ options: { partners: { type: 'string', default: '100000' }, seed: { type: 'string', default: '1' } } });
const partnerCount = Number(values.partners);

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
const random = mulberry32(Number(values.seed));
const pick = (list) => list[Math.floor(random() * list.length)];
const iso = (day) => new Date(day * 86_400_000).toISOString().slice(0, 10);

const program = loadProgram();
// The seed version: the synthetic exams follow its certification paths; lines use its products.
const version = versionFrom(program, '2017-07-07');
const PRODUCTS = [...version.products.keys()];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'JP', 'AU', 'IN', 'VN', 'KE', 'NG', 'BR', 'EG'];
const EXAMS = ['MB2-715', 'MB2-716', 'MB2-717', 'MB2-718', 'MB6-893', 'MB6-892', 'MB6-890', '70-764'];
const FIRST_DAY = 16_800; // 2015-12-30
const SPAN = 730;

function generate() {
  const raw = { partners: [], customers: [], associations: [], revenue: [], people: [], examPasses: [], fxRates: [] };
  for (let year = 2015; year <= 2018; year++) {
    for (let month = 1; month <= 12; month++) {
      raw.fxRates.push({
        currency: 'EUR',
        month: `${year}-${String(month).padStart(2, '0')}`,
        usdPerUnit: (1.05 + random() * 0.15).toFixed(4),
      });
    }
  }
  let line = 0;
  for (let p = 0; p < partnerCount; p++) {
    const partnerId = `P${p}`;
    raw.partners.push({ id: partnerId, name: `Partner ${p}`, country: pick(COUNTRIES) });
    // Long-tailed sizes: most partners are small, a few are very large; about 50 lines on average.
    const lines = Math.min(3000, Math.floor(18 / Math.pow(random() + 0.01, 0.7)));
    const customers = 1 + Math.floor(lines / 15);
    for (let c = 0; c < customers; c++) {
      const customerId = `C${p}-${c}`;
      raw.customers.push({ id: customerId, name: customerId, country: pick(COUNTRIES) });
      if (random() < 0.1) {
        const handOver = FIRST_DAY + Math.floor(random() * SPAN);
        raw.associations.push({
          customerId,
          partnerId: `P${(p + 1) % partnerCount}`,
          type: 'DPOR',
          start: iso(FIRST_DAY - 400),
          end: iso(handOver),
        });
        raw.associations.push({ customerId, partnerId, type: 'DPOR', start: iso(handOver + 1), end: null });
      } else {
        raw.associations.push({ customerId, partnerId, type: 'DPOR', start: iso(FIRST_DAY - 400), end: null });
      }
    }
    for (let l = 0; l < lines; l++) {
      const euro = random() < 0.2;
      raw.revenue.push({
        id: `R${line++}`,
        customerId: `C${p}-${Math.floor(random() * customers)}`,
        product: pick(PRODUCTS),
        date: iso(FIRST_DAY + Math.floor(random() * SPAN)),
        amount: (Math.floor(random() * 1_500_000) / 100).toFixed(2),
        currency: euro ? 'EUR' : 'USD',
        netNew: random() < 0.6,
      });
    }
    const people = Math.floor(lines / 5);
    for (let i = 0; i < people; i++) {
      const personId = `E${p}-${i}`;
      raw.people.push({ id: personId, partnerId, name: personId });
      const path = random() < 0.5 ? EXAMS.slice(0, 4) : EXAMS.slice(4);
      for (const exam of path)
        if (random() < 0.85) raw.examPasses.push({ personId, exam, date: iso(FIRST_DAY - 200 + Math.floor(random() * (SPAN + 200))) });
    }
  }
  return raw;
}

function time(label, fn) {
  const start = performance.now();
  const result = fn();
  const ms = performance.now() - start;
  console.log(
    `${label.padEnd(44)} ${(ms / 1000).toFixed(2).padStart(7)} s   heap ${(process.memoryUsage().heapUsed / 2 ** 30).toFixed(2)} GiB`,
  );
  return result;
}

const raw = time(`generate ${partnerCount} partners`, generate);
console.log(
  `  ${raw.revenue.length} revenue lines, ${raw.customers.length} customers, ${raw.associations.length} associations, ${raw.people.length} people, ${raw.examPasses.length} exam passes`,
);
const validated = time('validate (schema, references, exact cents)', () => validateDataset(raw, program));
if (!validated.ok)
  throw new Error(
    validated.problems
      .slice(0, 5)
      .map((p) => `${p.record}: ${p.message}`)
      .join('\n'),
  );
const prepared = time('prepare (attribute, index by partner and date)', () => prepare(version, validated.value));
const report = time('evaluate every partner, no evidence', () => evaluate(prepared, { asOf: '2017-07-07', evidence: false }));
time('evaluate every partner, with evidence', () => evaluate(prepared, { asOf: '2017-07-07' }));
time('evaluate every partner on another date', () => evaluate(prepared, { asOf: '2017-01-31', evidence: false }));
const levels = {};
for (const p of report.partners)
  for (const o of p.competencies[0].options) levels[`${o.option} ${o.level}`] = (levels[`${o.option} ${o.level}`] ?? 0) + 1;
console.log('levels as of 2017-07-07:', levels);
