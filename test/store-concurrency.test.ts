/**
 * Imports at the same time on a PostgreSQL server: random pairs of imports,
 * each valid alone, run in parallel from two connections. Afterwards the
 * store validates, and each import either landed whole or was rejected with
 * a clear problem (import.ts checks against everything committed before it,
 * store.ts serializes imports with an advisory lock).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError, validateDataset } from '../src/engine/index.js';
import { readJsonFile } from '../src/files/dataset-file.js';
import { Store } from '../src/store/store.js';
import { programHistory } from './support/builders.js';
import { SERVER, storeEngines } from './support/stores.js';

const EXAMPLE = 'examples/cloud-business-applications.json';
const { newSchema } = storeEngines('concurrency');
type Row = Record<string, unknown>;
type Fragment = Partial<Record<'partners' | 'customers' | 'associations' | 'revenue' | 'people' | 'examPasses' | 'fxRates', Row[]>>;

/** Customers with no association yet, one per trial: each trial's DPOR associations are its own. */
const CUSTOMERS = 40;
const PARTNERS = ['P-CONTOSO', 'P-FABRIKAM', 'P-NORTHWIND', 'P-TAILSPIN'];

interface Pair {
  readonly a: Fragment;
  readonly b: Fragment;
  /** The problem the second to commit must be rejected with, when the two cannot both land. */
  readonly conflict?: 'associationOverlap' | 'amountTooLarge' | undefined;
}

/** A month of its own per trial, with a rate in the store. */
const MONTHS = 120;
const monthOf = (t: number): string => `${2000 + Math.floor((t % MONTHS) / 12)}-${String(1 + (t % 12)).padStart(2, '0')}`;
const day = (offset: number): string => new Date(Date.UTC(2017, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);

/** A pair of imports of trial `t`, each valid alone: DPOR associations of one customer, a rate and a line, or records apart. */
const pair = (t: number): fc.Arbitrary<Pair> =>
  fc.oneof(
    fc
      .record({
        partners: fc.uniqueArray(fc.constantFrom(...PARTNERS), { minLength: 2, maxLength: 2 }),
        startA: fc.integer({ min: 0, max: 60 }),
        startB: fc.integer({ min: 0, max: 60 }),
        lengthA: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
        lengthB: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
      })
      .map(({ partners, startA, startB, lengthA, lengthB }): Pair => {
        const customerId = `C-RACE-${t % CUSTOMERS}`;
        const association = (partnerId: string, start: number, length: number | undefined): Row => ({
          customerId,
          partnerId,
          type: 'DPOR',
          start: day(start),
          end: length === undefined ? null : day(start + length),
        });
        const endA = lengthA === undefined ? Infinity : startA + lengthA;
        const endB = lengthB === undefined ? Infinity : startB + lengthB;
        const overlap = startA <= endB && startB <= endA;
        return {
          a: { associations: [association(partners[0]!, startA, lengthA)] },
          b: { associations: [association(partners[1]!, startB, lengthB)] },
          conflict: overlap ? 'associationOverlap' : undefined,
        };
      }),
    fc.record({ huge: fc.boolean(), swap: fc.boolean() }).map(({ huge, swap }): Pair => {
      // A rate raised a millionfold, and a line converted at it: each fine alone, too large together.
      const month = monthOf(t);
      const rate: Fragment = { fxRates: [{ currency: 'JPY', month, usdPerUnit: huge ? '9000' : '0.0095' }] };
      const line: Fragment = {
        revenue: [
          {
            id: `R-RACE-${t}`,
            customerId: 'C-ADATUM',
            product: 'D365-SALES',
            date: `${month}-10`,
            amount: '1000000000000',
            currency: 'JPY',
            netNew: true,
          },
        ],
      };
      return { a: swap ? line : rate, b: swap ? rate : line, conflict: huge ? 'amountTooLarge' : undefined };
    }),
    fc.constant<Pair>({
      a: {
        people: [{ id: `X-RACE-${t}`, partnerId: 'P-CONTOSO', name: 'Racer' }],
        examPasses: [{ personId: `X-RACE-${t}`, exam: 'MB2-715', date: '2017-01-02' }],
      },
      b: {
        revenue: [
          {
            id: `R-APART-${t}`,
            customerId: 'C-LITWARE',
            product: 'D365-SALES',
            date: '2017-01-02',
            amount: '10.5',
            currency: 'USD',
            netNew: true,
          },
        ],
      },
    }),
  );

/** The store as a dataset, records compared by their text. */
const keyOf = (collection: string, row: Row): string =>
  collection === 'associations'
    ? `${row.customerId}|${row.partnerId}|${row.type}|${row.start}`
    : collection === 'examPasses'
      ? `${row.personId}|${row.exam}|${row.date}`
      : collection === 'fxRates'
        ? `${row.currency}|${row.month}`
        : String(row.id);

function contains(stored: Record<string, Row[]>, fragment: Fragment): boolean {
  return Object.entries(fragment).every(([collection, rows]) =>
    rows.every((row) => {
      const found = stored[collection]!.find((s) => keyOf(collection, s) === keyOf(collection, row));
      return found !== undefined && Object.entries(row).every(([field, value]) => String(found[field] ?? null) === String(value ?? null));
    }),
  );
}

describe('imports at the same time on PostgreSQL', () => {
  const schema = newSchema();
  const stores: Store[] = [];
  afterAll(async () => {
    for (const store of stores) await store.close();
  });

  it('random pairs of imports, each valid alone: the store validates, each landed whole or was rejected with a clear problem', async () => {
    const open = async () => {
      const store = await Store.open({ databaseUrl: SERVER, schema });
      stores.push(store);
      return store;
    };
    const [first, second] = [await open(), await open()];
    await first.import(
      [
        { incoming: readJsonFile(EXAMPLE), source: EXAMPLE },
        {
          incoming: {
            customers: Array.from({ length: CUSTOMERS }, (_, i) => ({ id: `C-RACE-${i}`, name: `Race ${i}`, country: 'US' })),
            fxRates: Array.from({ length: MONTHS }, (_, m) => ({ currency: 'JPY', month: monthOf(m), usdPerUnit: '0.009' })),
          },
          source: 'race.json',
        },
      ],
      programHistory,
    );
    let trial = 0;
    const outcomes = { both: 0, one: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 20 }).chain((delay) => pair(trial++).map((p) => [p, delay] as const)),
        async ([{ a, b, conflict }, delay]) => {
          const [ra, rb] = await Promise.allSettled([
            first.import([{ incoming: a, source: 'a.json' }], programHistory),
            new Promise((r) => setTimeout(r, delay)).then(() => second.import([{ incoming: b, source: 'b.json' }], programHistory)),
          ]);
          const stored = (await first.read()) as unknown as Record<string, Row[]>;
          // Whatever happened, the store is a valid dataset.
          const valid = validateDataset(stored, programHistory);
          expect(valid.ok, JSON.stringify(valid.ok ? [] : valid.problems.slice(0, 3))).toBe(true);
          for (const [result, fragment] of [
            [ra, a],
            [rb, b],
          ] as const) {
            if (result.status === 'fulfilled') {
              expect(contains(stored, fragment)).toBe(true);
            } else {
              // Rejected whole, with the problem the other import makes it have.
              expect(result.reason).toBeInstanceOf(InvalidInputError);
              expect((result.reason as InvalidInputError).problems.map((p) => p.code)).toContain(conflict);
            }
          }
          const landed = [ra, rb].filter((r) => r.status === 'fulfilled').length;
          if (conflict) expect(landed).toBe(1);
          else expect(landed).toBe(2);
          if (landed === 2) outcomes.both += 1;
          else outcomes.one += 1;
        },
      ),
      { numRuns: 30, seed: 18 },
    );
    // Both kinds happened: conflicting pairs and pairs that land together.
    expect(outcomes.both).toBeGreaterThan(0);
    expect(outcomes.one).toBeGreaterThan(0);
  }, 120_000);
});
