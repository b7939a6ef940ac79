/**
 * Random scored records for property tests (issue 19): small datasets relative to an evaluation month M,
 * drawn from each bundled version's own products, association types, exams and certifications so that
 * its metrics do score. Shared by the prepared-scoring and the batch tests.
 */
import fc from 'fast-check';
import { monthText, type ScoredVersionDefinition, type ScoringRecords } from '../../src/engine/index.js';
import { readScoredDefinitions } from '../../src/files/scored-files.js';

const read = readScoredDefinitions();
if (!read.ok) throw new Error('the bundled scored definitions do not read');
export const versions: readonly ScoredVersionDefinition[] = read.versions;

const allMetrics = versions.flatMap((v) => v.paths.flatMap((p) => p.metrics.map((m) => ({ path: p.id, metric: m }))));
const countries = [...new Set(['US', 'IN', 'FR', 'TW', ...versions.flatMap((v) => Object.keys(v.countries))])];
const exams = [...new Set(versions.flatMap((v) => v.exams.map((e) => e.id)))];
const certifications = [...new Set(versions.flatMap((v) => v.certifications.map((c) => c.id)))];
const channels = [
  ...new Set([
    'CSP',
    'EA',
    ...allMetrics.flatMap(({ metric }) => ('firstAgreementYearOnly' in metric ? metric.firstAgreementYearOnly : [])),
  ]),
];
const groups = [
  ...new Set([
    'prod',
    ...allMetrics.flatMap(({ metric }) => ('instanceGroup' in metric && metric.instanceGroup ? [metric.instanceGroup] : [])),
  ]),
];
const baselineMetrics = [...new Set(allMetrics.flatMap(({ path, metric }) => [metric.id, `${path}/${metric.id}`]))];

export const PARTNERS = ['P0', 'P1', 'P2'];
const TENANTS = ['T0', 'T1', 'T2', 'T3'];
const SUBSCRIPTIONS = 6;
const PEOPLE = 6;

// Months the bundled metrics read most (M, M-1, M-12, M-13) drawn often, so windows and baselines hold data.
const offset = fc.oneof(fc.constantFrom(0, -1, -12, -13), fc.integer({ min: -28, max: 3 }));
const amount = fc.oneof(
  fc.integer({ min: -2_000, max: 60_000 }),
  fc.integer({ min: -200_000, max: 6_000_000 }).map((c) => (c / 100).toFixed(2)),
);
const day = fc.integer({ min: 1, max: 28 }).map((d) => String(d).padStart(2, '0'));

/** Records relative to an evaluation month M (offsets in months), drawn from the version's own products and association types so its metrics do score. */
export function recordsArbFor(version: ScoredVersionDefinition) {
  const products = [...new Set(version.workloads.flatMap((w) => [w.id, ...w.products]))];
  const workloads = version.workloads.map((w) => w.id);
  const types = version.associationTypes;
  return fc.record({
    partners: fc.array(fc.constantFrom(...countries), { minLength: PARTNERS.length, maxLength: PARTNERS.length }),
    tenants: fc.array(fc.constantFrom(...countries), { minLength: TENANTS.length, maxLength: TENANTS.length }),
    subscriptions: fc.array(
      fc.record({
        tenant: fc.constantFrom(...TENANTS),
        product: fc.constantFrom(...products),
        paid: fc.boolean(),
        channel: fc.option(fc.constantFrom(...channels), { nil: undefined }),
        agreementStart: fc.option(offset, { nil: undefined }),
      }),
      { minLength: SUBSCRIPTIONS, maxLength: SUBSCRIPTIONS },
    ),
    billing: fc.array(fc.record({ s: fc.nat(SUBSCRIPTIONS - 1), m: offset, amount }), { maxLength: 40 }),
    seats: fc.array(fc.record({ s: fc.nat(SUBSCRIPTIONS - 1), m: offset, n: fc.nat(8) }), { maxLength: 20 }),
    usage: fc.array(
      fc.record({ t: fc.constantFrom(...TENANTS), w: fc.constantFrom(...workloads), m: offset, units: fc.integer({ min: 0, max: 5_000 }) }),
      { maxLength: 30 },
    ),
    instances: fc.array(fc.record({ t: fc.constantFrom(...TENANTS), group: fc.constantFrom(...groups), production: fc.boolean() }), {
      maxLength: 6,
    }),
    associations: fc.array(
      fc.record({
        p: fc.constantFrom(...PARTNERS),
        s: fc.nat(SUBSCRIPTIONS - 1),
        type: fc.constantFrom(...types),
        from: offset,
        length: fc.option(fc.nat(30), { nil: undefined }),
      }),
      { maxLength: 14 },
    ),
    people: fc.array(fc.constantFrom(...PARTNERS), { minLength: PEOPLE, maxLength: PEOPLE }),
    passes: fc.array(fc.record({ person: fc.nat(PEOPLE - 1), exam: fc.constantFrom(...exams), m: offset, d: day }), { maxLength: 16 }),
    held: fc.array(
      fc.record({
        person: fc.nat(PEOPLE - 1),
        certification: fc.constantFrom(...certifications),
        m: offset,
        d: day,
        expires: fc.option(fc.nat(30), { nil: undefined }),
      }),
      { maxLength: 8 },
    ),
    baselines: fc.array(
      fc.record({
        p: fc.constantFrom(...PARTNERS),
        metric: fc.constantFrom(...baselineMetrics),
        kind: fc.constantFrom('baseline' as const, 'anniversary' as const),
        m: offset,
        d: day,
        count: fc.nat(40),
      }),
      { maxLength: 6 },
    ),
  });
}

export type Drawn = ReturnType<typeof recordsArbFor> extends fc.Arbitrary<infer T> ? T : never;

export function recordsAt(M: number, x: Drawn): ScoringRecords {
  const mt = (k: number): string => monthText(M + k);
  return {
    partners: PARTNERS.map((id, i) => ({ id, country: x.partners[i]! })),
    tenants: TENANTS.map((id, i) => ({ id, country: x.tenants[i]! })),
    subscriptions: x.subscriptions.map((s, i) => ({
      id: `S${i}`,
      tenantId: s.tenant,
      product: s.product,
      paid: s.paid,
      ...(s.channel === undefined ? {} : { channel: s.channel }),
      ...(s.agreementStart === undefined ? {} : { agreementStart: mt(s.agreementStart) }),
    })),
    billing: x.billing.map((b, i) => ({ id: `B${i}`, subscriptionId: `S${b.s}`, month: mt(b.m), amountUsd: b.amount })),
    seats: x.seats.map((s) => ({ subscriptionId: `S${s.s}`, month: mt(s.m), paidSeats: s.n })),
    usage: x.usage.map((u) => ({ tenantId: u.t, workload: u.w, month: mt(u.m), units: u.units })),
    instances: x.instances.map((i, k) => ({ id: `I${k}`, tenantId: i.t, group: i.group, production: i.production })),
    associations: x.associations.map((a) => ({
      partnerId: a.p,
      subscriptionId: `S${a.s}`,
      type: a.type,
      from: mt(a.from),
      to: a.length === undefined ? null : mt(a.from + a.length),
    })),
    people: x.people.map((partnerId, i) => ({ id: `H${i}`, partnerId })),
    examPasses: x.passes.map((p) => ({ personId: `H${p.person}`, exam: p.exam, date: `${mt(p.m)}-${p.d}` })),
    certificationsHeld: x.held.map((h) => ({
      personId: `H${h.person}`,
      certification: h.certification,
      date: `${mt(h.m)}-${h.d}`,
      ...(h.expires === undefined ? {} : { expires: `${mt(h.m + h.expires)}-${h.d}` }),
    })),
    baselines: x.baselines.map((b) => ({ partnerId: b.p, metric: b.metric, kind: b.kind, date: `${mt(b.m)}-${b.d}`, count: b.count })),
  } as ScoringRecords;
}
