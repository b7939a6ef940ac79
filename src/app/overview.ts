/**
 * The overview of every partner (issue #14: "at risk", "closest"): the
 * partners' summaries with each option's outlook (engine/forecast/outlook.ts),
 * filtered, searched and sorted — what the partner list answers, a page of
 * it as JSON or all of it as CSV. Pure: given the summaries, the version
 * that judged them and the query, already parsed.
 *
 * The filters and sorts on outlooks look at the options the query is about:
 * the one `option` names, or every option. A partner matches `lapsesWithin`
 * when one of them lapses within that many days of the as-of date, and
 * `nextWithin` when one of them is that close to its next level (the largest
 * shortfall ÷ its requirement, in percent: unit-free, so a revenue gap and a
 * people gap compare); it sorts by the earliest lapse, the smallest ratio,
 * the smallest revenue shortfall, the highest level of those options.
 * Partners with nothing to sort by (no lapse, no next level that can be
 * reached) come last in either order.
 */
import { dayNumberOf, isoDateOf, type IsoDate, type OptionOutlook, type ProgramVersion } from '../engine/index.js';
import type { PartnerSummary } from './evaluations.js';

/** A partner of the list: its summary and, per option, its outlook. */
export interface OverviewRow extends PartnerSummary {
  readonly outlook: readonly OptionOutlook[];
}

export const OVERVIEW_SORTS = ['id', 'name', 'country', 'market', 'level', 'lapse', 'shortfallRatio', 'revenueShortfall'] as const;
export type OverviewSort = (typeof OVERVIEW_SORTS)[number];

export interface SummaryFilters {
  /** A piece of the id or the name, any case. */
  readonly q?: string | undefined;
  readonly market?: string | undefined;
  readonly country?: string | undefined;
}

export interface OverviewQuery extends SummaryFilters {
  /** An option id, or `competency/option` when not unique. */
  readonly option?: string | undefined;
  /** A level id, `none` or `any`: with `option`, that level in it (`any`: whatever level); alone, in some option. */
  readonly level?: string | undefined;
  /** Days after the as-of date: partners with a level lapsing on or before that day. */
  readonly lapsesWithin?: number | undefined;
  /** Percent: partners whose next level's largest shortfall is at most that part of its requirement. */
  readonly nextWithin?: number | undefined;
  readonly sort: OverviewSort;
  readonly order: 'asc' | 'desc';
}

/** An `option` or `level` the version does not have, with those it has. */
export interface ChoiceProblem {
  readonly kind: 'unknownOption' | 'unknownLevel';
  readonly value: string;
  readonly known: readonly string[];
}

export type Choice<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: ChoiceProblem };

/** The overview as asked: the rows, and the options (`competency/option`) the query is about, in the version's order. */
export interface Overview {
  readonly rows: readonly OverviewRow[];
  readonly options: readonly string[];
}

/** Whether a partner passes the market, country and search filters. */
export function matchesFilters(query: SummaryFilters): (p: PartnerSummary) => boolean {
  const needle = query.q?.toLowerCase();
  return (p) =>
    (query.market === undefined || p.market === query.market) &&
    (query.country === undefined || p.country === query.country.toUpperCase()) &&
    (needle === undefined || p.id.toLowerCase().includes(needle) || p.name.toLowerCase().includes(needle));
}

/** The options `option` names (every option when absent), as `competency/option` keys. */
export function chosenOptions(version: ProgramVersion, option: string | undefined): Choice<readonly string[]> {
  const options = version.competencies.flatMap((c) => c.options.map((o) => ({ id: o.id, key: `${c.id}/${o.id}` })));
  const chosen = option === undefined ? options : options.filter((o) => o.id === option || o.key === option);
  if (chosen.length === 0) return { ok: false, problem: { kind: 'unknownOption', value: option ?? '', known: options.map((o) => o.id) } };
  return { ok: true, value: chosen.map((o) => o.key) };
}

/** The predicate of the `option` and `level` filters. */
export function levelFilter(
  version: ProgramVersion,
  query: Pick<OverviewQuery, 'option' | 'level'>,
): Choice<(p: PartnerSummary) => boolean> {
  const { option, level } = query;
  if (option === undefined && (level === undefined || level === 'any')) return { ok: true, value: () => true };
  const chosen = chosenOptions(version, option);
  if (!chosen.ok) return chosen;
  const keys = new Set(chosen.value);
  const levels = version.competencies.flatMap((c) => c.options.filter((o) => keys.has(`${c.id}/${o.id}`)).flatMap((o) => o.levels));
  if (level !== undefined && level !== 'none' && level !== 'any' && !levels.some((l) => l.id === level)) {
    return { ok: false, problem: { kind: 'unknownLevel', value: level, known: [...new Set(levels.map((l) => l.id)), 'none', 'any'] } };
  }
  const wanted =
    level === undefined
      ? (l: string | null) => l !== null
      : level === 'any'
        ? () => true
        : (l: string | null) => (level === 'none' ? l === null : l === level);
  return { ok: true, value: (p) => p.levels.some((l) => keys.has(`${l.competency}/${l.option}`) && wanted(l.level)) };
}

/** The outlooks of a row for the options chosen. */
function outlooksIn(keys: ReadonlySet<string>): (row: OverviewRow) => OptionOutlook[] {
  return (row) => row.outlook.filter((o) => keys.has(`${o.competency}/${o.option}`));
}

/** The predicate of `lapsesWithin` and `nextWithin`. */
function outlookFilter(query: OverviewQuery, asOf: IsoDate, keys: ReadonlySet<string>): (row: OverviewRow) => boolean {
  const { lapsesWithin, nextWithin } = query;
  if (lapsesWithin === undefined && nextWithin === undefined) return () => true;
  const of = outlooksIn(keys);
  const lastDay = lapsesWithin === undefined ? undefined : isoDateOf(dayNumberOf(asOf) + lapsesWithin);
  // shortfall ÷ required against X ÷ 100: both rounded once from exact quotients, so equal ones compare equal.
  const most = nextWithin === undefined ? undefined : nextWithin / 100;
  return (row) => {
    const outlooks = of(row);
    return (
      (lastDay === undefined || outlooks.some((o) => o.lapse !== null && o.lapse.date <= lastDay)) &&
      (most === undefined || outlooks.some((o) => ratioOf(o) !== null && ratioOf(o)! <= most))
    );
  };
}

function ratioOf(o: OptionOutlook): number | null {
  return o.next?.largestShortfall.ratio ?? null;
}

/** The smallest of some values, null when there is none. */
function least<T extends number | string>(values: readonly (T | null | undefined)[]): T | null {
  let found: T | null = null;
  for (const v of values) if (v !== null && v !== undefined && (found === null || v < found)) found = v;
  return found;
}

/** What a sort compares, per row: a string or a number; null for nothing (last in either order). */
function sortKey(
  sort: Exclude<OverviewSort, 'id' | 'name' | 'country' | 'market'>,
  version: ProgramVersion,
  keys: ReadonlySet<string>,
): (row: OverviewRow) => number | string | null {
  const of = outlooksIn(keys);
  switch (sort) {
    case 'lapse':
      return (row) => least(of(row).map((o) => o.lapse?.date));
    case 'shortfallRatio':
      return (row) => least(of(row).map(ratioOf));
    case 'revenueShortfall':
      return (row) => least(of(row).map((o) => o.next?.revenueShortfall));
    case 'level': {
      // A level's rank in its option (0: the lowest); none below every level.
      const ranks = new Map<string, number>(
        version.competencies.flatMap((c) => c.options.flatMap((o) => o.levels.map((l) => [`${c.id}/${o.id}/${l.id}`, l.rank] as const))),
      );
      return (row) => {
        let highest = -1;
        for (const l of row.levels) {
          const key = `${l.competency}/${l.option}`;
          if (keys.has(key) && l.level !== null) highest = Math.max(highest, ranks.get(`${key}/${l.level}`) ?? -1);
        }
        return highest;
      };
    }
  }
}

function sortRows(
  rows: OverviewRow[],
  query: OverviewQuery,
  version: ProgramVersion,
  keys: ReadonlySet<string>,
  locale: string,
): OverviewRow[] {
  const sign = query.order === 'desc' ? -1 : 1;
  const byId = (a: OverviewRow, b: OverviewRow) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const { sort } = query;
  if (sort === 'id') return rows.sort((a, b) => sign * byId(a, b));
  if (sort === 'name' || sort === 'country' || sort === 'market') {
    const collator = new Intl.Collator(locale, { sensitivity: 'base', numeric: true });
    return rows.sort((a, b) => sign * (collator.compare(a[sort], b[sort]) || byId(a, b)));
  }
  const keyOf = sortKey(sort, version, keys);
  const decorated = rows.map((row) => ({ row, key: keyOf(row) }));
  decorated.sort((a, b) => {
    if (a.key === null || b.key === null) return a.key === b.key ? sign * byId(a.row, b.row) : a.key === null ? 1 : -1;
    return sign * (a.key < b.key ? -1 : a.key > b.key ? 1 : byId(a.row, b.row));
  });
  return decorated.map((d) => d.row);
}

/** The rows the query asks for, sorted; a problem when it names an option or a level the version does not have. */
export function overview(
  rows: readonly OverviewRow[],
  version: ProgramVersion,
  asOf: IsoDate,
  query: OverviewQuery,
  locale: string,
): Choice<Overview> {
  const matchesLevel = levelFilter(version, query);
  if (!matchesLevel.ok) return matchesLevel;
  const chosen = chosenOptions(version, query.option);
  if (!chosen.ok) return chosen;
  const keys = new Set(chosen.value);
  const matches = matchesFilters(query);
  const matchesOutlook = outlookFilter(query, asOf, keys);
  const kept = rows.filter((row) => matches(row) && matchesLevel.value(row) && matchesOutlook(row));
  return { ok: true, value: { rows: sortRows(kept, query, version, keys, locale), options: chosen.value } };
}

/**
 * The same as `overview`, kept per list of rows (the live state's, which
 * stays the same object while the data and the date do not change) and per
 * query: paging through a list of 100,000 partners sorted by name sorts it
 * once, not once a page. A few queries are kept per list.
 */
const kept = new WeakMap<readonly OverviewRow[], Map<string, Choice<Overview>>>();
const QUERIES_KEPT = 8;

export function keptOverview(
  rows: readonly OverviewRow[],
  version: ProgramVersion,
  asOf: IsoDate,
  query: OverviewQuery,
  locale: string,
): Choice<Overview> {
  const { q, market, country, option, level, lapsesWithin, nextWithin, sort, order } = query;
  const key = JSON.stringify([
    version.effectiveFrom,
    asOf,
    locale,
    q,
    market,
    country,
    option,
    level,
    lapsesWithin,
    nextWithin,
    sort,
    order,
  ]);
  let queries = kept.get(rows);
  if (!queries) {
    queries = new Map();
    kept.set(rows, queries);
  }
  let found = queries.get(key);
  if (!found) {
    found = overview(rows, version, asOf, query, locale);
    queries.set(key, found);
    if (queries.size > QUERIES_KEPT) queries.delete(queries.keys().next().value!);
  }
  return found;
}
