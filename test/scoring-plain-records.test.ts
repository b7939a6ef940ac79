/**
 * Billing, seat and usage records that their schema plainly accepts skip zod's parse (src/engine/scoring/dataset.ts,
 * `plainScoringRecord`): the shortcut must take exactly the records zod accepts, as zod would give them back, and
 * leave every other to zod, which words the problems.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainScoringRecord, scoringCollections, type ScoringCollection } from '../src/engine/scoring/dataset.js';

const FIELDS: Record<string, readonly string[]> = {
  billing: ['id', 'subscriptionId', 'month', 'amountUsd'],
  seats: ['subscriptionId', 'month', 'paidSeats'],
  usage: ['tenantId', 'workload', 'month', 'units'],
};

/** Values near each kind's edges: texts, months, decimals, counts, and what none of them accepts. */
const value = fc.constantFrom<unknown>(
  'S-1',
  '',
  ' ',
  'x'.repeat(300),
  '2020-01',
  '0000-12',
  '2020-13',
  '2020-00',
  '2020-1',
  '٢٠٢٠-01',
  '12.5',
  '-0.001',
  'abc',
  '4.5e1',
  0,
  -0,
  7,
  1.5,
  -3,
  2 ** 53 - 1,
  2 ** 53,
  1e21,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  null,
  undefined,
  true,
  [],
  {},
);

/** A record of the collection: its fields with drawn values, some left out, some extra ones. */
const record = (collection: string) =>
  fc
    .record({
      values: fc.array(value, { minLength: FIELDS[collection]!.length, maxLength: FIELDS[collection]!.length }),
      drop: fc.option(fc.nat(FIELDS[collection]!.length - 1), { nil: undefined }),
      extra: fc.option(fc.constantFrom('note', 'month2', '__proto__', 'constructor'), { nil: undefined }),
      valid: fc.boolean(),
    })
    .map(({ values, drop, extra, valid }) => {
      const raw: Record<string, unknown> = {};
      FIELDS[collection]!.forEach((field, i) => {
        if (i === drop) return;
        // Half the records start from valid values, so that the accepted side is well drawn too.
        raw[field] = valid ? validValue(collection, field, values[i]) : values[i];
      });
      if (extra !== undefined) Object.defineProperty(raw, extra, { value: 'x', enumerable: true, configurable: true, writable: true });
      return raw;
    });

function validValue(collection: string, field: string, drawn: unknown): unknown {
  if (field === 'month') return typeof drawn === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(drawn) ? drawn : '2021-01';
  if (field === 'amountUsd' || field === 'units') return typeof drawn === 'number' || typeof drawn === 'string' ? drawn : '10';
  if (field === 'paidSeats') return typeof drawn === 'number' ? drawn : 3;
  return typeof drawn === 'string' && drawn.length > 0 ? drawn : `${collection}-1`;
}

describe('plain billing, seat and usage records', () => {
  for (const collection of Object.keys(FIELDS) as ScoringCollection[]) {
    it(`takes exactly the ${collection} records zod accepts, as zod gives them back`, () => {
      fc.assert(
        fc.property(record(collection), (raw) => {
          const parsed = scoringCollections[collection].safeParse(raw);
          const plain = plainScoringRecord(collection, raw);
          expect(plain !== undefined, JSON.stringify(raw)).toBe(parsed.success);
          if (plain !== undefined) expect(plain).toEqual(parsed.data);
        }),
        { numRuns: 2000 },
      );
    });
  }

  it('leaves objects that are not plain, and other collections, to zod', () => {
    const bare = Object.assign(Object.create(null) as object, { subscriptionId: 'S', month: '2021-01', paidSeats: 1 });
    expect(plainScoringRecord('seats', bare)).toBeUndefined();
    const inherited = Object.assign(Object.create({ paidSeats: 1 }) as object, { subscriptionId: 'S', month: '2021-01' });
    expect(plainScoringRecord('seats', inherited)).toBeUndefined();
    expect(plainScoringRecord('partners', { id: 'P', country: 'US' })).toBeUndefined();
    expect(plainScoringRecord('seats', { subscriptionId: 'S', month: '2021-01', paidSeats: 1 })).toEqual({
      subscriptionId: 'S',
      month: '2021-01',
      paidSeats: 1,
    });
  });
});
