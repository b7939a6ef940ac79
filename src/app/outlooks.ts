/**
 * Every partner's outlook as of a date (engine/forecast/outlook.ts): what
 * the overview filters and sorts by, computed beside the summaries from the
 * same data — the whole store as columns, or one partner's neighbourhood.
 */
import {
  judgedBy,
  outlookOf,
  SumOutOfRangeError,
  type IsoDate,
  type OptionOutlook,
  type ProgramVersion,
  type VersionedData,
} from '../engine/index.js';
import type { Outcome } from './reports.js';

/**
 * The outlook of each partner named, in their order. `forced`: the version
 * `programVersion` named, judging every date (as `--program-version` does);
 * the data's own versions are used as they are, so one ColumnsProgram kept
 * for the store serves every request. A `data` failure when money adds up
 * beyond exact cents on a date the lapse is looked for (docs/rules.md,
 * section 3), as the forecast fails.
 */
export function outlooksOf(
  data: VersionedData,
  partnerIds: readonly string[],
  asOf: IsoDate,
  forced?: ProgramVersion,
): Outcome<readonly (readonly OptionOutlook[])[]> {
  const judging = forced ? judgedBy(data, forced) : data;
  try {
    return {
      ok: true,
      value: partnerIds.map((id) => {
        const partner = data.partnerIndex(id);
        if (partner === undefined) throw new RangeError(`partner "${id}" is not in the data`);
        return outlookOf(judging, partner, asOf).options;
      }),
    };
  } catch (error) {
    if (error instanceof SumOutOfRangeError) return { ok: false, kind: 'data', problems: [error.problem] };
    throw error;
  }
}
