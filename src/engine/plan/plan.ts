/**
 * Closing the gap to a level: for each target (an option's level), the
 * smallest new revenue that closes every revenue shortfall, the fewest exam
 * passes that bring every people requirement to N, and the partner's
 * customers whose revenue counts for nobody because no DPOR covered it.
 */
import { dayNumberOf, ttmWindow, type IsoDate, type TtmWindow } from '../calendar.js';
import { centsToDollars } from '../money.js';
import type { PreparedData, PreparedDataset } from '../evaluation/prepare.js';
import { judgePartner, measurePartner, requirementCents } from '../evaluation/evaluate.js';
import type { OptionEvaluation, PartnerEvaluation } from '../evaluation/report.js';
import type { CertifiedPeopleRequirement, Competency, Level, Option, RevenueRequirement, RevenueScope } from '../program/model.js';
import { solveCovering } from './covering.js';
import { planPeople, type ExamAssignment, type PeoplePlan } from './people.js';

export interface Target {
  readonly competency: string;
  readonly option: string;
  readonly level: string;
}

export interface RevenueGap {
  readonly requirement: string;
  /** US dollars still missing. */
  readonly shortfall: number;
  /** Products whose revenue counts for it (components included). */
  readonly products: readonly string[];
  readonly netNewOnly: boolean;
}

/** New revenue to book: an amount from any of these products, counting in every requirement it closes. */
export interface Sale {
  readonly amount: number;
  readonly products: readonly string[];
  /** Whether it must be net new revenue to count where planned. */
  readonly netNew: boolean;
  readonly closes: readonly string[];
}

export interface TargetPlan extends Target {
  readonly met: boolean;
  readonly revenue: readonly RevenueGap[];
  /** The smallest total, in US dollars, that closes every revenue shortfall at once. */
  readonly revenueToClose: number;
  readonly sales: readonly Sale[];
  readonly exams: {
    readonly additionalPasses: number;
    readonly newPeople: number;
    /** False when some people requirement cannot be reached (its exams have retired). */
    readonly feasible: boolean;
    readonly assignments: readonly ExamAssignment[];
    readonly requirements: readonly PeoplePlan[];
  };
  readonly unattributedRevenue: readonly { readonly customerId: string; readonly amount: number }[];
}

export interface PartnerPlan {
  readonly partnerId: string;
  readonly asOf: IsoDate;
  readonly programVersion: IsoDate;
  readonly targets: readonly TargetPlan[];
}

/** The next level up of every option (none for an option at its top level). */
export function defaultTargets(evaluation: PartnerEvaluation): Target[] {
  return evaluation.competencies.flatMap((c) =>
    c.options.flatMap((o: OptionEvaluation) => {
      const next = o.level === null ? o.levels[0] : o.levels[o.levels.findIndex((l) => l.level === o.level) + 1];
      return next ? [{ competency: c.competency, option: o.option, level: next.level }] : [];
    }),
  );
}

/** Finds a target's definition; `undefined` when the program has no such option and level. */
export function resolveTarget(
  prepared: PreparedData,
  target: Target,
): { competency: Competency; option: Option; level: Level } | undefined {
  const competency = prepared.program.competencies.find((c) => c.id === target.competency);
  const option = competency?.options.find((o) => o.id === target.option);
  const level = option?.levels.find((l) => l.id === target.level);
  return competency && option && level ? { competency, option, level } : undefined;
}

export function planPartner(prepared: PreparedDataset, partnerId: string, asOf: IsoDate, targets?: readonly Target[]): PartnerPlan {
  const partner = prepared.partnerIndex.get(partnerId);
  if (partner === undefined) throw new RangeError(`partner "${partnerId}" is not in the dataset`);
  const window = ttmWindow(asOf);
  const measures = measurePartner(prepared, partner, window, { evidence: false });
  const evaluation = judgePartner(prepared, measures);
  const chosen = targets ?? defaultTargets(evaluation);
  // The partner's customers' lines that no association attributes, found once for every target.
  const orphans = unattributedLines(prepared, partner, window);
  return {
    partnerId,
    asOf,
    programVersion: prepared.program.effectiveFrom,
    targets: chosen.map((target) => {
      const resolved = resolveTarget(prepared, target);
      if (!resolved) throw new RangeError(`${target.option}/${target.level} is not a level of ${prepared.program.id}`);
      const levelEvaluation = evaluation.competencies
        .find((c) => c.competency === target.competency)!
        .options.find((o) => o.option === target.option)!
        .levels.find((l) => l.level === target.level)!;
      return planLevel(
        prepared,
        partner,
        window,
        evaluation.market,
        target,
        resolved.level,
        levelEvaluation.met,
        measures.scopeCents,
        orphans,
      );
    }),
  };
}

function planLevel(
  prepared: PreparedData,
  partner: number,
  window: TtmWindow,
  market: string,
  target: Target,
  level: Level,
  met: boolean,
  scopeCents: readonly number[],
  orphans: readonly Orphan[],
): TargetPlan {
  // Which revenue and people requirements to close: an alternative already met needs nothing; otherwise the cheapest.
  const revenueRequirements: RevenueRequirement[] = [];
  const peoplePlans: PeoplePlan[] = [];
  for (const requirement of level.requirements) {
    if (requirement.kind === 'revenue') revenueRequirements.push(requirement);
    else if (requirement.kind === 'certified-people') peoplePlans.push(planPeople(prepared, partner, window.last, requirement));
    else {
      const revenueMet = (r: RevenueRequirement) => scopeCents[r.scope.index]! >= requirementCents(prepared.program, r, market);
      const people = requirement.alternatives.filter((a): a is CertifiedPeopleRequirement => a.kind === 'certified-people');
      const revenue = requirement.alternatives.filter((a): a is RevenueRequirement => a.kind === 'revenue');
      const peopleOptions = people.map((a) => ({ ...planPeople(prepared, partner, window.last, a), alternative: a.id }));
      if (revenue.some(revenueMet) || peopleOptions.some((p) => p.additionalPasses === 0 && p.feasible)) continue;
      const cheapest = peopleOptions
        .filter((p) => p.feasible)
        .sort((a, b) => a.additionalPasses - b.additionalPasses || a.newPeople - b.newPeople)[0];
      if (cheapest) peoplePlans.push({ ...cheapest, requirement: requirement.id });
      else if (revenue[0]) revenueRequirements.push(revenue[0]);
      else peoplePlans.push({ ...peopleOptions[0]!, requirement: requirement.id });
    }
  }

  const revenue = revenueRequirements.map((r) => ({
    requirement: r,
    shortfallCents: Math.max(0, requirementCents(prepared.program, r, market) - scopeCents[r.scope.index]!),
  }));
  const { sales, totalCents } = planSales(prepared, revenue);
  const exams = mergeAssignments(peoplePlans);
  return {
    ...target,
    met,
    revenue: revenue.map(({ requirement: r, shortfallCents }) => ({
      requirement: r.id,
      shortfall: centsToDollars(shortfallCents),
      products: [...r.scope.products],
      netNewOnly: r.netNewOnly,
    })),
    revenueToClose: centsToDollars(totalCents),
    sales,
    exams: {
      additionalPasses: exams.reduce((a, x) => a + x.exams.length, 0),
      newPeople: Math.max(0, ...peoplePlans.map((p) => p.newPeople)),
      feasible: peoplePlans.every((p) => p.feasible),
      assignments: exams,
      requirements: peoplePlans,
    },
    unattributedRevenue: unattributed(
      orphans,
      revenueRequirements.map((r) => r.scope),
    ),
  };
}

/**
 * The smallest total of new sales closing every revenue shortfall. A net new
 * sale of a product counts in every requirement whose scope holds the
 * product, so products are grouped by the requirements they count in.
 */
function planSales(
  prepared: PreparedData,
  revenue: readonly { requirement: RevenueRequirement; shortfallCents: number }[],
): { sales: Sale[]; totalCents: number } {
  const byProfile = new Map<string, { profile: number[]; products: string[] }>();
  for (const product of prepared.program.products.keys()) {
    const profile = revenue.flatMap(({ requirement }, r) => (requirement.scope.products.has(product) ? [r] : []));
    if (profile.length === 0) continue;
    const key = profile.join(',');
    const entry = byProfile.get(key) ?? { profile, products: [] };
    entry.products.push(product);
    byProfile.set(key, entry);
  }
  const profiles = [...byProfile.values()];
  const solution = solveCovering({ profiles: profiles.map((p) => p.profile), shortfalls: revenue.map((r) => r.shortfallCents) });
  if (!solution) return { sales: [], totalCents: 0 };
  const sales = profiles.flatMap((p, i) => {
    const amount = solution.amounts[i]!;
    if (amount === 0) return [];
    const open = p.profile.filter((r) => revenue[r]!.shortfallCents > 0);
    const closes = open.map((r) => revenue[r]!.requirement);
    // Every product whose sales count in all the requirements this sale closes will do, not only the group the solver kept.
    const products = profiles.filter((q) => open.every((r) => q.profile.includes(r))).flatMap((q) => q.products);
    return [{ amount: centsToDollars(amount), products, netNew: closes.some((r) => r.netNewOnly), closes: closes.map((r) => r.id) }];
  });
  return { sales, totalCents: solution.total };
}

/** One list of who takes what: a person planned by several requirements appears once, `new-N` likewise. */
function mergeAssignments(plans: readonly PeoplePlan[]): ExamAssignment[] {
  const merged = new Map<string, string[]>();
  for (const plan of plans) {
    for (const { personId, exams } of plan.assignments) {
      const list = merged.get(personId) ?? [];
      for (const exam of exams) if (!list.includes(exam)) list.push(exam);
      merged.set(personId, list);
    }
  }
  return [...merged].map(([personId, exams]) => ({ personId, exams }));
}

/** A line in the window of one of the partner's customers, with the association types that did not cover its date. */
interface Orphan {
  readonly customerId: string;
  readonly product: string;
  readonly netNew: boolean;
  readonly cents: number;
  readonly uncovered: ReadonlySet<string>;
}

/**
 * Lines in the window from the partner's own customers (any association
 * with the partner, at any time), each with the association types that had
 * no association covering its date.
 */
function unattributedLines(prepared: PreparedDataset, partner: number, window: TtmWindow): Orphan[] {
  const { dataset, program } = prepared;
  const partnerId = prepared.partnerIds[partner]!;
  const known = new Set(dataset.associations.filter((a) => a.partnerId === partnerId).map((a) => a.customerId));
  if (known.size === 0) return [];
  const associations = dataset.associations.filter((a) => known.has(a.customerId));
  const types = [...new Set(program.revenueScopes.map((s) => s.attribution))];
  const orphans: Orphan[] = [];
  for (const line of dataset.revenue) {
    if (!known.has(line.customerId)) continue;
    const day = dayNumberOf(line.date);
    if (day < window.first || day > window.last) continue;
    const uncovered = new Set(
      types.filter(
        (type) =>
          !associations.some(
            (a) => a.customerId === line.customerId && a.type === type && a.start <= line.date && (a.end === null || line.date <= a.end),
          ),
      ),
    );
    if (uncovered.size > 0)
      orphans.push({ customerId: line.customerId, product: line.product, netNew: line.netNew, cents: line.usdCents, uncovered });
  }
  return orphans;
}

/** Per customer, what of those lines would count in the target's scopes had an association covered them. */
function unattributed(orphans: readonly Orphan[], scopes: readonly RevenueScope[]): { customerId: string; amount: number }[] {
  const perCustomer = new Map<string, number>();
  for (const line of orphans) {
    const counts = scopes.some((s) => s.products.has(line.product) && (line.netNew || !s.netNewOnly) && line.uncovered.has(s.attribution));
    if (counts) perCustomer.set(line.customerId, (perCustomer.get(line.customerId) ?? 0) + line.cents);
  }
  return [...perCustomer]
    .filter(([, cents]) => cents !== 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([customerId, cents]) => ({ customerId, amount: centsToDollars(cents) }));
}
