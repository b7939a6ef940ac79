/**
 * A partner's timeline across eras: at every step, the version judging the
 * date by `programHistory` — a threshold version of the competency, a scored
 * version (PCI, PCS), or none (before the first version, or in the gap a
 * scored version leaves when it ends before its successor) — and what that
 * version says: the threshold levels (given by the caller, who holds the
 * threshold dataset), or the scored band, totals and status.
 */
import { addDaysToDate, type IsoDate } from '../calendar.js';
import type { HistoryStep, ProgramHistory } from '../program/eras.js';
import { monthOfDate, monthText } from '../scoring/months.js';
import type { Rational } from '../scoring/rational.js';
import { jsonPoints, scorerOf } from '../scoring/score.js';
import type { ScoredVersionDefinition } from '../scoring/schema.js';
import type { ScoringDataset } from '../scoring/dataset.js';
import { qualifiedMonths, statusContextOn, statusOn, type Enrolment, type StatusReport } from '../scoring/status.js';
import type { TimelinePoint } from './timeline.js';

export type EraPoint =
  | {
      readonly date: IsoDate;
      readonly era: 'threshold';
      readonly version: IsoDate;
      /** The options of the competency the scored program continues, with their levels; null without a threshold dataset. */
      readonly options: TimelinePoint['options'] | null;
    }
  | {
      readonly date: IsoDate;
      readonly era: 'scored';
      readonly version: IsoDate;
      /** The evaluation month: the month of the date. */
      readonly month: string;
      readonly band: string | null;
      readonly paths: readonly { readonly id: string; readonly total: Rational; readonly band: string | null }[];
      /** The status on the date; null when the version has no statuses (PCI). */
      readonly status: StatusReport | null;
    }
  | {
      readonly date: IsoDate;
      readonly era: 'none';
      /** The version in force before, ended (`endsOn`) with no successor yet; null before the first version. */
      readonly ended: IsoDate | null;
      /** The next version's date, if any. */
      readonly next: IsoDate | null;
    };

/** Days no version judges between two versions: a scored version ended before the next took effect. */
export interface EraGap {
  readonly from: IsoDate;
  /** The day before the next version; null when none follows. */
  readonly to: IsoDate | null;
  /** The ended version's effective date, and its last day. */
  readonly version: IsoDate;
  readonly endsOn: IsoDate;
  readonly next: IsoDate | null;
}

export interface ErasTimeline {
  readonly partnerId: string;
  readonly gaps: readonly EraGap[];
  readonly points: readonly EraPoint[];
}

/** Every gap of the history: from the day after a scored version's `endsOn` to the day before the next version (open-ended if none). */
export function gapsOf(history: ProgramHistory): EraGap[] {
  const gaps: EraGap[] = [];
  for (const step of history.steps) {
    if (step.kind !== 'scored' || step.endsOn === undefined) continue;
    const next = history.steps.find((s) => s.effectiveFrom > step.endsOn!);
    const from = addDaysToDate(step.endsOn, 1);
    if (next && next.effectiveFrom <= from) continue;
    gaps.push({
      from,
      to: next ? addDaysToDate(next.effectiveFrom, -1) : null,
      version: step.effectiveFrom,
      endsOn: step.endsOn,
      next: next?.effectiveFrom ?? null,
    });
  }
  return gaps;
}

export interface ErasInputs {
  readonly history: ProgramHistory;
  readonly scored: readonly ScoredVersionDefinition[];
  readonly data: ScoringDataset;
  readonly partnerId: string;
  readonly enrolment: Enrolment;
  /** The threshold levels on a date judged by a threshold version; absent without a threshold dataset. */
  readonly threshold?: ((date: IsoDate) => TimelinePoint['options']) | undefined;
}

export function erasTimelineOf(inputs: ErasInputs, dates: readonly IsoDate[]): ErasTimeline {
  const { history, scored, data, partnerId, enrolment } = inputs;
  const score = scorerOf(data);
  const qualifiedAt = qualifiedMonths(scored, score, partnerId);
  const first = dates[0];
  const last = dates.at(-1);
  const gaps = first && last ? gapsOf(history).filter((g) => g.from <= last && (g.to === null || g.to >= first)) : [];
  const points = dates.map((date): EraPoint => {
    const step: HistoryStep | undefined = history.judging(date);
    if (step === undefined) {
      const before = history.steps.filter((s) => s.effectiveFrom <= date).at(-1);
      const next = history.steps.find((s) => s.effectiveFrom > date);
      return {
        date,
        era: 'none',
        ended: before?.kind === 'scored' && before.endsOn !== undefined ? before.endsOn : null,
        next: next?.effectiveFrom ?? null,
      };
    }
    if (step.kind === 'threshold')
      return { date, era: 'threshold', version: step.effectiveFrom, options: inputs.threshold ? inputs.threshold(date) : null };
    const month = monthOfDate(date);
    const report = score(step.version, partnerId, month);
    const context = statusContextOn(scored, date, qualifiedAt);
    return {
      date,
      era: 'scored',
      version: step.effectiveFrom,
      month: monthText(month),
      band: report.band,
      paths: report.paths.map((p) => ({ id: p.id, total: p.total, band: p.band })),
      status: context ? statusOn(context, enrolment, date) : null,
    };
  });
  return { partnerId, gaps, points };
}

/** An eras timeline as JSON holds it: totals as exact fractions and decimal text; every key of a point's era always present. */
export function erasTimelineJson(t: ErasTimeline) {
  return {
    partnerId: t.partnerId,
    gaps: t.gaps,
    points: t.points.map((p) =>
      p.era === 'scored' ? { ...p, paths: p.paths.map((x) => ({ id: x.id, total: jsonPoints(x.total), band: x.band })) } : p,
    ),
  };
}
