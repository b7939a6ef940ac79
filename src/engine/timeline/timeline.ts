/**
 * A partner through time: at every step from one date to another, each
 * option's level, each revenue requirement's TTM actual and each people
 * count, with the thresholds of every level. The data behind the charts.
 */
import { addMonths, dayNumberOf, isoDateOf, parseIsoDate, toDayNumber, type IsoDate } from '../calendar.js';
import { judgePartner, measurePartner } from '../evaluation/evaluate.js';
import type { VersionedData } from '../evaluation/prepared-program.js';
import type { RequirementEvaluation } from '../evaluation/report.js';
import { publicationEndedBy } from '../program/versions.js';
import { ttmWindow } from '../rules/ttm-window.js';

export type Step = 'month' | 'week';

export interface TimelineRequirement {
  /** The requirement id; an alternative of an any-of requirement is `requirement/alternative`. */
  readonly id: string;
  readonly kind: 'revenue' | 'certified-people';
  /** US dollars in the TTM window, or qualifying people. */
  readonly actual: number;
  /** What each level requires of it. */
  readonly required: Readonly<Record<string, number>>;
}

export interface TimelinePoint {
  readonly date: IsoDate;
  readonly programVersion: IsoDate;
  /** Present when the applied version is the last its source published: the date from which nothing newer was. */
  readonly publicationEnded?: IsoDate;
  readonly options: readonly {
    readonly competency: string;
    readonly option: string;
    readonly level: string | null;
    readonly requirements: readonly TimelineRequirement[];
  }[];
}

export interface PartnerTimeline {
  readonly partnerId: string;
  readonly from: IsoDate;
  readonly to: IsoDate;
  readonly step: Step;
  readonly points: readonly TimelinePoint[];
}

/** The dates of a timeline: `from`, then every month (same day, clamped) or week, up to `to`. */
export function stepDates(from: IsoDate, to: IsoDate, step: Step): IsoDate[] {
  const start = parseIsoDate(from);
  if (!start) throw new RangeError(`"${from}" is not a calendar date`);
  const last = dayNumberOf(to);
  const dates: IsoDate[] = [];
  for (let k = 0; ; k++) {
    const day = step === 'week' ? toDayNumber(start) + 7 * k : toDayNumber(addMonths(start, k));
    if (day > last) return dates;
    dates.push(isoDateOf(day));
  }
}

export function timelineOf(program: VersionedData, partnerId: string, from: IsoDate, to: IsoDate, step: Step): PartnerTimeline {
  const partner = program.partnerIndex(partnerId);
  if (partner === undefined) throw new RangeError(`partner "${partnerId}" is not in the dataset`);
  const points = stepDates(from, to, step).map((date): TimelinePoint => {
    const prepared = program.on(date);
    if (!prepared) throw new RangeError(`${date} is before the first version of ${program.program.id}`);
    const evaluation = judgePartner(prepared, measurePartner(prepared, partner, ttmWindow(date), { evidence: false }));
    const ended = publicationEndedBy(prepared.program, date);
    return {
      date,
      programVersion: prepared.program.effectiveFrom,
      ...(ended ? { publicationEnded: ended } : {}),
      options: evaluation.competencies.flatMap((c) =>
        c.options.map((o) => {
          // One series per requirement id, with each level's threshold beside it.
          const series = new Map<
            string,
            { id: string; kind: TimelineRequirement['kind']; actual: number; required: Record<string, number> }
          >();
          const add = (id: string, r: Exclude<RequirementEvaluation, { kind: 'any-of' }>, level: string) => {
            const entry = series.get(id) ?? { id, kind: r.kind, actual: r.actual, required: {} };
            // A level without a threshold for the partner's market has none to chart.
            if (r.required !== null) entry.required[level] = r.required;
            series.set(id, entry);
          };
          for (const l of o.levels) {
            for (const r of l.requirements) {
              if (r.kind === 'any-of') for (const a of r.alternatives) add(`${r.id}/${a.id}`, a, l.level);
              else add(r.id, r, l.level);
            }
          }
          return { competency: c.competency, option: o.option, level: o.level, requirements: [...series.values()] };
        }),
      ),
    };
  });
  return { partnerId, from, to, step, points };
}
