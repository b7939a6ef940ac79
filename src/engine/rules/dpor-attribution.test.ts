import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayNumberOf, type IsoDate } from '../calendar.js';
import { NEVER, type DatasetColumns } from '../evaluation/columns.js';
import { attributedOn, ownersOn, tenuresByCustomer } from './dpor-attribution.js';

const day = (text: string) => dayNumberOf(text as IsoDate);

interface Held {
  readonly customer: number;
  readonly partner: number;
  readonly type: number;
  readonly first: number;
  readonly last: number;
}

function associations(list: readonly Held[]): DatasetColumns['associations'] {
  return {
    types: ['DPOR', 'CSP'],
    customer: Int32Array.from(list, (a) => a.customer),
    partner: Int32Array.from(list, (a) => a.partner),
    type: Int32Array.from(list, (a) => a.type),
    first: Int32Array.from(list, (a) => a.first),
    last: Int32Array.from(list, (a) => a.last),
  };
}

function owners(list: readonly Held[], type: number, customerCount: number, customer: number, on: number): number[] {
  // Room holding something already: what lies past the partners returned is not theirs.
  const out: number[] = [7, 7, 7, 7];
  const n = ownersOn(tenuresByCustomer(associations(list), type, customerCount), customer, on, out);
  return out.slice(0, n);
}

describe('DPOR attribution', () => {
  // C-ALPINE of docs/rules.md, section 2: Northwind (0) hands over to Contoso (1).
  const alpine: Held[] = [
    { customer: 0, partner: 0, type: 0, first: day('2015-09-01'), last: day('2017-03-31') },
    { customer: 0, partner: 1, type: 0, first: day('2017-04-01'), last: NEVER },
  ];

  it('gives a line to the association in force on its date, both ends included', () => {
    expect(owners(alpine, 0, 1, 0, day('2015-09-01'))).toEqual([0]);
    expect(owners(alpine, 0, 1, 0, day('2017-03-31'))).toEqual([0]);
    expect(owners(alpine, 0, 1, 0, day('2017-04-01'))).toEqual([1]);
    expect(owners(alpine, 0, 1, 0, day('2030-01-01'))).toEqual([1]);
  });

  it('gives a line of no association’s day to nobody', () => {
    expect(owners(alpine, 0, 1, 0, day('2015-08-31'))).toEqual([]);
    expect(attributedOn(tenuresByCustomer(associations(alpine), 0, 1), 0, day('2015-08-31'))).toBe(false);
    // Of another type, or none of the dataset (-1), an association attributes nothing.
    expect(owners(alpine, 1, 1, 0, day('2017-04-01'))).toEqual([]);
    expect(owners(alpine, -1, 1, 0, day('2017-04-01'))).toEqual([]);
  });

  it('gives a line once to each partner holding a shared association, in the associations’ order', () => {
    const shared: Held[] = [
      { customer: 0, partner: 2, type: 1, first: 0, last: 10 },
      { customer: 0, partner: 1, type: 1, first: 5, last: NEVER },
      { customer: 0, partner: 2, type: 1, first: 8, last: 20 },
    ];
    expect(owners(shared, 1, 1, 0, 9)).toEqual([2, 1]);
    expect(owners(shared, 1, 1, 0, 15)).toEqual([1, 2]);
  });

  it('is the partners of the associations holding on the day, whatever the associations', () => {
    const held = fc
      .record({
        customer: fc.integer({ min: 0, max: 3 }),
        partner: fc.integer({ min: 0, max: 4 }),
        type: fc.integer({ min: 0, max: 1 }),
        first: fc.integer({ min: 0, max: 40 }),
        length: fc.option(fc.integer({ min: -2, max: 20 }), { nil: null }),
      })
      .map(({ length, ...a }) => ({ ...a, last: length === null ? NEVER : a.first + length }));
    fc.assert(
      fc.property(
        fc.array(held, { maxLength: 20 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: -1, max: 65 }),
        (list, customer, on) => {
          for (const type of [0, 1]) {
            const expected = [
              ...new Set(
                list.filter((a) => a.type === type && a.customer === customer && a.first <= on && on <= a.last).map((a) => a.partner),
              ),
            ];
            expect(owners(list, type, 4, customer, on)).toEqual(expected);
            expect(attributedOn(tenuresByCustomer(associations(list), type, 4), customer, on)).toBe(expected.length > 0);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
