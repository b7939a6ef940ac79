/**
 * One partner's scoring neighbourhood: the records its score reads, and no
 * other — the partner; the subscriptions it holds an association on, their
 * tenants and every subscription of those tenants (net customer adds and
 * pair counts look at the whole tenant); every association on those
 * subscriptions (another partner's type can displace the partner's); their
 * billing and paid seats; the tenants' usage and instances; the partner's
 * people with their exam passes and certifications held; its baselines and
 * its enrolment.
 *
 * Scoring the partner from its neighbourhood gives the report the whole
 * dataset gives (test/scoring-neighbourhood.test.ts), at the cost of the
 * partner's own records: what the outlook's held data (`heldAt`) is built
 * from, per request, instead of the whole dataset. Records keep the
 * dataset's order. Pure.
 */
import type { ScoringDataset, Subscription } from './dataset.js';

type Row<K extends keyof ScoringDataset> = ScoringDataset[K] extends readonly (infer R)[] ? R : never;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Records of a collection grouped by a key, each with its position in the dataset (to give them back in order). */
function grouped<T>(rows: readonly T[], keyOf: (row: T) => string): Map<string, number[]> {
  const map = new Map<string, number[]>();
  rows.forEach((row, i) => push(map, keyOf(row), i));
  return map;
}

/** The rows at the positions the keys hold, in dataset order. */
function pick<T>(rows: readonly T[], index: ReadonlyMap<string, readonly number[]>, keys: Iterable<string>): T[] {
  const positions: number[] = [];
  for (const key of keys) for (const i of index.get(key) ?? []) positions.push(i);
  return positions.sort((a, b) => a - b).map((i) => rows[i]!);
}

/** A partner's neighbourhood, undefined when the dataset has no such partner. */
export type ScoringNeighbourhoods = (partnerId: string) => ScoringDataset | undefined;

/** Indexes the dataset once (one pass over every collection); each partner's neighbourhood is then read from them. */
export function scoringNeighbourhoods(data: ScoringDataset): ScoringNeighbourhoods {
  const associationsByPartner = grouped(data.associations, (a) => a.partnerId);
  const associationsBySubscription = grouped(data.associations, (a) => a.subscriptionId);
  const subscriptions = [...data.subscriptions.values()];
  const subscriptionsByTenant = grouped(subscriptions, (s) => s.tenantId);
  const billingBySubscription = grouped(data.billing, (b) => b.subscriptionId);
  const seatsBySubscription = grouped(data.seats, (s) => s.subscriptionId);
  const usageByTenant = grouped(data.usage, (u) => u.tenantId);
  const instancesByTenant = grouped(data.instances, (i) => i.tenantId);
  const people = [...data.people];
  const peopleByPartner = grouped(people, ([, p]) => p.partnerId);
  const passesByPerson = grouped(data.examPasses, (p) => p.personId);
  const heldByPerson = grouped(data.certificationsHeld, (h) => h.personId);
  const baselinesByPartner = grouped(data.baselines, (b) => b.partnerId);
  const tenantPosition = new Map([...data.tenants.keys()].map((id, i) => [id, i]));

  return (partnerId) => {
    const partner = data.partners.get(partnerId);
    if (!partner) return undefined;
    const tenantIds = new Set<string>();
    for (const a of pick(data.associations, associationsByPartner, [partnerId])) {
      const s = data.subscriptions.get(a.subscriptionId);
      if (s) tenantIds.add(s.tenantId);
    }
    const ownSubscriptions: Subscription[] = pick(subscriptions, subscriptionsByTenant, tenantIds);
    const subscriptionIds = ownSubscriptions.map((s) => s.id);
    const associations: Row<'associations'>[] = pick(data.associations, associationsBySubscription, subscriptionIds);
    const ownPeople = pick(people, peopleByPartner, [partnerId]);
    const personIds = ownPeople.map(([id]) => id);
    const tenants = [...tenantIds]
      .filter((id) => data.tenants.has(id))
      .sort((a, b) => tenantPosition.get(a)! - tenantPosition.get(b)!)
      .map((id) => [id, data.tenants.get(id)!] as const);
    return {
      partners: new Map([[partnerId, partner]]),
      tenants: new Map(tenants),
      subscriptions: new Map(ownSubscriptions.map((s) => [s.id, s])),
      billing: pick(data.billing, billingBySubscription, subscriptionIds),
      seats: pick(data.seats, seatsBySubscription, subscriptionIds),
      usage: pick(data.usage, usageByTenant, tenantIds),
      instances: pick(data.instances, instancesByTenant, tenantIds),
      associations,
      people: new Map(ownPeople),
      examPasses: pick(data.examPasses, passesByPerson, personIds),
      certificationsHeld: pick(data.certificationsHeld, heldByPerson, personIds),
      baselines: pick(data.baselines, baselinesByPartner, [partnerId]),
      enrolments: new Map(data.enrolments.has(partnerId) ? [[partnerId, data.enrolments.get(partnerId)!]] : []),
    };
  };
}
