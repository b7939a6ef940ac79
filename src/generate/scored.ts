/**
 * Issue 19: a scored population for benchmarks — partners with long-tailed
 * numbers of customers (tenants), their subscriptions, associations, monthly
 * billing, paid seats, usage, production instances, people with exam passes
 * or certifications held, and baselines; deterministic per seed. Pure: the
 * records come out; writing them (JSON or CSV) is the shell's business.
 */
import type { ScoredVersionDefinition } from '../engine/scoring/schema.js';
import type { ScoringRecords } from '../engine/scoring/dataset.js';
import { monthText, type MonthIndex } from '../engine/scoring/months.js';
import { mulberry32 } from './population.js';

export interface ScoredGenerateOptions {
  readonly partners: number;
  /** The evaluation month the history is laid out around (28 months back, through M). */
  readonly month: MonthIndex;
  readonly seed: number;
}

type Mutable<T> = { -readonly [K in keyof T]-?: T[K] extends readonly (infer U)[] | undefined ? U[] : never };

/** The records of a scored population valid under validateScoringRecords for the version's catalog. */
/** A generated population gives no enrolments: a partner's own fact, not a record its score is made of. */
export function generateScoredRecords(
  version: ScoredVersionDefinition,
  options: ScoredGenerateOptions,
): Mutable<Omit<ScoringRecords, 'enrolments'>> {
  const random = mulberry32(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const countries = Object.keys(version.countries);
  const workloads = version.workloads;
  const types = version.associationTypes;
  const exams = version.exams.map((e) => e.id);
  const certifications = version.certifications.map((c) => c.id);
  const metrics = version.paths.flatMap((p) => p.metrics.map((m) => ({ path: p.id, metric: m })));
  const groups = [
    ...new Set(metrics.flatMap(({ metric }) => ('instanceGroup' in metric && metric.instanceGroup ? [metric.instanceGroup] : []))),
  ];
  const M = options.month;
  const r: Mutable<Omit<ScoringRecords, 'enrolments'>> = {
    partners: [],
    tenants: [],
    subscriptions: [],
    billing: [],
    seats: [],
    usage: [],
    instances: [],
    associations: [],
    people: [],
    examPasses: [],
    certificationsHeld: [],
    baselines: [],
  };
  let billingId = 0;
  for (let p = 0; p < options.partners; p++) {
    const partnerId = `P${p}`;
    r.partners.push({ id: partnerId, country: pick(countries) });
    // Long tail, as the threshold generator: most partners have a few customers, a few have hundreds.
    const tenants = Math.min(400, 1 + Math.floor(1.5 / Math.pow(random() + 0.004, 0.8)));
    for (let t = 0; t < tenants; t++) {
      const tenantId = `${partnerId}-T${t}`;
      r.tenants.push({ id: tenantId, country: pick(countries) });
      const workload = pick(workloads);
      const product = workload.products.length > 0 && random() < 0.5 ? pick(workload.products) : workload.id;
      const subscriptionId = `${tenantId}-S0`;
      const start = M - Math.floor(random() * 28);
      r.subscriptions.push({ id: subscriptionId, tenantId, product, paid: random() < 0.95 });
      r.associations.push({
        partnerId,
        subscriptionId,
        type: pick(types),
        from: monthText(start),
        to: random() < 0.15 ? monthText(start + Math.floor(random() * 20)) : null,
      });
      const monthly = Math.floor(Math.pow(random(), 3) * 2_000_000);
      const seats = 1 + Math.floor(random() * 50);
      const users = Math.floor(Math.pow(random(), 2) * 3000);
      const ends = random() < 0.1 ? start + Math.floor(random() * 20) : M;
      for (let m = Math.max(start, M - 28); m <= Math.min(ends, M); m++) {
        r.billing.push({
          id: `B${billingId++}`,
          subscriptionId,
          month: monthText(m),
          amountUsd: (Math.floor(monthly * (0.8 + random() * 0.4)) / 100).toFixed(2),
        });
        r.seats.push({ subscriptionId, month: monthText(m), paidSeats: seats });
        r.usage.push({ tenantId, workload: workload.id, month: monthText(m), units: Math.floor(users * (0.7 + random() * 0.6)) });
      }
      if (groups.length > 0 && random() < 0.2)
        r.instances.push({ id: `${tenantId}-I0`, tenantId, group: pick(groups), production: random() < 0.8 });
    }
    const people = Math.floor(tenants * random() * 2);
    for (let h = 0; h < people; h++) {
      const personId = `${partnerId}-H${h}`;
      r.people.push({ id: personId, partnerId });
      const date = `${monthText(M - Math.floor(random() * 30))}-15`;
      if (certifications.length > 0 && random() < 0.5) r.certificationsHeld.push({ personId, certification: pick(certifications), date });
      else if (exams.length > 0) {
        // Two passes on one day, of two exams: the same exam twice that day is one pass (a store keeps one per
        // person, exam and date, and refuses a file that repeats it).
        const [first, second] = [pick(exams), pick(exams)];
        r.examPasses.push({ personId, exam: first, date });
        if (second !== first) r.examPasses.push({ personId, exam: second, date });
      }
    }
    for (const { path, metric } of metrics)
      if (metric.kind === 'headcount-growth' && random() < 0.6)
        r.baselines.push({
          partnerId,
          metric: `${path}/${metric.id}`,
          kind: 'baseline',
          date: `${monthText(M - 12)}-01`,
          count: Math.floor(random() * 40),
        });
  }
  return r;
}
