/**
 * Leaf collections checked apart (src/engine/scoring/dataset.ts: `scoringCheckApart`, `leafProblems`): billing,
 * seats and usage, which no record names, checked one at a time against where the other collections' subscriptions
 * and tenants are, give exactly the problems one validation of all the records gives, in the same order and words.
 * A store importing a whole population checks them so, one at a time, instead of holding them all at once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LEAF_COLLECTIONS,
  leafProblems,
  recordLabel,
  scoringCatalogOf,
  scoringCheckApart,
  validateScoringRecords,
  type LeafCollection,
  type LeafProblems,
  type ScoringRecords,
} from '../src/engine/index.js';
import { versions } from './support/scored-records.js';

type Row = Record<string, unknown>;
const catalog = scoringCatalogOf(versions);
const pick = <T>(...values: T[]) => fc.constantFrom(...values);

/** Records of every collection from small pools of ids and values, good and bad: repeated ids, unknown references, bad shapes. */
const messyRecords: fc.Arbitrary<Record<string, unknown>> = (() => {
  const partner = pick('P1', 'P2', 'P-NOWHERE');
  const tenant = pick('T1', 'T2', 'T-NOWHERE');
  const subscription = pick('S1', 'S2', 'S-NOWHERE');
  const person = pick('PER1', 'PER2', 'PER-NOWHERE');
  const month = pick<unknown>('2020-01', '2022-06', '2023-13', 7);
  const date = pick('2020-01-15', '2023-02-30', '0000-01-01');
  const amount = fc.oneof(
    pick('12.50', '-30', '0.001', 'lots', '90071992547409.91', '-90071992547409.91'),
    fc.integer({ min: -1000, max: 1000 }),
  );
  const units = fc.oneof(pick('3', '2.5', '0.0001', '-1', '9007199254740991', '1e3', 'x'), fc.nat(1000));
  const extra = fc.option(pick({ extra: 1 }, { id: '' }), { nil: undefined });
  const withExtra = (record: fc.Arbitrary<Row>) => fc.tuple(record, extra).map(([r, e]) => ({ ...r, ...e }));
  // Now and then something that is no record at all.
  const junk = pick<unknown>(null, 7, 'text', [], [{ id: 'B1' }]);
  const list = (record: fc.Arbitrary<Row>) =>
    fc.array(fc.oneof({ arbitrary: withExtra(record), weight: 12 }, { arbitrary: junk, weight: 1 }), { maxLength: 6 });
  const workload = pick(...[...catalog.workloads].slice(0, 2), 'NOPE');
  const product = pick(...[...catalog.products].slice(0, 2), 'NOPE');
  const collections = {
    partners: list(fc.record({ id: pick('P1', 'P2'), country: pick('US', 'IN', 'XX') })),
    tenants: list(fc.record({ id: pick('T1', 'T2', 'T\u0000'), country: pick('US', 'XX') })),
    subscriptions: list(fc.record({ id: pick('S1', 'S2'), tenantId: tenant, product, paid: fc.oneof(fc.boolean(), pick('yes')) })),
    billing: fc.oneof(
      list(fc.record({ id: pick('B1', 'B2', 'B3', 'B\ud800'), subscriptionId: subscription, month, amountUsd: amount })),
      pick('not a list'),
    ),
    seats: list(fc.record({ subscriptionId: subscription, month, paidSeats: fc.oneof(fc.nat(50), pick(-1, 2_000_000_000, 2 ** 52)) })),
    usage: list(fc.record({ tenantId: tenant, workload, month, units })),
    instances: list(fc.record({ id: pick('I1', 'I1'), tenantId: tenant, group: pick('prod'), production: fc.boolean() })),
    associations: list(
      fc.record({
        partnerId: partner,
        subscriptionId: subscription,
        type: pick(...[...catalog.associationTypes].slice(0, 2), 'NOPE'),
        from: month,
      }),
    ),
    people: list(fc.record({ id: pick('PER1', 'PER2'), partnerId: partner })),
    examPasses: list(fc.record({ personId: person, exam: pick('MB-200'), date })),
    enrolments: list(fc.record({ partnerId: partner, legacy: fc.boolean() })),
  };
  return fc
    .record(collections, { requiredKeys: [] })
    .chain((records) => fc.boolean().map((unknown) => (unknown ? { ...records, nonsense: [] } : records)));
})();

/** The problems of `records` with each leaf collection that is a list checked apart, as a store importing them does. */
function apartProblems(records: Record<string, unknown>) {
  const rest: Record<string, unknown> = { ...records };
  const leaves: [LeafCollection, readonly unknown[]][] = [];
  for (const name of LEAF_COLLECTIONS) {
    const list = records[name];
    if (!Array.isArray(list)) continue;
    leaves.push([name, list]);
    delete rest[name];
  }
  const check = scoringCheckApart(rest as ScoringRecords, catalog, recordLabel);
  const found: Partial<Record<LeafCollection, LeafProblems>> = {};
  // Checked in reverse: the order they are checked in is not the order they are listed in.
  for (const [name, list] of leaves.reverse()) found[name] = leafProblems(name, list, catalog, recordLabel, check.references);
  return check.problems(found);
}

describe('leaf collections checked apart', () => {
  it('give the problems of one validation of all the records, in its order', () => {
    fc.assert(
      fc.property(messyRecords, (records) => {
        const whole = validateScoringRecords(records as ScoringRecords, catalog);
        expect(apartProblems(records)).toEqual(whole.ok ? [] : whole.problems);
      }),
      { numRuns: 600 },
    );
  });

  it('find every kind of leaf problem in its place: shape, repeated id, reference, amount, workload, units and sums', () => {
    const records = {
      partners: [{ id: 'P1', country: 'XX' }],
      tenants: [{ id: 'T1', country: 'US' }],
      subscriptions: [{ id: 'S1', tenantId: 'T1', product: [...catalog.products][0]!, paid: true }],
      billing: [
        { id: 'B1', subscriptionId: 'S1', month: '2023-01', amountUsd: 'lots' },
        { id: 'B1', subscriptionId: 'S9', month: '2023-01', amountUsd: '90071992547409.91' },
        { id: 'B2', subscriptionId: 'S1', month: '2023-13', amountUsd: '1' },
        { id: 'B3', subscriptionId: 'S1', month: '2023-01', amountUsd: '90071992547409.91' },
      ],
      seats: [{ subscriptionId: 'S9', month: '2023-01', paidSeats: 2 }],
      usage: [
        { tenantId: 'T1', workload: 'NOPE', month: '2023-01', units: '0.0001' },
        { tenantId: 'T1', workload: [...catalog.workloads][0]!, month: '2023-01', units: '9007199254740991' },
      ],
      people: [{ id: 'PER1', partnerId: 'P9' }],
    };
    const problems = apartProblems(records);
    expect(problems.map((p) => `${p.record} ${p.field} ${p.code}`)).toEqual([
      'billing[2] (id B2) month notMonth',
      'billing[1] (id B1) id duplicateId',
      'partners[0] (id P1) country notMarketCountry',
      'billing[0] (id B1) amountUsd notDecimalNumber',
      'billing[1] (id B1) subscriptionId unknownReference',
      'dataset billing scoringSumTooLarge',
      'seats[0] subscriptionId unknownReference',
      'usage[0] workload notProgramProduct',
      'usage[0] units usageTooPrecise',
      'people[0] (id PER1) partnerId unknownReference',
    ]);
    const whole = validateScoringRecords(records as ScoringRecords, catalog);
    expect(whole.ok ? [] : whole.problems).toEqual(problems);
  });
});
