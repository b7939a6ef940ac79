/**
 * An import's records merged by key (src/store/scoring.ts `mergeScoringRecords`): with nothing stored to lay them
 * over, the keys given twice are found by hashing and grouping, not by a map of every key; they must be exactly
 * those a map of the keys seen finds, each naming the first record of its key — whatever the hashes, even all equal.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScoringCollection } from '../src/engine/index.js';
import { mergeScoringRecords, repeatedKeysOf, SCORING_TABLES } from '../src/store/scoring.js';

type Row = Record<string, unknown>;

/** What a map of the keys seen, in order, finds: each record whose key an earlier one has, with the first such. */
function naive(collection: ScoringCollection, given: readonly unknown[]): { index: number; other: number }[] {
  const fields = SCORING_TABLES[collection].key;
  const seen = new Map<string, number>();
  const repeated: { index: number; other: number }[] = [];
  given.forEach((record, index) => {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) return;
    const values = fields.map((f) => (record as Row)[f]);
    if (!values.every((v) => typeof v === 'string')) return;
    const key = JSON.stringify(values);
    const other = seen.get(key);
    if (other === undefined) seen.set(key, index);
    else repeated.push({ index, other });
  });
  return repeated;
}

const text = fc.constantFrom('a', 'b', 'ab', '', 'é', '\u0000', 'a\u0000b');
const recordOf = (collection: ScoringCollection): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 10, arbitrary: fc.record(Object.fromEntries(SCORING_TABLES[collection].key.map((f) => [f, text]))) as fc.Arbitrary<unknown> },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 3, 'x', [], { other: 'a' }) },
    { weight: 1, arbitrary: fc.record(Object.fromEntries(SCORING_TABLES[collection].key.map((f) => [f, fc.oneof(text, fc.integer())]))) },
  );
const COLLECTIONS: ScoringCollection[] = ['billing', 'seats', 'usage', 'associations'];

describe('keys given twice in an import', () => {
  it('are those a map of the keys seen finds, whatever the hashes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...COLLECTIONS).chain((c) => fc.tuple(fc.constant(c), fc.array(recordOf(c), { maxLength: 60 }))),
        fc.constantFrom<'fnv' | 'one' | 'few'>('fnv', 'one', 'few'),
        ([collection, given], hashing) => {
          const expected = naive(collection, given);
          // All hashes equal, or a few: the groups compared field by field, past 16 keys through a map of them.
          const hashOf =
            hashing === 'one'
              ? (r: Row, f: readonly string[]) => (f.every((k) => typeof r[k] === 'string') ? 7 : undefined)
              : hashing === 'few'
                ? (r: Row, f: readonly string[]) =>
                    f.every((k) => typeof r[k] === 'string') ? f.map((k) => (r[k] as string).length).join('').length : undefined
                : undefined;
          expect(repeatedKeysOf(collection, given, hashOf)).toEqual(expected);
          const merge = mergeScoringRecords({}, { [collection]: given });
          expect(merge.duplicates.map(({ index, other }) => ({ index, other }))).toEqual(expected);
          const dropped = new Set(expected.map((r) => r.index));
          expect(merge.merged[collection]).toEqual(given.filter((_, i) => !dropped.has(i)));
          expect(merge.origins.get(collection)).toEqual(given.map((_, i) => i).filter((i) => !dropped.has(i)));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('are those a map finds in lists long enough to be grouped by a radix sort', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4096, max: 9000 }), fc.integer({ min: 1, max: 3000 }), (n, distinct) => {
        const given = Array.from({ length: n }, (_, i) => ({
          subscriptionId: `S-${(i * 7919) % distinct}`,
          month: `2023-0${1 + ((i * 31) % 3)}`,
        }));
        expect(repeatedKeysOf('seats', given)).toEqual(naive('seats', given));
      }),
      { numRuns: 20 },
    );
  });

  it('finds them among many records of one key, or many keys of one hash', () => {
    const same = Array.from({ length: 50_000 }, (_, i) => ({ id: 'B-1', subscriptionId: `S-${i}` }));
    const repeated = repeatedKeysOf('billing', same);
    expect(repeated).toHaveLength(49_999);
    expect(repeated.every(({ index, other }, k) => index === k + 1 && other === 0)).toBe(true);
    const distinct = Array.from({ length: 50_000 }, (_, i) => ({ id: `B-${i % 25_000}` }));
    expect(repeatedKeysOf('billing', distinct, () => 1)).toEqual(
      Array.from({ length: 25_000 }, (_, k) => ({ index: 25_000 + k, other: k })),
    );
  });
});
