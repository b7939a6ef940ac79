/**
 * The overview as CSV (`GET /api/v1/partners?format=csv`): every partner of
 * the filtered, sorted list, not one page. One row per partner and option —
 * each row holds the partner's columns again — so that a spreadsheet's
 * filter, sort and pivot work on any column as they are (a lapse date, a
 * ratio) without a column per option to pick from. The options are those
 * the query is about (`option`, or every option), in the version's order.
 * Plain values for spreadsheets: ids, ISO dates, US dollars and ratios as
 * plain numbers; `none` for no level, an empty cell for what does not apply
 * (no lapse, no next level); every cell through the formula-escaping writer
 * (csv.ts).
 */
import type { OverviewRow } from '../app/overview.js';
import { stringifyCsv } from './csv.js';

export const OVERVIEW_CSV_COLUMNS = [
  'id',
  'name',
  'country',
  'market',
  'competency',
  'option',
  'level',
  'lapseDate',
  'levelAfterLapse',
  'nextLevel',
  'shortfallRequirement',
  'shortfallAlternative',
  'shortfallKind',
  'shortfall',
  'shortfallRequired',
  'shortfallRatio',
  'shortfallReason',
  'revenueShortfall',
] as const;

/** `options`: the `competency/option` keys to write, in order. */
export function renderOverviewCsv(rows: readonly OverviewRow[], options: readonly string[]): string {
  const body = rows.flatMap((row) => {
    const byKey = new Map<string, OverviewRow['outlook'][number]>(row.outlook.map((o) => [`${o.competency}/${o.option}`, o]));
    return options.flatMap((key) => {
      const o = byKey.get(key);
      if (!o) return [];
      const largest = o.next?.largestShortfall;
      return [
        [
          row.id,
          row.name,
          row.country,
          row.market,
          o.competency,
          o.option,
          o.level ?? 'none',
          o.lapse?.date,
          o.lapse ? (o.lapse.levelAfter ?? 'none') : undefined,
          o.next?.level,
          largest?.requirement,
          largest?.alternative,
          largest?.kind,
          largest?.shortfall,
          largest?.required,
          largest?.ratio,
          largest?.reason,
          o.next?.revenueShortfall,
        ],
      ];
    });
  });
  return stringifyCsv([[...OVERVIEW_CSV_COLUMNS], ...body]);
}
