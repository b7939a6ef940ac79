/**
 * Where each record's subscription, tenant, person or partner (a person's) sits in the dataset's map of them (its place in the map's
 * order), as validation found it while checking the reference. The scoring index numbers subscriptions, tenants and
 * people in that order, so it takes a record's number from here instead of looking its id up again: a map read per record is
 * most of the index's preparation when records come month by month (as a store of monthly imports gives them),
 * millions of reads each missing the cache at 100,000 partners.
 *
 * Kept apart from the dataset, keyed by the record array itself and naming the map the places are in: a dataset
 * made any other way, or made again from part of one (a partner's neighbourhood), finds none, and the index looks
 * the ids up. Datasets are not changed once made; the length is checked all the same.
 */
import type { ScoringDataset } from './dataset.js';

interface Places {
  readonly of: ReadonlyMap<string, unknown>;
  readonly places: readonly number[];
}

/** A collection of records: an array, or a map by id (subscriptions, whose tenants have places too). */
type Records = readonly unknown[] | ReadonlyMap<string, unknown>;

const placesOfRecords = new WeakMap<Records, Places>();

const countOf = (records: Records): number => (Array.isArray(records) ? records.length : (records as ReadonlyMap<string, unknown>).size);

/** Remembers that record i of `records` (in their order) refers to the entry at `places[i]` of `of`'s order. */
export function rememberPlaces(records: Records, of: ReadonlyMap<string, unknown>, places: readonly number[]): void {
  if (places.length === countOf(records)) placesOfRecords.set(records, { of, places });
}

/** The places remembered for `records` in `of`, or undefined. */
export function placesOf(records: Records, of: ReadonlyMap<string, unknown>): readonly number[] | undefined {
  const found = placesOfRecords.get(records);
  return found !== undefined && found.of === of && found.places.length === countOf(records) ? found.places : undefined;
}

/** Each id's place in the map's order. */
function placeOfIds(map: ReadonlyMap<string, unknown>): Map<string, number> {
  const place = new Map<string, number>();
  for (const id of map.keys()) place.set(id, place.size);
  return place;
}

/** Each record's place in `of` found by its id through `ids` (`of`'s ids and their places): −1 for an id it does not hold. */
function found<R>(records: readonly R[] | ReadonlyMap<string, R>, ids: ReadonlyMap<string, number>, idOf: (r: R) => string): number[] {
  return Array.from(
    Array.isArray(records) ? (records as readonly R[]) : (records as ReadonlyMap<string, R>).values(),
    (r) => ids.get(idOf(r)) ?? -1,
  );
}

/** The places remembered for `records` in `of`, or else found by each record's id (−1 for an id `of` does not hold). */
export function placesOrFound<R>(
  records: readonly R[] | ReadonlyMap<string, R>,
  of: ReadonlyMap<string, unknown>,
  idOf: (r: R) => string,
): readonly number[] {
  return placesOf(records, of) ?? found(records, placeOfIds(of), idOf);
}

/**
 * Finds and remembers the places of a dataset made without validation (the benchmark's unchecked conversion):
 * what validation remembers as it checks each reference. A reference to nothing is place −1.
 */
export function rememberPlacesOf(data: ScoringDataset): void {
  const subscriptions = placeOfIds(data.subscriptions);
  const tenants = placeOfIds(data.tenants);
  const people = placeOfIds(data.people);
  const bySubscription = (r: { readonly subscriptionId: string }) => r.subscriptionId;
  const byTenant = (r: { readonly tenantId: string }) => r.tenantId;
  const byPerson = (r: { readonly personId: string }) => r.personId;
  rememberPlaces(data.billing, data.subscriptions, found(data.billing, subscriptions, bySubscription));
  rememberPlaces(data.seats, data.subscriptions, found(data.seats, subscriptions, bySubscription));
  rememberPlaces(data.associations, data.subscriptions, found(data.associations, subscriptions, bySubscription));
  rememberPlaces(data.usage, data.tenants, found(data.usage, tenants, byTenant));
  rememberPlaces(data.subscriptions, data.tenants, found(data.subscriptions, tenants, byTenant));
  rememberPlaces(data.examPasses, data.people, found(data.examPasses, people, byPerson));
  rememberPlaces(data.certificationsHeld, data.people, found(data.certificationsHeld, people, byPerson));
  rememberPlaces(
    data.people,
    data.partners,
    found(data.people, placeOfIds(data.partners), (r) => r.partnerId),
  );
}
