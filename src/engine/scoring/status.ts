/**
 * Solutions Partner statuses (spec §B.2.4–6, §B.7), from dates: in progress,
 * qualified (may enrol), enrolled (kept until the anniversary whatever the
 * score does), renewal due (enrolled, in the renewal window). Scores are
 * monthly, so the days a partner can be seen qualifying are month-ends: a
 * window holds a qualifying day when it holds the end of a month whose score
 * reached a band. The windows come from the version's data (`statuses`,
 * `qualificationWindow`): before the window rule's date the 30-day rules, from
 * it the months windows. Enrolment is the partner's own fact, given as input:
 * a date (and an anniversary shared with an earlier designation), or a legacy
 * Gold/Silver partner enrolled on its first qualifying day.
 */
import { addDaysToDate, addMonthsToDate, type IsoDate } from '../calendar.js';
import { problem, type Problem } from '../problems.js';
import { monthOfDate, monthText, type MonthIndex } from './months.js';
import { lastDayOf, scorerOf, type Scorer } from './score.js';
import type { ScoredVersionDefinition, StatusRules } from './schema.js';
import type { ScoringDataset } from './dataset.js';
import { scoredVersionOn } from './versions.js';

export type PcsStatus = 'in-progress' | 'qualified' | 'enrolled' | 'renewal-due';

/** What the partner says of its enrolment: none, a date (with the first anniversary when shared), or a legacy competency. */
export type Enrolment =
  | { readonly kind: 'none' }
  | { readonly kind: 'enrolled'; readonly date: IsoDate; readonly anniversary?: IsoDate | undefined }
  | { readonly kind: 'legacy' };

export interface StatusWindow {
  /** Qualification (a partner not enrolled) or renewal (enrolled: the coming window, before it opens). */
  readonly kind: 'qualification' | 'renewal';
  readonly from: IsoDate;
  readonly to: IsoDate;
}

export interface StatusReport {
  readonly date: IsoDate;
  readonly status: PcsStatus;
  readonly window: StatusWindow;
  /** The latest qualifying day (a month-end) of the window up to the date; null if none. */
  readonly qualifiedOn: IsoDate | null;
  /** The day the enrolment in force began (a legacy partner's first qualifying day); null when not enrolled. */
  readonly enrolledOn: IsoDate | null;
  /** The anniversary closing the enrolment year the date is in; null when not enrolled. */
  readonly anniversary: IsoDate | null;
  /** When an enrolment ended for want of renewal: the day after its renewal window closed. */
  readonly lapsedOn: IsoDate | null;
}

/** What the status reads: the version's rules, its window rule, and whether a month's score reached a band. */
export interface StatusContext {
  readonly rules: StatusRules;
  readonly windowRule: ScoredVersionDefinition['qualificationWindow'];
  readonly qualifiedAt: (month: MonthIndex) => boolean;
}

const firstDayOf = (month: MonthIndex): IsoDate => `${monthText(month)}-01` as IsoDate;

/** The qualifying month-ends from `from` to `to`, both included, latest first. */
function qualifyingDays(context: StatusContext, from: IsoDate, to: IsoDate): IsoDate[] {
  const days: IsoDate[] = [];
  if (to < from) return days;
  for (let m = monthOfDate(to); m >= monthOfDate(from); m--) {
    const end = lastDayOf(m);
    if (end >= from && end <= to && context.qualifiedAt(m)) days.push(end);
  }
  return days;
}

/** The window of a partner not enrolled on a date: the 30 days rule before the window rule's date, the months window from it. */
export function qualificationWindowOn(context: StatusContext, date: IsoDate): StatusWindow {
  const rule = context.windowRule;
  if (rule && date >= rule.effectiveFrom) {
    const from = rule.start === 'same-day' ? addMonthsToDate(date, -(rule.months - 1)) : firstDayOf(monthOfDate(date) - (rule.months - 1));
    return { kind: 'qualification', from, to: date };
  }
  return { kind: 'qualification', from: addDaysToDate(date, -context.rules.earlierQualifiedDays), to: date };
}

/** The renewal window of an anniversary: by the rule in force on the anniversary. */
export function renewalWindowOf(context: StatusContext, anniversary: IsoDate): StatusWindow {
  const rule = context.windowRule;
  const { rules } = context;
  if (rule && anniversary >= rule.effectiveFrom) {
    const month = monthOfDate(anniversary);
    return {
      kind: 'renewal',
      from: firstDayOf(month - (rules.renewalMonths - 1)),
      to: rules.renewalWindowEnd === 'end-of-month' ? lastDayOf(month) : anniversary,
    };
  }
  return { kind: 'renewal', from: anniversary, to: addDaysToDate(anniversary, rules.earlierRenewalDays) };
}

/** The day the partner enrolled, if it did by `date`: the given day, or a legacy partner's first qualifying day. */
function enrolmentDay(context: StatusContext, enrolment: Enrolment, date: IsoDate): IsoDate | undefined {
  if (enrolment.kind === 'enrolled') return enrolment.date <= date ? enrolment.date : undefined;
  if (enrolment.kind === 'none' || !context.rules.legacyAutoEnrol) return undefined;
  const first = context.rules.designationsFrom;
  for (let m = monthOfDate(first); lastDayOf(m) <= date; m++) {
    if (lastDayOf(m) >= first && context.qualifiedAt(m)) return lastDayOf(m);
  }
  return undefined;
}

/** The partner's status on a date. */
export function statusOn(context: StatusContext, enrolment: Enrolment, date: IsoDate): StatusReport {
  const enrolledOn = enrolmentDay(context, enrolment, date);
  let lapsedOn: IsoDate | null = null;
  if (enrolledOn !== undefined) {
    const first =
      enrolment.kind === 'enrolled' && enrolment.anniversary !== undefined ? enrolment.anniversary : addMonthsToDate(enrolledOn, 12);
    for (let year = 0; ; year++) {
      const anniversary = addMonthsToDate(first, 12 * year);
      const window = renewalWindowOf(context, anniversary);
      // One key order for every status: the JSON of a report is the same shape whatever it says.
      const enrolled = (status: PcsStatus, qualifiedOn: IsoDate | null): StatusReport => ({
        date,
        status,
        window,
        qualifiedOn,
        enrolledOn,
        anniversary,
        lapsedOn: null,
      });
      if (date < window.from) return enrolled('enrolled', null);
      const qualified = qualifyingDays(context, window.from, date < window.to ? date : window.to);
      // Kept until the anniversary whatever the score does; after it, only while the window is open.
      if (date < anniversary) return enrolled('renewal-due', qualified[0] ?? null);
      if (qualified.length > 0) continue;
      if (date <= window.to) return enrolled('renewal-due', null);
      lapsedOn = addDaysToDate(window.to, 1);
      break;
    }
  }
  const window = qualificationWindowOn(context, date);
  const qualifiedOn = qualifyingDays(context, window.from, date)[0] ?? null;
  return {
    date,
    status: qualifiedOn === null ? 'in-progress' : 'qualified',
    window,
    qualifiedOn,
    enrolledOn: null,
    anniversary: null,
    lapsedOn,
  };
}

/**
 * Whether each month's score reached a band, under the version in force at its
 * end (no version: not qualified), each month scored once by the scorer
 * (`scorerOf`: the dataset's index built once for every version).
 */
export function qualifiedMonths(
  versions: readonly ScoredVersionDefinition[],
  score: Scorer,
  partnerId: string,
): (month: MonthIndex) => boolean {
  const seen = new Map<MonthIndex, boolean>();
  return (month) => {
    const known = seen.get(month);
    if (known !== undefined) return known;
    const version = scoredVersionOn(versions, lastDayOf(month));
    const qualified = version !== undefined && score(version, partnerId, month).band !== null;
    seen.set(month, qualified);
    return qualified;
  };
}

/** The status context of the version in force on a date, or undefined when none is, or it has no statuses (PCI). */
export function statusContextOn(
  versions: readonly ScoredVersionDefinition[],
  date: IsoDate,
  qualifiedAt: (month: MonthIndex) => boolean,
): StatusContext | undefined {
  const version = scoredVersionOn(versions, date);
  if (!version?.statuses) return undefined;
  return { rules: version.statuses, windowRule: version.qualificationWindow, qualifiedAt };
}

/** A partner's status on a date from its records, or undefined when the rules in force have no statuses. */
export function partnerStatus(
  versions: readonly ScoredVersionDefinition[],
  data: ScoringDataset,
  partnerId: string,
  enrolment: Enrolment,
  date: IsoDate,
): StatusReport | undefined {
  const context = statusContextOn(versions, date, qualifiedMonths(versions, scorerOf(data), partnerId));
  return context && statusOn(context, enrolment, date);
}

/** An enrolment as JSON holds it: every key always present. */
export function enrolmentJson(enrolment: Enrolment) {
  return enrolment.kind === 'enrolled'
    ? { kind: enrolment.kind, date: enrolment.date as string | null, anniversary: (enrolment.anniversary ?? null) as string | null }
    : { kind: enrolment.kind, date: null as string | null, anniversary: null as string | null };
}

/** The command line's (or the API's) names of the enrolment inputs, for the problems to point at. */
export interface EnrolmentNames {
  readonly enrolled: string;
  readonly anniversary: string;
}

/**
 * An enrolment is a fact the partner gives: no earlier than designations
 * existed, no later than the last date judged, its shared anniversary after it
 * and within its first year.
 */
export function enrolmentProblems(rules: StatusRules, enrolment: Enrolment, last: IsoDate, names: EnrolmentNames): Problem[] {
  if (enrolment.kind !== 'enrolled') return [];
  const problems: Problem[] = [];
  const { date, anniversary } = enrolment;
  if (date < rules.designationsFrom)
    problems.push(problem(names.enrolled, '', 'enrolmentBeforeDesignations', { date, from: rules.designationsFrom }));
  if (date > last) problems.push(problem(names.enrolled, '', 'enrolmentAfterLastDate', { date, last }));
  if (anniversary !== undefined && (anniversary <= date || anniversary > addMonthsToDate(date, 12)))
    problems.push(problem(names.anniversary, '', 'anniversaryOutsideYear', { date: anniversary, enrolled: date }));
  return problems;
}
