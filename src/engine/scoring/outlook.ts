/**
 * Scores through time: the qualification window (qualified on at least one
 * day of the current month and the months before it: with monthly data, at
 * one month-end of the window), and the outlook — when a band is lost as
 * trailing windows move on, with nothing new after M: no new billing, usage
 * and seats held at their level of M, no new certifications or baselines.
 */
import { monthIndex, monthText, type MonthIndex } from './months.js';
import { lastDayOf, scorerOf, type Scorer, type ScoreReport } from './score.js';
import type { ScoredVersionDefinition } from './schema.js';
import type { ScoringDataset } from './dataset.js';
import { scoredVersionOn } from './versions.js';

export interface WindowResult {
  readonly from: string;
  readonly to: string;
  /** Each month-end of the window with the partner's band on it (null: none; absent months had no scored version). */
  readonly months: readonly { readonly month: string; readonly band: string | null }[];
  /** The best band reached at some month-end of the window. */
  readonly band: string | null;
}

function rank(version: ScoredVersionDefinition, band: string | null): number {
  if (band === null) return -1;
  return [...version.bands].sort((a, b) => Number(a.from) - Number(b.from)).findIndex((b) => b.id === band);
}

/** The partner's band over the qualification window ending with month M (M alone before the window's rule takes effect). */
export function qualificationWindow(
  versions: readonly ScoredVersionDefinition[],
  data: ScoringDataset,
  partnerId: string,
  month: MonthIndex,
  score: Scorer = scorerOf(data),
): WindowResult | undefined {
  const version = scoredVersionOn(versions, lastDayOf(month));
  if (!version) return undefined;
  const rule = version.qualificationWindow;
  const length = rule && lastDayOf(month) >= rule.effectiveFrom ? rule.months : 1;
  const months: { month: string; band: string | null }[] = [];
  let best: string | null = null;
  for (let m = month - length + 1; m <= month; m++) {
    const v = scoredVersionOn(versions, lastDayOf(m));
    if (!v) continue;
    const band = score(v, partnerId, m).band;
    months.push({ month: monthText(m), band });
    // A month counts with the band its own version gave it: qualifying under the rules then in force is qualifying,
    // though a later revision judges the month the window ends in. Bands are ranked by the current version's order.
    if (rank(version, band) > rank(version, best)) best = band;
  }
  return { from: monthText(month - length + 1), to: monthText(month), months, band: best };
}

/** The data known at the end of month M, carried forward `horizon` months: usage and seats of M held, nothing else new. */
export function heldAt(data: ScoringDataset, month: MonthIndex, horizon: number): ScoringDataset {
  const end = lastDayOf(month);
  const usageOfM = data.usage.filter((u) => u.month === month);
  const seatsOfM = data.seats.filter((s) => s.month === month);
  const ahead = Array.from({ length: horizon }, (_, k) => month + k + 1);
  return {
    ...data,
    billing: data.billing.filter((b) => b.month <= month),
    usage: [...data.usage.filter((u) => u.month <= month), ...ahead.flatMap((m) => usageOfM.map((u) => ({ ...u, month: m })))],
    seats: [...data.seats.filter((s) => s.month <= month), ...ahead.flatMap((m) => seatsOfM.map((s) => ({ ...s, month: m })))],
    examPasses: data.examPasses.filter((p) => p.date <= end),
    certificationsHeld: data.certificationsHeld.filter((c) => c.date <= end),
    baselines: data.baselines.filter((b) => b.date <= end),
  };
}

export interface Outlook {
  /** The band at M and the score of each month after it, each by the version in force then. */
  readonly months: readonly {
    readonly month: string;
    readonly version: string;
    readonly band: string | null;
    readonly report: ScoreReport;
  }[];
  /** The first month whose band is lower than M's, or null within the horizon. */
  readonly firstDrop: { readonly month: string; readonly from: string | null; readonly to: string | null } | null;
}

export function scoreOutlook(
  versions: readonly ScoredVersionDefinition[],
  data: ScoringDataset,
  partnerId: string,
  month: MonthIndex,
  horizon = 12,
): Outlook {
  return scoreOutlookBy(versions, scorerOf(heldAt(data, month, horizon)), partnerId, month, horizon);
}

/** The outlook scored by a scorer of the data already held at M (`heldAt`), so a caller can score more months of it. */
export function scoreOutlookBy(
  versions: readonly ScoredVersionDefinition[],
  held: Scorer,
  partnerId: string,
  month: MonthIndex,
  horizon: number,
): Outlook {
  const months: Outlook['months'][number][] = [];
  for (let m = month; m <= month + horizon; m++) {
    const v = scoredVersionOn(versions, lastDayOf(m));
    if (!v) continue;
    const report = held(v, partnerId, m);
    months.push({ month: monthText(m), version: v.effectiveFrom, band: report.band, report });
  }
  const start = months[0];
  let firstDrop: Outlook['firstDrop'] = null;
  if (start) {
    const rankOf = (entry: (typeof months)[number]): number =>
      rank(scoredVersionOn(versions, lastDayOf(monthIndex(entry.month)))!, entry.band);
    const drop = months.slice(1).find((entry) => rankOf(entry) < rankOf(start));
    if (drop) firstDrop = { month: drop.month, from: start.band, to: drop.band };
  }
  return { months, firstDrop };
}
