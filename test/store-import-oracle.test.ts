/**
 * The store's streaming import checks rows one by one and the rest with set
 * queries; `validateDataset` checks a file in memory. On any dataset —
 * most of them with defects of every kind — both must find the same
 * problems, in the same order, in the same words.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../src/store/tables.js';
import { InvalidInputError, validateDataset, type CollectionName } from '../src/engine/index.js';
import { formatProblem, problemMessage } from '../src/i18n/index.js';
import { recordsOf, StagedImport } from '../src/store/import.js';
import { migrate } from '../src/store/migrations.js';
import { openPglite } from '../src/store/pglite.js';
import type { SqlClient } from '../src/store/sql.js';
import { programHistory } from './support/builders.js';

const day = (n: number) => new Date(Date.UTC(2017, 0, 1 + n)).toISOString().slice(0, 10);
const month = (n: number) => `2017-${String(1 + n).padStart(2, '0')}`;

/** Keeps the first record of each key: keys are unique in a dataset the oracle reads as a file. */
function uniqueBy<T>(records: T[], key: (r: T) => string): T[] {
  const seen = new Set<string>();
  return records.filter((r) => (seen.has(key(r)) ? false : (seen.add(key(r)), true)));
}

const datasets = fc
  .record({
    partners: fc.array(fc.record({ country: fc.constantFrom('US', 'IN', 'ZZ'), named: fc.boolean() }), { minLength: 1, maxLength: 4 }),
    customers: fc.array(fc.constantFrom('US', 'DE', 'ZZ'), { maxLength: 4 }),
    associations: fc.array(
      fc.record({
        c: fc.nat(4),
        p: fc.nat(4),
        type: fc.constantFrom('DPOR', 'DPOR', 'DPOR', 'XX'),
        start: fc.nat(40),
        length: fc.option(fc.integer({ min: -3, max: 30 })),
      }),
      { maxLength: 6 },
    ),
    revenue: fc.array(
      fc.record({
        c: fc.nat(4),
        product: fc.constantFrom('D365-SALES', 'D365-OPERATIONS', 'NOPE'),
        date: fc.oneof(fc.nat(300).map(day), fc.constant('2017-02-30')),
        amount: fc.constantFrom<string | number>('100.5', 'abc', '-3', '2e3', 12, '9000000000000000', '90000000000000'),
        currency: fc.constantFrom('USD', 'USD', 'EUR', 'GBP', 'EURO'),
        netNew: fc.constantFrom<boolean | string>(true, false, 'yes'),
      }),
      { maxLength: 8 },
    ),
    people: fc.array(fc.nat(4), { maxLength: 4 }),
    examPasses: fc.array(fc.record({ person: fc.nat(4), exam: fc.constantFrom('MB2-717', 'MB2-715', 'ZZ-1'), day: fc.nat(300) }), {
      maxLength: 6,
    }),
    fxRates: fc.array(
      fc.record({
        currency: fc.constantFrom('EUR', 'GBP', 'USD', 'EURO'),
        month: fc.nat(9),
        rate: fc.constantFrom<string | number>('1.1', '0', '-2', 1, '1e3', '0.8765432'),
      }),
      { maxLength: 8 },
    ),
  })
  .map((d) => ({
    partners: d.partners.map((p, i) =>
      p.named ? { id: `P${i}`, name: `Partner ${i}`, country: p.country } : { id: `P${i}`, country: p.country },
    ),
    customers: d.customers.map((country, i) => ({ id: `C${i}`, name: `Customer ${i}`, country })),
    associations: uniqueBy(
      d.associations.map((a) => ({
        customerId: `C${a.c}`,
        partnerId: `P${a.p}`,
        type: a.type,
        start: day(a.start),
        end: a.length === null ? null : day(a.start + a.length),
      })),
      (a) => `${a.customerId}/${a.type}/${a.start}/${a.partnerId}`,
    ),
    revenue: d.revenue.map((r, i) => ({
      id: `R${i}`,
      customerId: `C${r.c}`,
      product: r.product,
      date: r.date,
      amount: r.amount,
      currency: r.currency,
      netNew: r.netNew,
    })),
    people: d.people.map((p, i) => ({ id: `N${i}`, partnerId: `P${p}`, name: `Person ${i}` })),
    examPasses: uniqueBy(
      d.examPasses.map((e) => ({ personId: `N${e.person}`, exam: e.exam, date: day(e.day) })),
      (e) => `${e.personId}/${e.exam}/${e.date}`,
    ),
    fxRates: uniqueBy(
      d.fxRates.map((f) => ({ currency: f.currency, month: month(f.month), usdPerUnit: f.rate })),
      (f) => `${f.currency}/${f.month}`,
    ),
  }));

class Rollback extends Error {}

type Dataset = Record<CollectionName, unknown[]>;

/**
 * `--skip-invalid` by its definition: validate, leave out every record with
 * a problem, again until the rest is valid. Returns each left-out record
 * (`revenue[3]`, its index in the input) with its reasons, and how many
 * records remain.
 */
function skipOracle(dataset: Dataset): { rejected: string[]; kept: number } {
  const kept = new Map(COLLECTIONS.map((c) => [c, (dataset[c] ?? []).map((_, i) => i)] as const));
  const rejected: string[] = [];
  for (;;) {
    const current = Object.fromEntries(COLLECTIONS.map((c) => [c, kept.get(c)!.map((i) => dataset[c]![i])]));
    const validated = validateDataset(current, programHistory);
    if (validated.ok) break;
    const reasons = new Map<string, string[]>();
    for (const p of validated.problems) {
      const m = /^(\w+)\[(\d+)\]/.exec(p.record)!;
      const key = `${m[1]}[${kept.get(m[1] as CollectionName)![Number(m[2])]}]`;
      reasons.set(key, [...(reasons.get(key) ?? []), problemMessage(p)]);
    }
    for (const [key, list] of reasons) rejected.push(`${key}: ${list.join('; ')}`);
    for (const c of COLLECTIONS)
      kept.set(
        c,
        kept.get(c)!.filter((i) => !reasons.has(`${c}[${i}]`)),
      );
  }
  const order = (label: string) => {
    const m = /^(\w+)\[(\d+)\]/.exec(label)!;
    return COLLECTIONS.indexOf(m[1] as CollectionName) * 1e6 + Number(m[2]);
  };
  return { rejected: rejected.sort((a, b) => order(a) - order(b)), kept: [...kept.values()].reduce((n, k) => n + k.length, 0) };
}

/** Each run is an import into PGlite; ATTAIN_IMPORT_RUNS=500 for a deeper search. */
const IMPORT_RUNS = Number(process.env.ATTAIN_IMPORT_RUNS ?? 40);

describe('the streaming import and validateDataset', () => {
  let db: SqlClient;
  beforeAll(async () => {
    db = await openPglite('memory://');
    await migrate(db);
  });
  afterAll(async () => {
    await db.close();
  });

  /** What an import into an empty store finds: its problems, or none (then nothing is kept: the transaction is rolled back). */
  async function importProblems(incoming: unknown): Promise<string[]> {
    try {
      await db.transaction(async (tx) => {
        await new StagedImport(tx, programHistory).run([recordsOf(incoming, 'in.json')], {});
        throw new Rollback();
      });
    } catch (error) {
      if (error instanceof Rollback) return [];
      if (error instanceof InvalidInputError) return error.problems.map((p) => formatProblem(p));
      throw error;
    }
    return [];
  }

  it('find the same problems, in the same order and words', async () => {
    let invalid = 0;
    await fc.assert(
      fc.asyncProperty(datasets, async (dataset) => {
        const validated = validateDataset(dataset, programHistory);
        const expected = validated.ok ? [] : validated.problems.slice(0, 100).map((p) => `in.json: ${formatProblem(p)}`);
        if (expected.length > 0) invalid += 1;
        // The import names the other record of an overlap with its file too.
        const found = (await importProblems(dataset)).map((p) => p.replace(' overlaps in.json: ', ' overlaps '));
        expect(found).toEqual(expected);
      }),
      { numRuns: IMPORT_RUNS },
    );
    // The generator is meant to produce defects: most datasets must have some.
    expect(invalid).toBeGreaterThan(IMPORT_RUNS / 2);
  }, 120_000);

  it('with --skip-invalid, leave out the same records for the same reasons and keep the rest', async () => {
    await fc.assert(
      fc.asyncProperty(datasets, async (dataset) => {
        const expected = skipOracle(dataset as unknown as Dataset);
        let found: { rejected: string[]; kept: number } | undefined;
        await db
          .transaction(async (tx) => {
            const [report] = await new StagedImport(tx, programHistory).run([recordsOf(dataset, 'in.json')], { skipInvalid: true });
            found = {
              rejected: report!.rejectedRecords.map((r) => `${r.collection}[${r.index}]: ${r.reasons.join('; ')}`),
              kept: report!.added,
            };
            throw new Rollback();
          })
          .catch((error: unknown) => {
            if (!(error instanceof Rollback)) throw error;
          });
        expect(found).toEqual({
          ...expected,
          rejected: expected.rejected.map((r) => r.replace(/ overlaps (\w+\[)/, ' overlaps in.json: $1')),
        });
      }),
      { numRuns: IMPORT_RUNS },
    );
  }, 120_000);
});
