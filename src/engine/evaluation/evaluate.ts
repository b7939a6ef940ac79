/**
 * Evaluation: prepared data + as-of date → report. Each partner is measured
 * once from its own slice of entries and people (never a rescan of the whole
 * dataset), then every requirement of every level is judged from the
 * measures.
 */
import { isIsoDate, isoDateOf, type DayNumber, type IsoDate } from '../calendar.js';
import { centsToDollars, isExactCents, SumOutOfRangeError, type Cents } from '../money.js';
import { problem, recordLabel } from '../problems.js';
import type { CertifiedPeopleRequirement, Level, ProgramVersion, Requirement, SingleRequirement } from '../program/model.js';
import { publicationEndedBy } from '../program/versions.js';
import { qualifies } from '../rules/qualification.js';
import { ttmWindow, type TtmWindow } from '../rules/ttm-window.js';
import type { PreparedData } from './prepare.js';
import type {
  CertifiedPeopleEvaluation,
  CompetencyEvaluation,
  EvaluationReport,
  LevelEvaluation,
  OptionEvaluation,
  PartnerEvaluation,
  RequirementEvaluation,
  SingleRequirementEvaluation,
} from './report.js';

export interface EvaluateOptions {
  /** The evaluation date; a preparation made for one window (PrepareOptions) evaluates only the date of that window. */
  readonly asOf: IsoDate;
  /** Only these partners, in this order; every partner of the dataset when absent. */
  readonly partnerIds?: readonly string[] | undefined;
  /** Collect evidence (line and person ids); on by default. */
  readonly evidence?: boolean | undefined;
}

/** What one partner has as of a date, before any threshold is applied. */
export interface PartnerMeasures {
  readonly partner: number;
  readonly window: TtmWindow;
  /** Revenue and passes dated after this day were left out. */
  readonly knownUntil: DayNumber;
  /** Whether evidence (line and person ids) is wanted in the report. */
  readonly evidence: boolean;
  /** Attributed revenue in the window, per revenue scope. */
  readonly scopeCents: readonly Cents[];
  /** Line indexes counted per scope, in date order (empty when evidence is off). */
  readonly scopeLines: readonly (readonly number[])[];
  /** Indexes of the people who qualify, per qualification (always collected: counts come from them). */
  readonly qualifiedPeople: readonly (readonly number[])[];
}

export interface MeasureOptions {
  /** Collect line indexes as evidence (default true). */
  readonly evidence?: boolean | undefined;
  /**
   * Ignore revenue and exam passes dated after this day: "if nothing new
   * arrives" when measuring a future window. Defaults to the window's end.
   */
  readonly knownUntil?: DayNumber | undefined;
}

export function measurePartner(prepared: PreparedData, partner: number, window: TtmWindow, options: MeasureOptions = {}): PartnerMeasures {
  const { program } = prepared;
  const evidence = options.evidence ?? true;
  const knownUntil = Math.min(options.knownUntil ?? window.last, window.last);
  const scopes = program.revenueScopes.length;
  const scopeCents: number[] = new Array<number>(scopes).fill(0);
  const scopeLines: number[][] | undefined = evidence ? program.revenueScopes.map(() => []) : undefined;
  sumRevenue(prepared, partner, window, knownUntil, new Array<number>(scopes).fill(0), scopeCents, 0, scopeLines);
  const qualifiedPeople: number[][] = program.qualifications.map(() => []);
  qualifyPeople(prepared, partner, window, knownUntil, undefined, 0, qualifiedPeople);
  return {
    partner,
    window,
    knownUntil,
    evidence,
    scopeCents,
    scopeLines: scopeLines ?? program.revenueScopes.map(() => []),
    qualifiedPeople,
  };
}

/**
 * The partner's attributed revenue per scope over the window, up to `knownUntil`, into `into[at + scope]` (which
 * must hold zeros); `credits` is working room of one zero per scope, left zeroed. With `lines`, each scope's line
 * indexes too, in date order. Throws SumOutOfRangeError when a sum leaves the exact range.
 */
function sumRevenue(
  prepared: PreparedData,
  partner: number,
  window: TtmWindow,
  knownUntil: DayNumber,
  credits: number[] | Float64Array,
  into: number[] | Float64Array,
  at: number,
  lines: number[][] | undefined,
): void {
  const { partnerEntryStart, entryDay, entryScope, entryCents, entryLine, revenueDays } = prepared;
  if (revenueDays && (window.first < revenueDays.first || knownUntil > revenueDays.last))
    throw new RangeError(
      `the revenue was prepared for ${isoDateOf(revenueDays.first)} … ${isoDateOf(revenueDays.last)}, not for the window ${isoDateOf(window.first)} … ${isoDateOf(knownUntil)}`,
    );
  // Lines and credits apart: each sum only grows in size, so checking it once at the end proves every partial sum exact.
  const end = partnerEntryStart[partner + 1]!;
  for (let k = partnerEntryStart[partner]!; k < end; k++) {
    const day = entryDay[k]!;
    if (day < window.first) continue;
    if (day > knownUntil) break; // entries are in date order
    const scope = entryScope[k]!;
    const cents = entryCents[k]!;
    if (cents >= 0) into[at + scope]! += cents;
    else credits[scope]! += cents;
    if (lines) lines[scope]!.push(entryLine[k]!);
  }
  for (let scope = 0; scope < credits.length; scope++) {
    const debit = into[at + scope]!;
    const credit = credits[scope]!;
    credits[scope] = 0;
    if (!isExactCents(debit) || !isExactCents(credit)) throw sumOutOfRange(prepared, partner, scope, window.last);
    into[at + scope] = debit + credit;
  }
}

/**
 * The partner's people who meet each qualification on the window's last day, counting passes up to `knownUntil`:
 * counted into `counts[at + q]` (which must hold zeros), or listed into `lists[q]`.
 */
function qualifyPeople(
  prepared: PreparedData,
  partner: number,
  window: TtmWindow,
  knownUntil: DayNumber,
  counts: Int32Array | undefined,
  at: number,
  lists: number[][] | undefined,
): void {
  const { personOrder, partnerPersonStart, qualifiedFrom, qualificationHasWindow } = prepared;
  const qualificationCount = prepared.program.qualifications.length;
  const peopleEnd = partnerPersonStart[partner + 1]!;
  for (let k = partnerPersonStart[partner]!; k < peopleEnd; k++) {
    const person = personOrder[k]!;
    for (let q = 0; q < qualificationCount; q++) {
      if (qualifiedFrom[person * qualificationCount + q]! > knownUntil) continue;
      if (qualificationHasWindow[q] && !qualifies(prepared, person, q, window.last, { knownUntil })) continue;
      if (counts) counts[at + q]!++;
      if (lists) lists[q]!.push(person);
    }
  }
}

/** The partners an evaluation names (by id), or every partner of the preparation. */
function partnersJudged(prepared: PreparedData, partnerIds: readonly string[] | undefined): number[] {
  return partnerIds
    ? partnerIds.map((id) => {
        const index = prepared.partnerIndex.get(id);
        if (index === undefined) throw new RangeError(`partner "${id}" is not in the dataset`);
        return index;
      })
    : prepared.partnerIds.map((_, i) => i);
}

export function evaluate(prepared: PreparedData, options: EvaluateOptions): EvaluationReport {
  if (!isIsoDate(options.asOf)) throw new RangeError(`as-of date "${options.asOf}" is not a calendar date (YYYY-MM-DD)`);
  const window = ttmWindow(options.asOf);
  const evidence = options.evidence ?? true;
  const indexes = partnersJudged(prepared, options.partnerIds);
  const ended = publicationEndedBy(prepared.program, options.asOf);
  return {
    asOf: options.asOf,
    program: prepared.program.id,
    programVersion: prepared.program.effectiveFrom,
    ...(ended ? { publicationEnded: ended } : {}),
    partners: indexes.map((p) => judgePartner(prepared, measurePartner(prepared, p, window, { evidence }))),
  };
}

/** An option as a levels batch indexes it: its competency, its id, its levels' ids in the program's order. */
export interface BatchOption {
  readonly competency: string;
  readonly option: string;
  readonly levels: readonly string[];
}

/**
 * Every partner's highest level of each option as of a date, and the figures that decide it, in typed arrays:
 * what `evaluate` reports as `level` for each option, its revenue per scope and its qualifying people per
 * qualification, without the report's objects (requirements, shortfalls, evidence) for each partner. What a
 * list of every partner reads; the report of one partner is `evaluate`'s.
 */
export interface LevelsBatch {
  readonly asOf: IsoDate;
  /** The partners judged (indexes of the preparation), in the order asked. */
  readonly partners: Int32Array;
  /** Every option of every competency, in the program's order: the columns of `level`. */
  readonly options: readonly BatchOption[];
  /** At [k × options + o]: the index in `options[o].levels` of the highest level partner k meets, −1 for none. */
  readonly level: Int32Array;
  /** At [k × scopes + s]: partner k's attributed revenue in revenue scope s over the trailing twelve months, in cents. */
  readonly scopeCents: Float64Array;
  /** At [k × qualifications + q]: how many of partner k's people meet qualification q on the date. */
  readonly qualifiedPeople: Int32Array;
}

/**
 * `evaluate` without evidence reduced to each option's level and the measures (LevelsBatch): the same levels,
 * sums and counts (test/levels-batch.test.ts holds them equal), at a fraction of the allocation, so that a batch of
 * every partner is the measuring and the comparisons alone.
 */
export function evaluateLevels(prepared: PreparedData, options: Omit<EvaluateOptions, 'evidence'>): LevelsBatch {
  if (!isIsoDate(options.asOf)) throw new RangeError(`as-of date "${options.asOf}" is not a calendar date (YYYY-MM-DD)`);
  const window = ttmWindow(options.asOf);
  const partners = Int32Array.from(partnersJudged(prepared, options.partnerIds));
  const { program } = prepared;
  const optionLevels = program.competencies.flatMap((competency) => competency.options.map((option) => option.levels));
  const scopes = program.revenueScopes.length;
  const qualifications = program.qualifications.length;
  const level = new Int32Array(partners.length * optionLevels.length).fill(-1);
  const scopeCents = new Float64Array(partners.length * scopes);
  const qualifiedPeople = new Int32Array(partners.length * qualifications);
  const credits = new Float64Array(scopes);
  for (let k = 0; k < partners.length; k++) {
    const partner = partners[k]!;
    sumRevenue(prepared, partner, window, window.last, credits, scopeCents, k * scopes, undefined);
    qualifyPeople(prepared, partner, window, window.last, qualifiedPeople, k * qualifications, undefined);
    const market = partnerMarket(prepared, partner);
    for (let o = 0; o < optionLevels.length; o++) {
      const levels = optionLevels[o]!;
      // The last level met, as the report's `level`: each level is judged on its own.
      for (let l = levels.length - 1; l >= 0; l--)
        if (levelMet(levels[l]!, market, scopeCents, k * scopes, qualifiedPeople, k * qualifications)) {
          level[k * optionLevels.length + o] = l;
          break;
        }
    }
  }
  return {
    asOf: options.asOf,
    partners,
    options: program.competencies.flatMap((competency) =>
      competency.options.map((option) => ({ competency: competency.id, option: option.id, levels: option.levels.map((l) => l.id) })),
    ),
    level,
    scopeCents,
    qualifiedPeople,
  };
}

/** Whether every requirement of the level is met by a partner's measures (`cents` and `people` from `centsAt`, `peopleAt`), as `judgeLevel` judges them. */
function levelMet(level: Level, market: string, cents: Float64Array, centsAt: number, people: Int32Array, peopleAt: number): boolean {
  for (const requirement of level.requirements) {
    if (requirement.kind !== 'any-of') {
      if (!singleMet(requirement, market, cents, centsAt, people, peopleAt)) return false;
      continue;
    }
    let met = false;
    for (const alternative of requirement.alternatives)
      if (singleMet(alternative, market, cents, centsAt, people, peopleAt)) {
        met = true;
        break;
      }
    if (!met) return false;
  }
  return true;
}

function singleMet(
  requirement: SingleRequirement,
  market: string,
  cents: Float64Array,
  centsAt: number,
  people: Int32Array,
  peopleAt: number,
): boolean {
  if (requirement.kind === 'certified-people') {
    let actual = Infinity;
    for (const group of requirement.groups) actual = Math.min(actual, people[peopleAt + group.index]!);
    return actual >= requirement.people;
  }
  const required = thresholdCents(requirement, market);
  return required !== undefined && cents[centsAt + requirement.scope.index]! >= required;
}

/** The partner's market under the version judging: its market table, should versions ever classify a country differently. */
export function partnerMarket(prepared: PreparedData, partner: number): string {
  return prepared.program.countries.get(prepared.partnerCountries[partner]!) ?? prepared.partnerMarkets[partner]!;
}

// Evidence off (a batch), every requirement shares these: a million requirements judged allocate no empty lists.
const NO_IDS: readonly string[] = Object.freeze([]);
const NO_PEOPLE_EVIDENCE = Object.freeze({ personIds: NO_IDS, retiringExams: Object.freeze([]) });
const NO_REVENUE_EVIDENCE = Object.freeze({ revenueLineIds: NO_IDS });

export function judgePartner(prepared: PreparedData, measures: PartnerMeasures): PartnerEvaluation {
  const partner = measures.partner;
  const market = partnerMarket(prepared, partner);
  const competencies: CompetencyEvaluation[] = prepared.program.competencies.map((competency) => ({
    competency: competency.id,
    options: competency.options.map((option): OptionEvaluation => {
      const levels = option.levels.map((level) => judgeLevel(prepared, measures, market, level));
      const attained = levels.filter((l) => l.met).at(-1);
      return { option: option.id, level: attained?.level ?? null, levels };
    }),
  }));
  return { partnerId: prepared.partnerIds[partner]!, market, competencies };
}

function judgeLevel(prepared: PreparedData, measures: PartnerMeasures, market: string, level: Level): LevelEvaluation {
  const requirements = level.requirements.map((r) => judgeRequirement(prepared, measures, market, r));
  return { level: level.id, met: requirements.every((r) => r.met), requirements };
}

export function judgeRequirement(
  prepared: PreparedData,
  measures: PartnerMeasures,
  market: string,
  requirement: Requirement,
): RequirementEvaluation {
  if (requirement.kind !== 'any-of') return judgeSingle(prepared, measures, market, requirement);
  const alternatives = requirement.alternatives.map((alternative) => judgeSingle(prepared, measures, market, alternative));
  // Shown with the figures of the alternative that carries the requirement, or else of the closest one.
  const carrying = alternatives.find((a) => a.met);
  const shown = carrying ?? [...alternatives].sort((a, b) => relativeShortfall(a) - relativeShortfall(b))[0]!;
  return {
    id: requirement.id,
    kind: 'any-of',
    met: carrying !== undefined,
    actual: shown.actual,
    required: shown.required,
    shortfall: shown.shortfall,
    carriedBy: carrying?.id ?? null,
    closest: shown.id,
    alternatives,
  };
}

function judgeSingle(
  prepared: PreparedData,
  measures: PartnerMeasures,
  market: string,
  requirement: SingleRequirement,
): SingleRequirementEvaluation {
  if (requirement.kind === 'certified-people') return judgePeople(prepared, measures, requirement);
  const actual = measures.scopeCents[requirement.scope.index]!;
  const required = thresholdCents(requirement, market);
  const evidence = measures.evidence
    ? { revenueLineIds: measures.scopeLines[requirement.scope.index]!.map((i) => prepared.lineId(i)) }
    : NO_REVENUE_EVIDENCE;
  if (required === undefined) {
    // Not a shortfall: no amount of revenue meets a threshold that was never published.
    return {
      id: requirement.id,
      kind: 'revenue',
      met: false,
      actual: centsToDollars(actual),
      required: null,
      shortfall: null,
      reason: 'no-threshold-published',
      evidence,
    };
  }
  return {
    id: requirement.id,
    kind: 'revenue',
    met: actual >= required,
    actual: centsToDollars(actual),
    required: centsToDollars(required),
    shortfall: centsToDollars(exactShortfall(prepared, measures.partner, requirement, required - actual, measures.window.last)),
    evidence,
  };
}

function judgePeople(
  prepared: PreparedData,
  measures: PartnerMeasures,
  requirement: CertifiedPeopleRequirement,
): CertifiedPeopleEvaluation {
  if (!measures.evidence) {
    // Counts only: no id lists to build for every partner of a batch.
    let actual = Infinity;
    for (const group of requirement.groups) actual = Math.min(actual, measures.qualifiedPeople[group.index]!.length);
    return {
      id: requirement.id,
      kind: 'certified-people',
      met: actual >= requirement.people,
      actual,
      required: requirement.people,
      shortfall: Math.max(0, requirement.people - actual),
      evidence: NO_PEOPLE_EVIDENCE,
    };
  }
  const counts = requirement.groups.map((group) => measures.qualifiedPeople[group.index]!);
  const actual = Math.min(...counts.map((c) => c.length));
  const qualified = counts.length === 1 ? counts[0]! : [...new Set(counts.flat())].sort((a, b) => a - b);
  const retiringExams = retiringEvidence(prepared, measures, requirement, counts, qualified);
  return {
    id: requirement.id,
    kind: 'certified-people',
    met: actual >= requirement.people,
    actual,
    required: requirement.people,
    shortfall: Math.max(0, requirement.people - actual),
    evidence: {
      personIds: qualified.map((i) => prepared.personId(i)),
      ...(requirement.samePeople
        ? {}
        : {
            groups: requirement.groups.map((group, g) => ({
              exams: group.examSets.flatMap((set) => set.exams),
              minimum: group.examSets[0]!.minimum,
              actual: counts[g]!.length,
              personIds: counts[g]!.map((i) => prepared.personId(i)),
            })),
          }),
      retiringExams,
    },
  };
}

/** Qualifying people who would not qualify without passes of retiring exams, and which of those exams they hold. */
function retiringEvidence(
  prepared: PreparedData,
  measures: PartnerMeasures,
  requirement: CertifiedPeopleRequirement,
  counts: readonly (readonly number[])[],
  qualified: readonly number[],
): { personId: string; exams: string[] }[] {
  const { examColumn, personExamDay, examIds } = prepared;
  const retiring = requirement.retiringExams;
  if (retiring.length === 0 || qualified.length === 0) return [];
  const { knownUntil } = measures;
  const day = measures.window.last;
  const inGroup = counts.map((c) => new Set(c));
  return qualified.flatMap((person) => {
    const relies = requirement.groups.some(
      (group, g) => inGroup[g]!.has(person) && !qualifies(prepared, person, group.index, day, { withoutRetiring: true, knownUntil }),
    );
    if (!relies) return [];
    const held = retiring.filter((exam) => personExamDay[person * examIds.length + examColumn.get(exam)!]! <= knownUntil);
    return [{ personId: prepared.personId(person), exams: held }];
  });
}

/** How far an alternative is from being met, relative to its own requirement; one that cannot be met comes last. */
function relativeShortfall(evaluation: SingleRequirementEvaluation): number {
  return evaluation.shortfall === null || evaluation.required === null ? Infinity : evaluation.shortfall / evaluation.required;
}

/**
 * The requirement a revenue scope is counted for, as `option/level/requirement`
 * (the first of those sharing the scope: Silver and Gold share one).
 */
function scopeRequirement(program: ProgramVersion, scope: number): string {
  for (const competency of program.competencies)
    for (const option of competency.options)
      for (const level of option.levels)
        for (const requirement of level.requirements)
          for (const single of requirement.kind === 'any-of' ? requirement.alternatives : [requirement])
            if (single.kind === 'revenue' && single.scope.index === scope) return `${option.id}/${level.id}/${single.id}`;
  return `scope ${scope}`;
}

/**
 * The error of a sum of cents beyond the exact range: the partner, the
 * requirement the sum counts for, and the date it was measured on
 * (docs/rules.md, section 3).
 */
export function sumOutOfRange(prepared: PreparedData, partner: number, scope: number, day: DayNumber): SumOutOfRangeError {
  const id = prepared.partnerIds[partner]!;
  return new SumOutOfRangeError(
    problem(recordLabel('partners', partner, id), 'revenue', 'sumOutOfRange', {
      partner: id,
      requirement: scopeRequirement(prepared.program, scope),
      date: isoDateOf(day),
    }),
  );
}

/** A shortfall in cents (0 when met), checked exact: a threshold minus credits may leave the range. */
export function exactShortfall(
  prepared: PreparedData,
  partner: number,
  requirement: Extract<Requirement, { kind: 'revenue' }>,
  gap: number,
  day: DayNumber,
): Cents {
  if (!isExactCents(gap)) throw sumOutOfRange(prepared, partner, requirement.scope.index, day);
  return Math.max(0, gap);
}

/** The threshold of a revenue requirement in a market; undefined when the version published none for it. */
export function thresholdCents(requirement: Extract<Requirement, { kind: 'revenue' }>, market: string): Cents | undefined {
  return requirement.minimumCents.get(market);
}

/** The threshold of a revenue requirement in a market. */
export function requirementCents(program: ProgramVersion, requirement: Extract<Requirement, { kind: 'revenue' }>, market: string): Cents {
  const cents = requirement.minimumCents.get(market);
  // Compilation guarantees a threshold for every market of the program.
  if (cents === undefined)
    throw new RangeError(`program ${program.id} has no threshold for market "${market}" in requirement ${requirement.id}`);
  return cents;
}
