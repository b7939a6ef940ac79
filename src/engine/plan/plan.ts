/**
 * Closing the gap to a level: for each target (an option's level), the
 * smallest new revenue that closes every revenue shortfall, the fewest exam
 * passes that bring every people requirement to N, and the partner's
 * customers whose revenue counts for nobody because no DPOR covered it.
 */
import { dayNumberOf, type IsoDate } from '../calendar.js';
import { centsToDollars, isExactCents } from '../money.js';
import { associationColumnsOf, memoizedDayNumber } from '../evaluation/columns.js';
import type { PreparedData, PreparedDataset } from '../evaluation/prepare.js';
import { exactShortfall, judgePartner, measurePartner, requirementCents, sumOutOfRange, thresholdCents } from '../evaluation/evaluate.js';
import { publicationEndedBy } from '../program/versions.js';
import type { OptionEvaluation, PartnerEvaluation } from '../evaluation/report.js';
import type { CertifiedPeopleRequirement, Competency, Level, Option, RevenueRequirement, RevenueScope } from '../program/model.js';
import { attributedOn, tenuresByCustomer } from '../rules/dpor-attribution.js';
import { inTtmWindow, ttmWindow, type TtmWindow } from '../rules/ttm-window.js';
import { solveCovering } from './covering.js';
import { planPeople, type ExamAssignment, type PeoplePlan } from './people.js';

export interface Target {
  readonly competency: string;
  readonly option: string;
  readonly level: string;
}

export interface RevenueGap {
  readonly requirement: string;
  /** US dollars still missing; null when no amount would do: the version published no threshold for the market (`reason`). */
  readonly shortfall: number | null;
  readonly reason?: 'no-threshold-published';
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
  /** Present when the applied version is the last its source published: the date from which nothing newer was. */
  readonly publicationEnded?: IsoDate;
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
  const ended = publicationEndedBy(prepared.program, asOf);
  return {
    partnerId,
    asOf,
    programVersion: prepared.program.effectiveFrom,
    ...(ended ? { publicationEnded: ended } : {}),
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
      const revenueMet = (r: RevenueRequirement) => {
        const threshold = thresholdCents(r, market);
        return threshold !== undefined && scopeCents[r.scope.index]! >= threshold;
      };
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

  // A requirement without a threshold for the market cannot be closed by sales: it is reported, not planned.
  const unpublished = revenueRequirements.filter((r) => thresholdCents(r, market) === undefined);
  const revenue = revenueRequirements
    .filter((r) => !unpublished.includes(r))
    .map((r) => ({
      requirement: r,
      shortfallCents: exactShortfall(
        prepared,
        partner,
        r,
        requirementCents(prepared.program, r, market) - scopeCents[r.scope.index]!,
        window.last,
      ),
    }));
  // Sales close shortfalls: their total is at most the shortfalls' sum, which must itself be exact.
  const open = revenue.filter((r) => r.shortfallCents > 0);
  if (!isExactCents(open.reduce((sum, r) => sum + r.shortfallCents, 0)))
    throw sumOutOfRange(prepared, partner, open[0]!.requirement.scope.index, window.last);
  const { sales, totalCents } = planSales(prepared, revenue);
  const exams = mergeAssignments(peoplePlans);
  return {
    ...target,
    met,
    revenue: [
      ...revenue.map(({ requirement: r, shortfallCents }): RevenueGap => ({
        requirement: r.id,
        shortfall: centsToDollars(shortfallCents),
        products: [...r.scope.products],
        netNewOnly: r.netNewOnly,
      })),
      ...unpublished.map((r): RevenueGap => ({
        requirement: r.id,
        shortfall: null,
        reason: 'no-threshold-published',
        products: [...r.scope.products],
        netNewOnly: r.netNewOnly,
      })),
    ],
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
      (scope) => sumOutOfRange(prepared, partner, scope, window.last),
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
  // The partner's customers, numbered for the attribution rule's index.
  const customerIndex = new Map<string, number>();
  for (const a of dataset.associations) {
    if (a.partnerId === partnerId && !customerIndex.has(a.customerId)) customerIndex.set(a.customerId, customerIndex.size);
  }
  if (customerIndex.size === 0) return [];
  const associations = associationColumnsOf(
    dataset.associations.filter((a) => customerIndex.has(a.customerId)),
    customerIndex,
    prepared.partnerIndex,
    memoizedDayNumber(),
  );
  const types = [...new Set(program.revenueScopes.map((s) => s.attribution))];
  const tenures = types.map((type) => tenuresByCustomer(associations, associations.types.indexOf(type), customerIndex.size));
  const orphans: Orphan[] = [];
  for (const line of dataset.revenue) {
    const customer = customerIndex.get(line.customerId);
    if (customer === undefined) continue;
    const day = dayNumberOf(line.date);
    if (!inTtmWindow(window, day)) continue;
    const uncovered = new Set(types.filter((_, t) => !attributedOn(tenures[t]!, customer, day)));
    if (uncovered.size > 0)
      orphans.push({ customerId: line.customerId, product: line.product, netNew: line.netNew, cents: line.usdCents, uncovered });
  }
  return orphans;
}

/** Per customer, what of those lines would count in the target's scopes had an association covered them. */
function unattributed(
  orphans: readonly Orphan[],
  scopes: readonly RevenueScope[],
  outOfRange: (scope: number) => Error,
): { customerId: string; amount: number }[] {
  // Lines and credits apart, as the evaluation sums them: both exact proves every partial sum exact.
  const perCustomer = new Map<string, { debits: number; credits: number; scope: number }>();
  for (const line of orphans) {
    const scope = scopes.find((s) => s.products.has(line.product) && (line.netNew || !s.netNewOnly) && line.uncovered.has(s.attribution));
    if (!scope) continue;
    const sums = perCustomer.get(line.customerId) ?? { debits: 0, credits: 0, scope: scope.index };
    if (line.cents >= 0) sums.debits += line.cents;
    else sums.credits += line.cents;
    perCustomer.set(line.customerId, sums);
  }
  return [...perCustomer]
    .map(([customerId, { debits, credits, scope }]): [string, number] => {
      if (!isExactCents(debits) || !isExactCents(credits)) throw outOfRange(scope);
      return [customerId, debits + credits];
    })
    .filter(([, cents]) => cents !== 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([customerId, cents]) => ({ customerId, amount: centsToDollars(cents) }));
}
