/**
 * The scored forecast: the outlook of each month ahead with nothing new
 * (`scoreOutlook`: usage and seats held at M, no new billing or certification),
 * with the partner's status at each month's end, the first month the band is
 * lost and which metrics fell into it as their trailing windows moved, and
 * the first day the status falls (a qualification or an enrolment lapsing).
 */
import { addDaysToDate, type IsoDate } from '../calendar.js';
import { monthIndex, monthText, type MonthIndex } from './months.js';
import { heldAt, scoreOutlookBy } from './outlook.js';
import { compare, type Rational } from './rational.js';
import { jsonPoints, lastDayOf, scorerOf, type MetricUnit, type ScoreReport } from './score.js';
import type { ScoredVersionDefinition } from './schema.js';
import type { ScoringDataset } from './dataset.js';
import { enrolmentJson, qualifiedMonths, statusContextOn, statusOn, type Enrolment, type PcsStatus, type StatusReport } from './status.js';

export interface ForecastMonth {
  readonly month: string;
  readonly version: IsoDate;
  readonly band: string | null;
  readonly report: ScoreReport;
  /** The status on the month's last day; null when the rules in force have no statuses (PCI). */
  readonly status: StatusReport | null;
}

/** A metric whose points fell from one month to the next. */
export interface MetricFall {
  readonly path: string;
  readonly metric: string;
  readonly unit: MetricUnit;
  readonly before: { readonly value: string; readonly points: Rational };
  readonly after: { readonly value: string; readonly points: Rational };
}

export interface BandLoss {
  readonly month: string;
  readonly from: string | null;
  readonly to: string | null;
  /** The month before: the metrics are compared with it. */
  readonly since: string;
  readonly falling: readonly MetricFall[];
  /** The date of the version taking effect in the month, when the rules changed with it; else null. */
  readonly newVersion: IsoDate | null;
}

export interface StatusFall {
  /** The first day the status is below the status at M's end. */
  readonly date: IsoDate;
  readonly month: string;
  readonly from: PcsStatus;
  readonly to: PcsStatus;
  /** The last qualifying day the window still held the day before. */
  readonly lastQualifiedOn: IsoDate | null;
  readonly status: StatusReport;
}

export interface ScoredForecast {
  readonly partnerId: string;
  readonly month: string;
  readonly horizon: number;
  readonly enrolment: Enrolment;
  /** M and the months after it that a scored version judges. */
  readonly months: readonly ForecastMonth[];
  /** Months of the horizon no scored version judges (a gap between versions). */
  readonly unjudged: readonly string[];
  readonly bandLost: BandLoss | null;
  readonly statusFalls: StatusFall | null;
}

const RANK: Readonly<Record<PcsStatus, number>> = { 'in-progress': 0, qualified: 1, enrolled: 2, 'renewal-due': 2 };

function falls(before: ScoreReport, after: ScoreReport): MetricFall[] {
  const out: MetricFall[] = [];
  for (const path of after.paths) {
    const earlier = before.paths.find((p) => p.id === path.id);
    if (!earlier) continue;
    for (const m of path.metrics) {
      const e = earlier.metrics.find((x) => x.id === m.id);
      if (e && compare(m.points, e.points) < 0)
        out.push({
          path: path.id,
          metric: m.id,
          unit: m.unit,
          before: { value: e.value, points: e.points },
          after: { value: m.value, points: m.points },
        });
    }
  }
  return out;
}

export function scoredForecast(
  versions: readonly ScoredVersionDefinition[],
  data: ScoringDataset,
  partnerId: string,
  month: MonthIndex,
  horizon: number,
  enrolment: Enrolment,
): ScoredForecast {
  // Months up to M read the records as they are; the held copy is the same for them, so one scorer serves both.
  const held = scorerOf(heldAt(data, month, horizon));
  const outlook = scoreOutlookBy(versions, held, partnerId, month, horizon);
  const qualifiedAt = qualifiedMonths(versions, held, partnerId);
  const statusOnDay = (date: IsoDate): StatusReport | null => {
    const context = statusContextOn(versions, date, qualifiedAt);
    return context ? statusOn(context, enrolment, date) : null;
  };
  const months: ForecastMonth[] = outlook.months.map((m) => ({
    ...m,
    version: m.version as IsoDate,
    status: statusOnDay(lastDayOf(monthIndex(m.month))),
  }));
  const judged = new Set(months.map((m) => m.month));
  const unjudged: string[] = [];
  for (let m = month; m <= month + horizon; m++) if (!judged.has(monthText(m))) unjudged.push(monthText(m));

  let bandLost: BandLoss | null = null;
  const drop = outlook.firstDrop;
  if (drop) {
    const at = months.findIndex((m) => m.month === drop.month);
    const before = months[at - 1]!;
    const after = months[at]!;
    bandLost = {
      month: drop.month,
      from: drop.from,
      to: drop.to,
      since: before.month,
      falling: falls(before.report, after.report),
      newVersion: after.version !== before.version ? after.version : null,
    };
  }

  let statusFalls: StatusFall | null = null;
  const start = months[0]?.status;
  if (start) {
    const fallen = months.slice(1).find((m) => m.status && RANK[m.status.status] < RANK[start.status]);
    if (fallen?.status) {
      // The month-end says which month; the days of that month say which day.
      let previous = statusOnDay(addDaysToDate(`${fallen.month}-01` as IsoDate, -1));
      for (let day = `${fallen.month}-01` as IsoDate; day <= fallen.status.date; day = addDaysToDate(day, 1)) {
        const s = statusOnDay(day);
        if (s && RANK[s.status] < RANK[start.status]) {
          statusFalls = {
            date: day,
            month: fallen.month,
            from: previous?.status ?? start.status,
            to: s.status,
            lastQualifiedOn: previous?.qualifiedOn ?? null,
            status: s,
          };
          break;
        }
        previous = s;
      }
    }
  }
  return { partnerId, month: monthText(month), horizon, enrolment, months, unjudged, bandLost, statusFalls };
}

/** A scored forecast as JSON holds it: points as exact fractions and decimal text, never floats; every key always present. */
export function scoredForecastJson(f: ScoredForecast) {
  const enrolment = enrolmentJson(f.enrolment);
  const fall = (m: MetricFall) => ({
    path: m.path,
    metric: m.metric,
    unit: m.unit,
    before: { value: m.before.value, points: jsonPoints(m.before.points) },
    after: { value: m.after.value, points: jsonPoints(m.after.points) },
  });
  return {
    partnerId: f.partnerId,
    month: f.month,
    months: f.horizon,
    enrolment,
    forecast: f.months.map((m) => ({
      month: m.month,
      version: m.version,
      band: m.band,
      paths: m.report.paths.map((p) => ({
        path: p.id,
        total: jsonPoints(p.total),
        band: p.band,
        belowMinimum: p.belowMinimum,
        metrics: p.metrics.map((x) => ({ id: x.id, value: x.value, points: jsonPoints(x.points) })),
      })),
      status: m.status,
    })),
    unjudged: f.unjudged,
    bandLost: f.bandLost && { ...f.bandLost, falling: f.bandLost.falling.map(fall) },
    statusFalls: f.statusFalls,
  };
}
