/**
 * Records that their schema plainly accepts skip zod's parse (src/engine/scoring/dataset.ts, `plainScoringRecord`):
 * the shortcut must take exactly the records zod accepts, as zod would give them back (the same fields in the same
 * order), and leave every other to zod, which words the problems.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainScoringRecord, scoringCollections, type ScoringCollection } from '../src/engine/scoring/dataset.js';

const FIELDS: Record<string, readonly string[]> = {
  partners: ['id', 'country'],
  tenants: ['id', 'country'],
  subscriptions: ['id', 'tenantId', 'product', 'paid', 'channel', 'agreementStart'],
  billing: ['id', 'subscriptionId', 'month', 'amountUsd'],
  seats: ['subscriptionId', 'month', 'paidSeats'],
  usage: ['tenantId', 'workload', 'month', 'units'],
  instances: ['id', 'tenantId', 'group', 'production'],
  associations: ['partnerId', 'subscriptionId', 'type', 'from', 'to'],
  people: ['id', 'partnerId'],
  examPasses: ['personId', 'exam', 'date'],
  certificationsHeld: ['personId', 'certification', 'date', 'expires'],
  baselines: ['partnerId', 'metric', 'kind', 'date', 'count'],
};
/** Fields whose record is given back as it is (converted at once): zod's copy may order them otherwise. */
const AS_GIVEN = new Set(['billing', 'seats', 'usage']);

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
  '2020-02-29',
  '2021-02-29',
  '2000-02-29',
  '1900-02-29',
  '2021-04-31',
  '2021-12-31',
  '0000-01-01',
  '2021-1-01',
  '2021-01-01T00:00:00Z',
  'baseline',
  'anniversary',
  'Baseline',
  false,
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
      // The fields in another order: zod gives them back in its own.
      reversed: fc.boolean(),
    })
    .map(({ values, drop, extra, valid, reversed }) => {
      const raw: Record<string, unknown> = {};
      const order = FIELDS[collection]!.map((field, i) => [field, i] as const);
      (reversed ? order.reverse() : order).forEach(([field, i]) => {
        if (i === drop) return;
        // Half the records start from valid values, so that the accepted side is well drawn too.
        raw[field] = valid ? validValue(collection, field, values[i]) : values[i];
      });
      if (extra !== undefined) Object.defineProperty(raw, extra, { value: 'x', enumerable: true, configurable: true, writable: true });
      return raw;
    });

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function validValue(collection: string, field: string, drawn: unknown): unknown {
  if (['month', 'agreementStart', 'from', 'to'].includes(field)) {
    if (field !== 'month' && (drawn === undefined || (field === 'to' && drawn === null))) return drawn;
    return typeof drawn === 'string' && MONTH.test(drawn) ? drawn : '2021-01';
  }
  if (['date', 'expires'].includes(field)) {
    if (field === 'expires' && drawn === undefined) return drawn;
    return typeof drawn === 'string' && DATE.test(drawn) ? drawn : '2021-03-31';
  }
  if (field === 'amountUsd' || field === 'units') return typeof drawn === 'number' || typeof drawn === 'string' ? drawn : '10';
  if (field === 'paidSeats' || field === 'count') return typeof drawn === 'number' ? drawn : 3;
  if (field === 'paid' || field === 'production') return typeof drawn === 'boolean' ? drawn : true;
  if (field === 'kind') return drawn === 'baseline' || drawn === 'anniversary' ? drawn : 'baseline';
  if (field === 'channel' && drawn === undefined) return drawn;
  return typeof drawn === 'string' && drawn.length > 0 ? drawn : `${collection}-1`;
}

describe('plain scoring records', () => {
  for (const collection of Object.keys(FIELDS) as ScoringCollection[]) {
    it(`takes exactly the ${collection} records zod accepts, as zod gives them back`, () => {
      fc.assert(
        fc.property(record(collection), (raw) => {
          const parsed = scoringCollections[collection].safeParse(raw);
          const plain = plainScoringRecord(collection, raw);
          expect(plain !== undefined, JSON.stringify(raw)).toBe(parsed.success);
          if (plain !== undefined) {
            expect(plain).toStrictEqual(parsed.data);
            if (!AS_GIVEN.has(collection)) expect(Object.keys(plain)).toEqual(Object.keys(parsed.data as object));
          }
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
    expect(plainScoringRecord('enrolments', { partnerId: 'P', legacy: true })).toBeUndefined();
    const hidden = { id: 'P' };
    Object.defineProperty(hidden, 'country', { value: 'US', enumerable: false });
    expect(plainScoringRecord('partners', hidden)).toBeUndefined();
    expect(plainScoringRecord('seats', { subscriptionId: 'S', month: '2021-01', paidSeats: 1 })).toEqual({
      subscriptionId: 'S',
      month: '2021-01',
      paidSeats: 1,
    });
  });
});
