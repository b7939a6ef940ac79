// Frozen oracle for issue 19: src/engine/scoring/score.ts as of main d9d038a, copied verbatim (imports repointed). Do not optimise.
/**
 * Scores one partner under one scored version, as of an evaluation month M:
 * its segment (market or track), then per path every metric's value, the
 * value for full points, the points earned and possible, what the next point
 * costs; the path's total and band; the partner's band, the best of its paths.
 * Pure: the dataset and the version come in, the report goes out.
 */
import { type IsoDate, daysInMonth } from '../../src/engine/calendar.js';
import { monthText, type MonthIndex } from '../../src/engine/scoring/months.js';
import { nextValue, pointsOf, valueForPoints, type PointsRule } from '../../src/engine/scoring/points.js';
import {
  add,
  ceil,
  compare,
  div,
  max as maxOf,
  mul,
  parseRational,
  rational,
  sub,
  toDecimalText,
  ZERO,
  type Rational,
} from '../../src/engine/scoring/rational.js';
import type { AssociationRule, ScoredMetricDefinition, ScoredVersionDefinition } from '../../src/engine/scoring/schema.js';
import type { ScoringDataset, Subscription } from '../../src/engine/scoring/dataset.js';

type Decimalish = number | string;
type PerSegment = Decimalish | Readonly<Record<string, Decimalish>>;

function exact(value: Decimalish): Rational {
  const r = parseRational(typeof value === 'number' ? String(value) : value);
  if (r === undefined) throw new RangeError(`not a decimal: ${value}`);
  return r;
}

/** The value for a segment; undefined when the definition gives none for it. */
export function forSegment(value: PerSegment | undefined, segment: string): Rational | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' || typeof value === 'string') return exact(value);
  const v = value[segment];
  return v === undefined ? undefined : exact(v);
}

export type MetricUnit = 'usd-cents' | 'customers' | 'people' | 'pairs' | 'percent' | 'deployments';

/** What the next point costs, in the thing the partner can change. */
export interface NextPoint {
  /** The metric's value that earns the next point. */
  readonly value: string;
  readonly points: string;
  /** How much more of the cost unit: cents, people, customers, active users, consumption… */
  readonly more: string;
  readonly costUnit: MetricUnit | 'active-users' | 'consumption';
}

export interface MetricScore {
  readonly id: string;
  readonly kind: ScoredMetricDefinition['kind'];
  readonly unit: MetricUnit;
  /** The measured value (cents for revenue; a percentage for growth), exact decimal text. */
  readonly value: string;
  /** The value for full points; null when the metric cannot score (no baseline, under the gate). */
  readonly full: string | null;
  readonly points: Rational;
  readonly max: Rational;
  readonly next?: NextPoint | undefined;
  /** Why the metric cannot score, or how it scored (anniversary option): codes, no words. */
  readonly note?: string | undefined;
  readonly details: Readonly<Record<string, string | number>>;
}

export interface PathScore {
  readonly id: string;
  readonly metrics: readonly MetricScore[];
  readonly total: Rational;
  /** The highest band reached, or null. */
  readonly band: string | null;
  /** Metrics at or under the per-metric minimum: they keep the path from any band. */
  readonly belowMinimum: readonly string[];
  /** The next band and the points it needs; null at the top. */
  readonly nextBand: { readonly id: string; readonly pointsNeeded: Rational } | null;
  /** Ways to the next band through one metric alone: the value that metric needs and what it costs (definition order; units differ). */
  readonly routes: readonly ({ readonly metric: string } & NextPoint)[];
  /** For each metric keeping the path from any band: its next point (null when it cannot score, e.g. under its gate). */
  readonly toMinimum: readonly { readonly metric: string; readonly next: NextPoint | null }[];
}

export interface ScoreReport {
  readonly version: IsoDate;
  readonly partnerId: string;
  readonly month: string;
  readonly segment: string;
  readonly paths: readonly PathScore[];
  /** The best band of any path. */
  readonly band: string | null;
}

/** The indexes one evaluation reads: associations by subscription, subscriptions by tenant, usage by tenant. */
class Index {
  readonly associationsBySubscription = new Map<string, ScoringDataset['associations'][number][]>();
  readonly subscriptionsByTenant = new Map<string, Subscription[]>();
  readonly usage = new Map<string, Rational>();
  readonly seats = new Map<string, number>();

  constructor(readonly data: ScoringDataset) {
    for (const a of data.associations) push(this.associationsBySubscription, a.subscriptionId, a);
    for (const s of data.subscriptions.values()) push(this.subscriptionsByTenant, s.tenantId, s);
    for (const u of data.usage) {
      const key = `${u.tenantId}\u0000${u.workload}\u0000${u.month}`;
      this.usage.set(key, add(this.usage.get(key) ?? ZERO, exact(u.units)));
    }
    for (const s of data.seats) {
      const key = `${s.subscriptionId}\u0000${s.month}`;
      this.seats.set(key, (this.seats.get(key) ?? 0) + s.paidSeats);
    }
  }

  /** The partners credited for a subscription in a month: eligible holders, less those a present type displaces. */
  credited(subscriptionId: string, month: MonthIndex, rule: AssociationRule): Set<string> {
    const subscription = this.data.subscriptions.get(subscriptionId);
    if (!subscription?.paid) return new Set();
    const holding = (this.associationsBySubscription.get(subscriptionId) ?? []).filter(
      (a) => a.from <= month && (a.to === null || month <= a.to) && rule.eligible.includes(a.type),
    );
    const present = new Set(holding.map((a) => a.type));
    const displaced = new Set<string>();
    for (const d of rule.displaces) if (d.by.some((t) => present.has(t))) for (const t of d.over) displaced.add(t);
    return new Set(holding.filter((a) => !displaced.has(a.type)).map((a) => a.partnerId));
  }

  /** Whether the partner is credited, in that month, on a subscription of the tenant to one of the products. */
  creditedOnTenant(partnerId: string, tenantId: string, products: ReadonlySet<string>, month: MonthIndex, rule: AssociationRule): boolean {
    return (this.subscriptionsByTenant.get(tenantId) ?? []).some(
      (s) => products.has(s.product) && this.credited(s.id, month, rule).has(partnerId),
    );
  }

  tenantsCredited(partnerId: string, products: ReadonlySet<string>, month: MonthIndex, rule: AssociationRule): string[] {
    return [...this.subscriptionsByTenant.keys()].filter((t) => this.creditedOnTenant(partnerId, t, products, month, rule));
  }

  usageOf(tenantId: string, workload: string, month: MonthIndex): Rational {
    return this.usage.get(`${tenantId}\u0000${workload}\u0000${month}`) ?? ZERO;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The last day of a month: the date certifications are held on for month M. */
export function lastDayOf(month: MonthIndex): IsoDate {
  const text = monthText(month);
  const [y, m] = text.split('-').map(Number) as [number, number];
  return `${text}-${String(daysInMonth(y, m)).padStart(2, '0')}` as IsoDate;
}

interface Measure {
  readonly value: Rational;
  readonly full: Rational | undefined;
  readonly unit: MetricUnit;
  readonly granularity: Rational;
  readonly note?: string;
  readonly details: Record<string, string | number>;
  /** The cost of reaching a target value, in what the partner changes; the value's own difference when absent. */
  readonly cost?: (target: Rational) => { more: Rational; unit: NextPoint['costUnit'] };
}

/** Scores a partner as of month M under a version. */
export function scorePartner(version: ScoredVersionDefinition, data: ScoringDataset, partnerId: string, month: MonthIndex): ScoreReport {
  const index = new Index(data);
  const segment = segmentOf(version, index, partnerId, month);
  const workloads = new Map(version.workloads.map((w) => [w.id, w]));
  const productsOf = (ids: readonly string[]): Set<string> => new Set(ids.flatMap((id) => [id, ...(workloads.get(id)?.products ?? [])]));
  const rateOf = (workload: string): Rational => {
    const rate = workloads.get(workload)?.rate;
    return rate === undefined ? ZERO : exact(rate);
  };
  const asOf = lastDayOf(month);
  const certified = (certifications: readonly string[]): number => certifiedPeople(version, data, partnerId, certifications, asOf);

  const paths = version.paths.map((path): PathScore => {
    const measure = (metric: ScoredMetricDefinition, segment: string): Measure => {
      const full = forSegment(metric.points.full, segment);
      const one = rational(1);
      switch (metric.kind) {
        case 'revenue-sum': {
          const products = productsOf(metric.products);
          let cents = 0n;
          let lines = 0;
          for (const line of data.billing) {
            if (line.month < month + metric.window.from || line.month > month + metric.window.to) continue;
            const s = data.subscriptions.get(line.subscriptionId);
            if (!s || !products.has(s.product)) continue;
            if (s.channel !== undefined && metric.firstAgreementYearOnly.includes(s.channel)) {
              if (s.agreementStart === undefined || line.month < s.agreementStart || line.month > s.agreementStart + 11) continue;
            }
            if (!index.credited(s.id, line.month, metric.associations).has(partnerId)) continue;
            cents += BigInt(line.cents);
            lines++;
          }
          return {
            value: rational(cents),
            full: full && mul(full, rational(100)),
            unit: 'usd-cents',
            granularity: one,
            details: { lines },
          };
        }
        case 'net-customer-adds': {
          const products = productsOf(metric.products);
          const first = month + metric.window.from;
          const last = month + metric.window.to;
          let adds = 0;
          let losses = 0;
          for (const [tenant, subscriptions] of index.subscriptionsByTenant) {
            const relevant = subscriptions.filter((s) => products.has(s.product));
            if (relevant.length === 0) continue;
            const seatsIn = (m: MonthIndex): number => relevant.reduce((n, s) => n + (index.seats.get(`${s.id}\u0000${m}`) ?? 0), 0);
            let lastAdd: MonthIndex | undefined;
            for (let m = first - 12; m <= last; m++) {
              const before = seatsIn(m - 1);
              const now = seatsIn(m);
              const credited = index.creditedOnTenant(partnerId, tenant, products, m, metric.associations);
              if (before === 0 && now > 0 && credited) {
                lastAdd = m;
                if (m >= first) adds++;
              } else if (before > 0 && now === 0 && m >= first) {
                const loses = metric.losses === 'all-associated' ? credited : lastAdd !== undefined && lastAdd >= m - 12;
                if (loses) losses++;
              }
            }
          }
          return { value: rational(adds - losses), full, unit: 'customers', granularity: one, details: { adds, losses } };
        }
        case 'pair-count-change': {
          const threshold = forSegment(metric.unitThreshold, segment) ?? ZERO;
          const unitValue = metric.measure === 'revenue' ? mul(threshold, rational(100)) : threshold;
          const countAt = (m: MonthIndex): number => {
            let n = 0;
            for (const [tenant, subscriptions] of index.subscriptionsByTenant) {
              for (const w of metric.workloads) {
                const products = productsOf([w]);
                let amount = ZERO;
                if (metric.measure === 'revenue') {
                  const ids = new Set(
                    subscriptions
                      .filter((s) => products.has(s.product) && index.credited(s.id, m, metric.associations).has(partnerId))
                      .map((s) => s.id),
                  );
                  if (ids.size === 0) continue;
                  for (const line of data.billing)
                    if (line.month === m && ids.has(line.subscriptionId)) amount = add(amount, rational(line.cents));
                } else {
                  if (!index.creditedOnTenant(partnerId, tenant, products, m, metric.associations)) continue;
                  amount = mul(index.usageOf(tenant, w, m), rateOf(w));
                }
                const c = compare(amount, unitValue);
                if (metric.compare === 'at-least' ? c >= 0 : c > 0) n++;
              }
            }
            return n;
          };
          const now = countAt(month + metric.current);
          const then = countAt(month + metric.baseline);
          return { value: rational(now - then), full, unit: 'pairs', granularity: one, details: { current: now, baseline: then } };
        }
        case 'certified-count':
          return { value: rational(certified(metric.certifications)), full, unit: 'people', granularity: one, details: {} };
        case 'headcount-growth': {
          const of = path.metrics.find((m) => m.id === metric.of);
          const now = of?.kind === 'certified-count' ? certified(of.certifications) : 0;
          const value = rational(now);
          const people = (m: MonthIndex | undefined): Measure => ({
            value,
            full: undefined,
            unit: 'people',
            granularity: one,
            details: { current: now },
            note: m === undefined ? 'noBaseline' : 'belowMinimumBaseline',
          });
          // A partner's records of this metric: those naming its path (`path/metric`) if any, else those naming the metric alone.
          const qualified = `${path.id}/${metric.id}`;
          const mine = data.baselines.filter((b) => b.partnerId === partnerId && b.metric === qualified);
          const records = mine.length > 0 ? mine : data.baselines.filter((b) => b.partnerId === partnerId && b.metric === metric.id);
          const option = metric.anniversaryOption;
          if (option) {
            const needed = forSegment(option.people, segment);
            const held = records.find(
              (b) =>
                b.kind === 'anniversary' &&
                b.date <= asOf &&
                asOf < addMonthsToDate(b.date, option.months) &&
                needed !== undefined &&
                compare(rational(b.count), needed) >= 0,
            );
            if (held)
              return {
                value,
                full: ZERO,
                unit: 'people',
                granularity: one,
                note: 'anniversaryOption',
                details: { current: now, anniversary: held.date, atAnniversary: held.count },
              };
          }
          const baseline = records
            .filter((b) => b.kind === 'baseline' && b.date <= asOf)
            .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))[0];
          if (!baseline) return people(undefined);
          const minimum = forSegment(metric.minimumBaseline, segment);
          const base = rational(baseline.count);
          if (minimum === undefined || compare(base, minimum) < 0)
            return { ...people(0), details: { current: now, baseline: baseline.count, baselineDate: baseline.date } };
          let growth: Rational | undefined;
          let found = false;
          for (const row of metric.rows) {
            const from = forSegment(row.from, segment);
            if (from !== undefined && compare(base, from) >= 0) {
              growth = row.growthPercent === null ? undefined : exact(row.growthPercent);
              found = true;
            }
          }
          if (!found || growth === undefined)
            return {
              value,
              full: undefined,
              unit: 'people',
              granularity: one,
              note: 'noGrowthRow',
              details: { current: now, baseline: baseline.count, baselineDate: baseline.date },
            };
          const required = rational(ceil(mul(base, add(one, div(growth, rational(100))))));
          return {
            value,
            full: required,
            unit: 'people',
            granularity: one,
            details: { current: now, baseline: baseline.count, baselineDate: baseline.date, growthPercent: toDecimalText(growth) },
          };
        }
        case 'growth-ratio': {
          const products = productsOf(metric.workloads);
          const usageAt = (tenants: readonly string[], m: MonthIndex): Rational =>
            tenants.reduce(
              (sum, t) =>
                metric.workloads.reduce((s, w) => add(s, mul(index.usageOf(t, w, m), metric.measure === 'mau' ? one : rateOf(w))), sum),
              ZERO,
            );
          const nowTenants = index.tenantsCredited(partnerId, products, month + metric.current, metric.associations);
          const thenTenants =
            metric.cohort === 'each-month'
              ? index.tenantsCredited(partnerId, products, month + metric.baseline, metric.associations)
              : nowTenants;
          const current = usageAt(nowTenants, month + metric.current);
          const base = usageAt(thenTenants, month + metric.baseline);
          const gate = forSegment(metric.baselineGate, segment) ?? ZERO;
          const details = { current: toDecimalText(current), baseline: toDecimalText(base), gate: toDecimalText(gate) };
          const unit = metric.measure === 'mau' ? 'active-users' : 'consumption';
          if (compare(base, gate) < 0 || compare(base, ZERO) <= 0)
            return { value: ZERO, full: undefined, unit: 'percent', granularity: rational(1, 100), note: 'underBaselineGate', details };
          const growth = div(mul(sub(current, base), rational(100)), base);
          return {
            value: growth,
            full,
            unit: 'percent',
            granularity: rational(1, 100),
            details,
            cost: (target) => ({ more: maxOf(ZERO, sub(rational(ceil(mul(base, add(one, div(target, rational(100)))))), current)), unit }),
          };
        }
        case 'usage-crossings': {
          const products = productsOf(metric.workloads);
          const threshold = forSegment(metric.usageThreshold, segment) ?? ZERO;
          const usage = (t: string, m: MonthIndex): Rational => metric.workloads.reduce((s, w) => add(s, index.usageOf(t, w, m)), ZERO);
          let count = 0;
          let tenants = 0;
          for (const t of index.tenantsCredited(partnerId, products, month, metric.associations)) {
            if (compare(usage(t, month + metric.baseline), threshold) >= 0) continue;
            let crossed = false;
            for (let m = month + metric.crossing.from; m <= month + metric.crossing.to; m++)
              if (compare(usage(t, m), threshold) >= 0) crossed = true;
            if (!crossed) continue;
            tenants++;
            count +=
              metric.count === 'tenants'
                ? 1
                : data.instances.filter((i) => i.tenantId === t && i.production && i.group === metric.instanceGroup).length;
          }
          return { value: rational(count), full, unit: 'deployments', granularity: one, details: { tenants } };
        }
      }
    };

    const scored = path.metrics.map((metric): { score: MetricScore; rule: PointsRule; m: Measure } => {
      // Added with PCI 2021-03-26: a metric may read its market by its own rule (partner or customer location).
      const own = metric.segmentation === undefined ? segment : segmentOf(version, index, partnerId, month, metric.segmentation);
      const m = measure(metric, own);
      const rule: PointsRule = {
        max: exact(metric.points.max),
        partial: metric.points.partial,
        perUnit: forSegment(metric.points.perUnit, own),
        clampAtZero: metric.points.clampAtZero,
        rounding: { mode: metric.points.rounding.mode, step: exact(metric.points.rounding.step) },
      };
      const points = pointsOf(rule, m.value, m.full);
      const target = nextValue(rule, m.value, m.full, m.granularity);
      let next: NextPoint | undefined;
      if (target !== undefined) {
        const cost = m.cost ? m.cost(target) : { more: sub(target, m.value), unit: m.unit };
        next = {
          value: toDecimalText(target, 4),
          points: toDecimalText(pointsOf(rule, target, m.full), 4),
          more: toDecimalText(cost.more, 4),
          costUnit: cost.unit,
        };
      }
      const score: MetricScore = {
        id: metric.id,
        kind: metric.kind,
        unit: m.unit,
        value: toDecimalText(m.value, 4),
        full: m.full === undefined ? null : toDecimalText(m.full, 4),
        points,
        max: rule.max,
        next,
        note: m.note,
        details: m.details,
        ...(own === segment ? {} : { segment: own }),
      };
      return { score, rule, m };
    });
    const metrics = scored.map((x) => x.score);
    /** What earning `target` points in one metric costs, as the next point's cost is said. */
    const costTo = ({ rule, m }: (typeof scored)[number], target: Rational): NextPoint | undefined => {
      const value = valueForPoints(rule, m.full, target, m.granularity);
      if (value === undefined) return undefined;
      const cost = m.cost ? m.cost(value) : { more: sub(value, m.value), unit: m.unit };
      return {
        value: toDecimalText(value, 4),
        points: toDecimalText(pointsOf(rule, value, m.full), 4),
        more: toDecimalText(cost.more, 4),
        costUnit: cost.unit,
      };
    };
    const total = metrics.reduce((sum, m) => add(sum, m.points), ZERO);
    const minimum = version.minimumPerMetric;
    const belowMinimum = minimum
      ? metrics
          .filter((m) => {
            const c = compare(m.points, exact(minimum.points));
            return minimum.strict ? c <= 0 : c < 0;
          })
          .map((m) => m.id)
      : [];
    const bands = [...version.bands].sort((a, b) => compare(exact(a.from), exact(b.from)));
    const reached = belowMinimum.length > 0 ? [] : bands.filter((b) => compare(total, exact(b.from)) >= 0);
    const band = reached.at(-1)?.id ?? null;
    const above = bands.find((b) => compare(total, exact(b.from)) < 0);
    const nextBand = above ? { id: above.id, pointsNeeded: sub(exact(above.from), total) } : null;
    // Single-metric routes to the next band: the points it needs, earned in one metric, where that metric has room for them.
    const routes = nextBand
      ? scored.flatMap((x) => {
          const cost = costTo(x, add(x.score.points, nextBand.pointsNeeded));
          return cost ? [{ metric: x.score.id, ...cost }] : [];
        })
      : [];
    // What lifts each metric at or under the minimum: its next point.
    const toMinimum = scored
      .filter((x) => belowMinimum.includes(x.score.id))
      .map((x) => ({ metric: x.score.id, next: x.score.next ?? null }));
    return { id: path.id, metrics, total, band, belowMinimum, nextBand, routes, toMinimum };
  });

  const rank = (band: string | null): number =>
    band === null ? -1 : [...version.bands].sort((a, b) => compare(exact(a.from), exact(b.from))).findIndex((b) => b.id === band);
  const best = paths.reduce<string | null>((acc, p) => (rank(p.band) > rank(acc) ? p.band : acc), null);
  return { version: version.effectiveFrom, partnerId, month: monthText(month), segment, paths, band: best };
}

function addMonthsToDate(date: IsoDate, months: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const i = y * 12 + (m - 1) + months;
  const year = Math.floor(i / 12);
  const month = i - year * 12 + 1;
  const day = Math.min(d, daysInMonth(year, month));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` as IsoDate;
}

/** People of the partner holding one of the certifications on the date, each counted once. */
export function certifiedPeople(
  version: ScoredVersionDefinition,
  data: ScoringDataset,
  partnerId: string,
  certifications: readonly string[],
  asOf: IsoDate,
): number {
  const exams = new Map(version.exams.map((e) => [e.id, e]));
  const catalog = new Map(version.certifications.map((c) => [c.id, c]));
  const counts = (exam: string, date: IsoDate): boolean => {
    const e = exams.get(exam);
    if (date > asOf) return false;
    if (e?.retires !== undefined && date > e.retires) return false;
    if (e?.acceptedUntil !== undefined && asOf > e.acceptedUntil) return false;
    return true;
  };
  const passesBy = new Map<string, Set<string>>();
  for (const p of data.examPasses)
    if (counts(p.exam, p.date)) passesBy.set(p.personId, (passesBy.get(p.personId) ?? new Set()).add(p.exam));
  let n = 0;
  for (const [personId, person] of data.people) {
    if (person.partnerId !== partnerId) continue;
    const passed = passesBy.get(personId) ?? new Set<string>();
    const holds = certifications.some((id) => {
      const c = catalog.get(id);
      if (c?.eligibleUntil !== undefined && asOf > c.eligibleUntil) return false;
      const held = data.certificationsHeld.some(
        (h) => h.personId === personId && h.certification === id && h.date <= asOf && (h.expires === undefined || asOf <= h.expires),
      );
      const earned = (c?.alternatives ?? []).some((sets) =>
        sets.every((s) => s.exams.filter((e) => passed.has(e)).length >= (s.minimum ?? s.exams.length)),
      );
      return held || earned;
    });
    if (holds) n++;
  }
  return n;
}

/** The partner's segment as of M: its market (by its country or its customers') or its track (by its customers' workloads). */
export function segmentOf(
  version: ScoredVersionDefinition,
  index: Index,
  partnerId: string,
  month: MonthIndex,
  s: ScoredVersionDefinition['segmentation'] = version.segmentation,
): string {
  const data = index.data;
  if (s.kind === 'market') {
    const own = version.countries[data.partners.get(partnerId)?.country ?? ''] ?? '';
    if (s.rule === 'partner-country' || s.preferred === undefined) return own;
    const any = { eligible: version.associationTypes, displaces: [] };
    const allProducts = new Set(version.workloads.flatMap((w) => [w.id, ...w.products]));
    const tenants = index.tenantsCredited(partnerId, allProducts, month, any);
    const markets = new Set(tenants.flatMap((t) => version.countries[data.tenants.get(t)?.country ?? ''] ?? []));
    if (markets.has(s.preferred)) return s.preferred;
    // Customers all in one other market decide it; with none (or several others), the partner's own country does.
    return s.rule === 'customer-markets' && markets.size === 1 ? [...markets][0]! : own;
  }
  const workloads = new Map(version.workloads.map((w) => [w.id, w]));
  const limit = mul(exact(s.moreThanUsd), rational(100));
  const perTenant = new Map<string, number>();
  for (const [tenant, subscriptions] of index.subscriptionsByTenant) {
    for (const w of s.workloads) {
      const products = new Set([w, ...(workloads.get(w)?.products ?? [])]);
      const qualifies = s.months.every((k) => {
        const m = month + k;
        const ids = new Set(
          subscriptions.filter((x) => products.has(x.product) && index.credited(x.id, m, s.associations).has(partnerId)).map((x) => x.id),
        );
        let cents = 0n;
        for (const line of data.billing) if (line.month === m && ids.has(line.subscriptionId)) cents += BigInt(line.cents);
        return compare(rational(cents), limit) > 0;
      });
      if (qualifies) perTenant.set(tenant, (perTenant.get(tenant) ?? 0) + 1);
    }
  }
  const counts = [...perTenant.values()];
  const pairs = s.per === 'all-tenants' ? counts.reduce((a, b) => a + b, 0) : Math.max(0, ...counts);
  return pairs >= s.minimumPairs ? s.ifMet : s.otherwise;
}

export { Index as ScoringIndex };

/** Points for JSON: decimal text (four places) and the exact fraction ("20/3"). */
export interface JsonPoints {
  readonly decimal: string;
  readonly exact: string;
}

function jsonPoints(r: Rational): JsonPoints {
  return { decimal: toDecimalText(r, 4), exact: r.den === 1n ? r.num.toString() : `${r.num}/${r.den}` };
}

/** A score report as JSON can hold it: fractions as text, never floats. */
export function scoreReportJson(report: ScoreReport) {
  return {
    ...report,
    paths: report.paths.map((p) => ({
      ...p,
      total: jsonPoints(p.total),
      nextBand: p.nextBand && { id: p.nextBand.id, pointsNeeded: jsonPoints(p.nextBand.pointsNeeded) },
      metrics: p.metrics.map((m) => ({ ...m, points: jsonPoints(m.points), max: jsonPoints(m.max) })),
    })),
  };
}
