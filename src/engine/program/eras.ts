/**
 * One program across eras: the threshold competency's versions and the scored
 * versions that continue it (PCI, then PCS), as one history in date order.
 * Which version judges a date follows `eraOn`: the latest version of either
 * kind in force, a scored version that ended leaving a gap with no rules.
 */
import type { IsoDate } from '../calendar.js';
import type { ScoredVersionDefinition } from '../scoring/schema.js';
import { eraOn, scoredVersionOn } from '../scoring/versions.js';

export type HistoryStep =
  | { readonly kind: 'threshold'; readonly effectiveFrom: IsoDate }
  | { readonly kind: 'scored'; readonly effectiveFrom: IsoDate; readonly endsOn?: IsoDate; readonly version: ScoredVersionDefinition };

export interface ProgramHistory {
  /** Every version of both kinds, oldest first; on the same date the scored version comes last (it is the one in force). */
  readonly steps: readonly HistoryStep[];
  /** The version judging a date, or undefined (before the first version, or in a gap after a scored version ended). */
  readonly judging: (date: IsoDate) => HistoryStep | undefined;
}

export function programHistory(thresholdDates: readonly IsoDate[], scored: readonly ScoredVersionDefinition[]): ProgramHistory {
  const steps: HistoryStep[] = [
    ...[...new Set(thresholdDates)].map((effectiveFrom): HistoryStep => ({ kind: 'threshold', effectiveFrom })),
    ...scored.map((version): HistoryStep =>
      version.endsOn === undefined
        ? { kind: 'scored', effectiveFrom: version.effectiveFrom, version }
        : { kind: 'scored', effectiveFrom: version.effectiveFrom, endsOn: version.endsOn, version },
    ),
  ].sort((a, b) =>
    a.effectiveFrom < b.effectiveFrom
      ? -1
      : a.effectiveFrom > b.effectiveFrom
        ? 1
        : a.kind === b.kind
          ? 0
          : a.kind === 'threshold'
            ? -1
            : 1,
  );
  const sortedScored = [...scored].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : 0));
  const judging = (date: IsoDate): HistoryStep | undefined => {
    const era = eraOn(thresholdDates, sortedScored, date);
    if (era === 'none') return undefined;
    if (era === 'scored') {
      const v = scoredVersionOn(sortedScored, date);
      return steps.find((s) => s.kind === 'scored' && s.version === v);
    }
    return steps.filter((s) => s.kind === 'threshold' && s.effectiveFrom <= date).at(-1);
  };
  return { steps, judging };
}
