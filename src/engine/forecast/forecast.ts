/**
 * When does an attained level lapse if nothing new arrives? Revenue lines age
 * out of the TTM window one by one; exam passes stop counting when their
 * acceptance ends; a new program version changes the rules on its date.
 * Between those dates nothing changes, so the level is checked only on
 * them, never day by day.
 *
 * Also, as a projection: when the next level would be reached if revenue kept
 * arriving at the TTM average monthly rate.
 */
import { addMonths, dayNumberOf, isoDateOf, parseIsoDate, toDayNumber, type DayNumber, type IsoDate } from '../calendar.js';
import { centsToDollars, isExactCents } from '../money.js';
import {
  judgePartner,
  judgeRequirement,
  measurePartner,
  partnerMarket,
  sumOutOfRange,
  type PartnerMeasures,
} from '../evaluation/evaluate.js';
import { NEVER, type PreparedData } from '../evaluation/prepare.js';
import type { VersionedData } from '../evaluation/prepared-program.js';
import type { PartnerEvaluation, RequirementEvaluation } from '../evaluation/report.js';
import { publicationEndedBy } from '../program/versions.js';
import { inTtmWindow, leavesWindowOn, ttmWindow } from '../rules/ttm-window.js';

export interface FailingRequirement {
  readonly requirement: string;
  /** What is counted: US dollars for revenue, people otherwise. */
  readonly kind: 'revenue' | 'certified-people';
  readonly actual: number;
  /** null when the version published no threshold for the partner's market (`reason`). */
  readonly required: number | null;
  readonly shortfall: number | null;
  readonly reason?: 'no-threshold-published';
}

export interface Lapse {
  /** The first date after the as-of date on which the level is no longer met. */
  readonly date: IsoDate;
  readonly programVersion: IsoDate;
  /** The option's level from that date on. */
  readonly levelAfter: string | null;
  /** The level's requirements that fail on that date, and by how much. */
  readonly failing: readonly FailingRequirement[];
}

export interface Projection {
  /** What is assumed: each month, one twelfth of the TTM revenue of every scope arrives again. */
  readonly basis: 'ttm-average-monthly-rate';
  readonly level: string;
  /** The first date the level would be met, within twelve months; null if not. */
  readonly reachedOn: IsoDate | null;
  /** The monthly revenue assumed, per revenue requirement of the level (US dollars). */
  readonly monthlyRevenue: readonly { readonly requirement: string; readonly amount: number }[];
  /** When not reached: what is still missing twelve months on. */
  readonly blockedBy: readonly FailingRequirement[];
  /** The version judging the date reached, or the end of the twelve months. */
  readonly programVersion: IsoDate;
}

export interface OptionForecast {
  readonly competency: string;
  readonly option: string;
  /** The level attained on the as-of date. */
  readonly level: string | null;
  /** When that level lapses if no new revenue arrives; null if it holds (or there is none). */
  readonly lapse: Lapse | null;
  /** Clearly a projection, not a fact: the next level at the TTM average rate. */
  readonly projection: Projection | null;
}

export interface PartnerForecast {
  readonly partnerId: string;
  readonly asOf: IsoDate;
  readonly programVersion: IsoDate;
  /** Present when the applied version is the last its source published: the date from which nothing newer was. */
  readonly publicationEnded?: IsoDate;
  readonly options: readonly OptionForecast[];
}

const PROJECTION_MONTHS = 12;

export function forecastPartner(program: VersionedData, partnerId: string, asOf: IsoDate): PartnerForecast {
  const partner = program.partnerIndex(partnerId);
  if (partner === undefined) throw new RangeError(`partner "${partnerId}" is not in the dataset`);
  const today = program.on(asOf);
  if (!today) throw new RangeError(`${asOf} is before the first version of ${program.program.id}`);
  const asOfDay = dayNumberOf(asOf);
  const now = judgePartner(today, measurePartner(today, partner, ttmWindow(asOf), { evidence: false }));

  // Computed once for every option: the dates where something changes, and the TTM sums the projection repeats.
  const changes = changeDates(program, partner, asOf);
  const ttm = ttmSums(partner, asOf);
  const lapses = lapsesOf(program, partner, asOf, now, changes);
  const options = now.competencies.flatMap((c) =>
    c.options.map((o): OptionForecast => {
      const key = `${c.competency}/${o.option}`;
      const next = o.level === null ? o.levels[0] : o.levels[o.levels.findIndex((l) => l.level === o.level) + 1];
      return {
        competency: c.competency,
        option: o.option,
        level: o.level,
        lapse: lapses.get(key) ?? null,
        projection: next ? project(program, partner, asOf, asOfDay, changes, ttm, c.competency, o.option, next.level) : null,
      };
    }),
  );
  const ended = publicationEndedBy(today.program, asOf);
  return { partnerId, asOf, programVersion: today.program.effectiveFrom, ...(ended ? { publicationEnded: ended } : {}), options };
}

/** Dates after the as-of date on which, with nothing new, some measure can change. */
function changeDates(program: VersionedData, partner: number, asOf: IsoDate): DayNumber[] {
  const asOfDay = dayNumberOf(asOf);
  const window = ttmWindow(asOf);
  const dates = new Set<DayNumber>();
  const lineDays = new Set<DayNumber>();
  const versions = [program.on(asOf)!, ...program.switchesAfter(asOf).map((d) => program.on(d)!)];
  for (const prepared of versions) {
    // Entries are in date order, a line's entries (one per scope) together: each day once.
    let previous: DayNumber | undefined;
    for (let k = prepared.partnerEntryStart[partner]!; k < prepared.partnerEntryStart[partner + 1]!; k++) {
      const day = prepared.entryDay[k]!;
      if (day !== previous && inTtmWindow(window, day)) lineDays.add(day);
      previous = day;
    }
    // A pass stops counting the day after its exam's acceptance ends.
    for (const last of prepared.examAcceptedUntil) if (last !== NEVER && last >= asOfDay) dates.add(last + 1);
  }
  // A line in today's window leaves it on one exact later date.
  for (const day of lineDays) dates.add(leavesWindowOn(day));
  for (const d of program.switchesAfter(asOf)) dates.add(dayNumberOf(d));
  return [...dates].filter((d) => d > asOfDay).sort((a, b) => a - b);
}

/** The partner as it would stand on `day` if nothing arrived after the as-of date. */
function standing(
  program: VersionedData,
  partner: number,
  day: DayNumber,
  asOfDay: DayNumber,
  adjust?: (m: PartnerMeasures, p: PreparedData) => PartnerMeasures,
) {
  const date = isoDateOf(day);
  const prepared = program.on(date)!;
  const measures = measurePartner(prepared, partner, ttmWindow(date), { evidence: false, knownUntil: asOfDay });
  return { prepared, evaluation: judgePartner(prepared, adjust ? adjust(measures, prepared) : measures) };
}

/**
 * When each level attained on the as-of date lapses if nothing new arrives:
 * the first of the dates where something can change (`changes`, computed
 * when not given) on which the level is no longer met. The forecast and the
 * overview's outlook both search with it. Keyed by `competency/option`;
 * an option whose level holds (or that has none) is absent.
 *
 * `now`: the partner judged as of the as-of date (evidence off will do).
 */
export function lapsesOf(
  program: VersionedData,
  partner: number,
  asOf: IsoDate,
  now: PartnerEvaluation,
  changes?: readonly DayNumber[],
): Map<string, Lapse> {
  const asOfDay = dayNumberOf(asOf);
  const pending = new Map(
    now.competencies.flatMap((c) =>
      c.options
        .filter((o) => o.level !== null)
        .map((o) => [`${c.competency}/${o.option}`, { competency: c.competency, option: o.option, level: o.level! }] as const),
    ),
  );
  const lapses = new Map<string, Lapse>();
  // No level attained, nothing can lapse: the change dates are not even looked for.
  if (pending.size === 0) return lapses;
  const measuresOn = laterMeasures(program, partner, asOfDay);
  for (const day of changes ?? changeDates(program, partner, asOf)) {
    if (pending.size === 0) break;
    const date = isoDateOf(day);
    const { prepared, measures } = measuresOn(day);
    const market = partnerMarket(prepared, partner);
    // Most dates leave the levels held as they were: each is judged alone, the whole partner only on the date one fails.
    let evaluation: PartnerEvaluation | undefined;
    for (const [key, { competency, option, level }] of pending) {
      const held = prepared.program.competencies
        .find((c) => c.id === competency)
        ?.options.find((o) => o.id === option)
        ?.levels.find((l) => l.id === level);
      if (held?.requirements.every((r) => judgeRequirement(prepared, measures, market, r).met)) continue;
      evaluation ??= judgePartner(prepared, measures);
      const optionEvaluation = evaluation.competencies.find((c) => c.competency === competency)?.options.find((o) => o.option === option);
      const levelEvaluation = optionEvaluation?.levels.find((l) => l.level === level);
      pending.delete(key);
      lapses.set(key, {
        date,
        programVersion: prepared.program.effectiveFrom,
        levelAfter: optionEvaluation?.level ?? null,
        failing: (levelEvaluation?.requirements ?? []).filter((r) => !r.met).map(failing),
      });
    }
  }
  return lapses;
}

/**
 * The partner's measures on later and later days (in increasing order) if
 * nothing new arrives, as `measurePartner` gives them with `knownUntil` the
 * as-of day, without measuring everything again each day: under one version
 * and between the days an exam's acceptance ends, only revenue changes, by
 * the lines leaving the window, which are taken off the sums. (Each sum
 * stays a part of one measured exactly, so exact too.) The measures
 * returned are valid until the next call.
 */
function laterMeasures(
  program: VersionedData,
  partner: number,
  asOfDay: DayNumber,
): (day: DayNumber) => { prepared: PreparedData; measures: PartnerMeasures } {
  let prepared: PreparedData | undefined;
  let acceptanceEnds = new Set<DayNumber>();
  let last: PartnerMeasures | undefined;
  let scopeCents: number[] = [];
  // The partner's first entry still counted.
  let next = 0;
  return (day) => {
    const date = isoDateOf(day);
    const on = program.on(date)!;
    const window = ttmWindow(date);
    const { partnerEntryStart, entryDay, entryScope, entryCents } = on;
    const end = partnerEntryStart[partner + 1]!;
    if (on !== prepared || acceptanceEnds.has(day) || last === undefined) {
      if (on !== prepared) {
        prepared = on;
        acceptanceEnds = new Set([...on.examAcceptedUntil].filter((d) => d !== NEVER).map((d) => d + 1));
      }
      last = measurePartner(on, partner, window, { evidence: false, knownUntil: asOfDay });
      scopeCents = [...last.scopeCents];
      for (next = partnerEntryStart[partner]!; next < end && entryDay[next]! < window.first; next++);
      return { prepared: on, measures: last };
    }
    const knownUntil = Math.min(asOfDay, window.last);
    for (; next < end && entryDay[next]! < window.first; next++) {
      // Entries are in date order: one dated after the as-of day was never counted.
      if (entryDay[next]! <= knownUntil) scopeCents[entryScope[next]!]! -= entryCents[next]!;
    }
    return { prepared: on, measures: { ...last, window, knownUntil, scopeCents } };
  };
}

/** Each version's own scope sums as of the as-of date (the projection's monthly rate is a twelfth of them), measured once. */
function ttmSums(partner: number, asOf: IsoDate): (prepared: PreparedData) => readonly number[] {
  const byVersion = new Map<PreparedData, readonly number[]>();
  return (prepared) => {
    let sums = byVersion.get(prepared);
    if (!sums) {
      sums = measurePartner(prepared, partner, ttmWindow(asOf), { evidence: false }).scopeCents;
      byVersion.set(prepared, sums);
    }
    return sums;
  };
}

function project(
  program: VersionedData,
  partner: number,
  asOf: IsoDate,
  asOfDay: DayNumber,
  changes: readonly DayNumber[],
  ttm: (prepared: PreparedData) => readonly number[],
  competency: string,
  option: string,
  level: string,
): Projection {
  const civil = parseIsoDate(asOf)!;
  // Monthly arrivals on the as-of day; the last one on the day today's lines have all left the window
  // (a year on, or 1 March for 29 February), so no line is counted both as old and as arrived.
  const arrivals = Array.from({ length: PROJECTION_MONTHS }, (_, k) =>
    k + 1 === PROJECTION_MONTHS ? leavesWindowOn(asOfDay) : toDayNumber(addMonths(civil, k + 1)),
  );
  const horizon = arrivals.at(-1)!;
  const withArrivals =
    (day: DayNumber) =>
    (measures: PartnerMeasures, prepared: PreparedData): PartnerMeasures => {
      const arrived = arrivals.filter((a) => a <= day).length;
      const base = ttm(prepared);
      return {
        ...measures,
        scopeCents: measures.scopeCents.map((cents, s) => {
          const projected = cents + monthly(base[s]!, arrived);
          if (!isExactCents(projected)) throw sumOutOfRange(prepared, partner, s, day);
          return projected;
        }),
      };
    };
  const levelOf = (evaluation: PartnerEvaluation) =>
    evaluation.competencies
      .find((c) => c.competency === competency)
      ?.options.find((o) => o.option === option)
      ?.levels.find((l) => l.level === level);

  const candidates = [...new Set([...changes.filter((d) => d <= horizon), ...arrivals])].sort((a, b) => a - b);
  let reachedOn: IsoDate | null = null;
  let last: ReturnType<typeof levelOf>;
  let judgedBy = program.on(asOf)!.program.effectiveFrom;
  for (const day of candidates) {
    const { prepared, evaluation } = standing(program, partner, day, asOfDay, withArrivals(day));
    last = levelOf(evaluation);
    judgedBy = prepared.program.effectiveFrom;
    if (last?.met) {
      reachedOn = isoDateOf(day);
      break;
    }
  }
  const today = program.on(asOf)!;
  const definition = today.program.competencies
    .find((c) => c.id === competency)
    ?.options.find((o) => o.id === option)
    ?.levels.find((l) => l.id === level);
  const sums = ttm(today);
  return {
    basis: 'ttm-average-monthly-rate',
    level,
    reachedOn,
    monthlyRevenue: (definition?.requirements ?? []).flatMap((r) =>
      r.kind === 'revenue' ? [{ requirement: r.id, amount: centsToDollars(monthly(sums[r.scope.index]!, 1)) }] : [],
    ),
    blockedBy: reachedOn ? [] : (last?.requirements ?? []).filter((r) => !r.met).map(failing),
    programVersion: judgedBy,
  };
}

/** `months` twelfths of a TTM sum, in whole cents (rounded half up); nothing when the sum is not positive. */
function monthly(ttmCents: number, months: number): number {
  if (ttmCents <= 0) return 0;
  const twice = ttmCents * months * 2 + 12;
  // Exact in numbers while the product is; in bigints beyond (the result, at most the TTM sum, always is).
  return Number.isSafeInteger(twice) ? Math.floor(twice / 24) : Number((BigInt(ttmCents) * BigInt(months) * 2n + 12n) / 24n);
}

function failing(r: RequirementEvaluation): FailingRequirement {
  const kind = r.kind === 'any-of' ? (r.alternatives.find((a) => a.id === r.closest)?.kind ?? 'certified-people') : r.kind;
  const shown = r.kind === 'any-of' ? r.alternatives.find((a) => a.id === r.closest) : r;
  const reason = shown?.kind === 'revenue' ? shown.reason : undefined;
  return { requirement: r.id, kind, actual: r.actual, required: r.required, shortfall: r.shortfall, ...(reason ? { reason } : {}) };
}
