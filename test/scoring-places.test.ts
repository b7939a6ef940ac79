/**
 * Issue 19: validation remembers where each record's subscription or tenant is in the dataset's maps, and the
 * scoring index numbers them by those places instead of looking every id up. A wrong place would credit a line to
 * another subscription, so the places are held to the ids, and the index to the same scores with or without them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { monthIndex, prepareScoring, rememberPlacesOf, scoreAll, scorePrepared, type ScoringDataset } from '../src/engine/index.js';
import { placesOf } from '../src/engine/scoring/places.js';
import { datasetOf } from './support/scoring.js';
import { PARTNERS, recordsArbFor, recordsAt, versions } from './support/scored-records.js';

/** The dataset with its record collections copied: equal records, but no places remembered for them. */
const copied = (data: ScoringDataset): ScoringDataset => ({
  ...data,
  subscriptions: new Map(data.subscriptions),
  people: new Map(data.people),
  billing: [...data.billing],
  seats: [...data.seats],
  usage: [...data.usage],
  associations: [...data.associations],
});

/** Each record's reference as an id, found again from the places: the id of the map's entry at that place. */
const idsAt = (places: readonly number[] | undefined, map: ReadonlyMap<string, unknown>) => {
  const ids = [...map.keys()];
  return places?.map((p) => ids[p]);
};

describe('the places of references', () => {
  for (const version of versions) {
    const M = monthIndex(version.effectiveFrom.slice(0, 7)) + 3;

    it(`are remembered by validation for every record, and name the record's own reference, under ${version.effectiveFrom}`, () => {
      fc.assert(
        fc.property(recordsArbFor(version), (x) => {
          const data = datasetOf(recordsAt(M, x), versions);
          const { billing, seats, usage, associations, subscriptions, tenants } = data;
          expect(idsAt(placesOf(billing, subscriptions), subscriptions)).toEqual(billing.map((r) => r.subscriptionId));
          expect(idsAt(placesOf(seats, subscriptions), subscriptions)).toEqual(seats.map((r) => r.subscriptionId));
          expect(idsAt(placesOf(associations, subscriptions), subscriptions)).toEqual(associations.map((r) => r.subscriptionId));
          expect(idsAt(placesOf(usage, tenants), tenants)).toEqual(usage.map((r) => r.tenantId));
          expect(idsAt(placesOf(subscriptions, tenants), tenants)).toEqual([...subscriptions.values()].map((s) => s.tenantId));
          expect(idsAt(placesOf(data.examPasses, data.people), data.people)).toEqual(data.examPasses.map((r) => r.personId));
          expect(idsAt(placesOf(data.certificationsHeld, data.people), data.people)).toEqual(
            data.certificationsHeld.map((r) => r.personId),
          );
          expect(idsAt(placesOf(data.people, data.partners), data.partners)).toEqual([...data.people.values()].map((p) => p.partnerId));
          // What the benchmark's unchecked conversion remembers is what validation did.
          const again = copied(data);
          rememberPlacesOf(again);
          expect(placesOf(again.billing, again.subscriptions)).toEqual(placesOf(billing, subscriptions));
          expect(placesOf(again.usage, again.tenants)).toEqual(placesOf(usage, tenants));
          expect(placesOf(again.subscriptions, again.tenants)).toEqual(placesOf(subscriptions, tenants));
          expect(placesOf(again.people, again.partners)).toEqual(placesOf(data.people, data.partners));
        }),
        { numRuns: 30 },
      );
    });

    it(`score the same as ids looked up, records grouped or month by month, under ${version.effectiveFrom}`, () => {
      fc.assert(
        fc.property(recordsArbFor(version), fc.boolean(), (x, byMonth) => {
          const drawn = recordsAt(M, x);
          // As a store of monthly imports gives them: every record of a month before the next month's.
          const sorted = <R extends { month: string }>(list: readonly R[] | undefined) =>
            [...(list ?? [])].sort((a, b) => a.month.localeCompare(b.month));
          const records = byMonth
            ? { ...drawn, billing: sorted(drawn.billing), seats: sorted(drawn.seats), usage: sorted(drawn.usage) }
            : drawn;
          const data = datasetOf(records, versions);
          const withPlaces = prepareScoring(version, data);
          const without = prepareScoring(version, copied(data));
          for (const partner of PARTNERS) expect(scorePrepared(withPlaces, partner, M)).toEqual(scorePrepared(without, partner, M));
          expect(scoreAll(version, copied(data), M)).toEqual(scoreAll(version, data, M));
        }),
        { numRuns: 25 },
      );
    });
  }

  it('are not found for records or maps other than those they were remembered for', () => {
    const version = versions[0]!;
    const M = monthIndex(version.effectiveFrom.slice(0, 7)) + 3;
    const [x] = fc.sample(recordsArbFor(version), { numRuns: 1, seed: 16 });
    const data = datasetOf(recordsAt(M, x!), versions);
    expect(placesOf(data.billing, data.subscriptions)).toBeDefined();
    // A part of the dataset (a neighbourhood's records), another map of the same subscriptions, or the tenants' map.
    expect(placesOf(data.billing.slice(1), data.subscriptions)).toBeUndefined();
    expect(placesOf(data.billing, new Map(data.subscriptions))).toBeUndefined();
    expect(placesOf(data.billing, data.tenants)).toBeUndefined();
    expect(placesOf(copied(data).usage, data.tenants)).toBeUndefined();
  });
});
