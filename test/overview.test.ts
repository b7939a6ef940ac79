/**
 * The overview's list logic (src/app/overview.ts) and its CSV
 * (src/render/overview-csv.ts) on rows made by hand: the edges of each
 * filter, the order of each sort with partners that have nothing to sort
 * by, and what a spreadsheet gets.
 */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { overview, type OverviewQuery, type OverviewRow } from '../src/app/overview.js';
import type { IsoDate, OptionOutlook } from '../src/engine/index.js';
import { OVERVIEW_CSV_COLUMNS, renderOverviewCsv } from '../src/render/overview-csv.js';
import { CE, OPS, program } from './support/builders.js';

const COMPETENCY = 'cloud-business-applications';
const AS_OF = '2017-07-07' as IsoDate;

interface Stand {
  level?: string | null;
  lapse?: string;
  /** shortfall ÷ required in percent, as cents over cents; null: no threshold published. */
  ratio?: number | null;
  revenue?: number | null;
}

function outlook(option: string, stand: Stand): OptionOutlook {
  const level = stand.level ?? null;
  const next = level === 'gold' ? null : level === 'silver' ? 'gold' : 'silver';
  const required = 10_000_000; // cents: $100,000
  const cents = stand.ratio === null || stand.ratio === undefined ? 0 : Math.round(stand.ratio * 100_000);
  return {
    competency: COMPETENCY,
    option,
    level,
    next:
      next === null || stand.ratio === undefined
        ? null
        : {
            level: next,
            largestShortfall:
              stand.ratio === null
                ? {
                    requirement: 'net-new-revenue',
                    kind: 'revenue',
                    shortfall: null,
                    required: null,
                    ratio: null,
                    reason: 'no-threshold-published',
                  }
                : {
                    requirement: 'net-new-revenue',
                    kind: 'revenue',
                    shortfall: cents / 100,
                    required: 100_000,
                    ratio: cents / required,
                  },
            revenueShortfall: stand.revenue === undefined ? 0 : stand.revenue,
          },
    lapse: stand.lapse ? { date: stand.lapse as IsoDate, levelAfter: null } : null,
  };
}

function row(id: string, ce: Stand, ops: Stand = {}, name = `Partner ${id}`, country = 'US'): OverviewRow {
  const options = [outlook(CE, ce), outlook(OPS, ops)];
  return {
    id,
    name,
    country,
    market: country === 'IN' ? 'developing' : 'developed',
    levels: options.map((o) => ({ competency: o.competency, option: o.option, level: o.level })),
    outlook: options,
  };
}

const ROWS = [
  row('P-A', { level: 'gold', lapse: '2017-07-08' }, { ratio: 50, revenue: 50_000 }),
  row('P-B', { ratio: 7, revenue: 7000 }, { level: 'silver', lapse: '2017-08-06', ratio: 80, revenue: 200_000 }),
  row('P-C', { ratio: null, revenue: null }, { ratio: 100, revenue: 0 }, 'Zeta', 'IN'),
  row('P-D', { level: 'silver', ratio: 6.99, revenue: 6990 }, { ratio: 30, revenue: 130_000 }, 'alpha', 'DE'),
];

function ids(query: Partial<OverviewQuery>): string[] {
  const result = overview(ROWS, program, AS_OF, { sort: 'id', order: 'asc', ...query }, 'en');
  if (!result.ok) throw new Error(JSON.stringify(result.problem));
  return result.value.rows.map((r) => r.id);
}

describe('filters', () => {
  it('lapsesWithin: a lapse on the last day counts, the day after does not', () => {
    expect(ids({ lapsesWithin: 0 })).toEqual([]);
    expect(ids({ lapsesWithin: 1 })).toEqual(['P-A']);
    expect(ids({ lapsesWithin: 29 })).toEqual(['P-A']);
    expect(ids({ lapsesWithin: 30 })).toEqual(['P-A', 'P-B']);
    expect(ids({ lapsesWithin: 30, option: OPS })).toEqual(['P-B']);
  });

  it('nextWithin: a shortfall of exactly X percent counts; one that cannot be closed never does', () => {
    expect(ids({ nextWithin: 7, option: CE, level: 'any' })).toEqual(['P-B', 'P-D']);
    expect(ids({ nextWithin: 6.999, option: CE, level: 'any' })).toEqual(['P-D']);
    expect(ids({ nextWithin: 6.98, option: CE, level: 'any' })).toEqual([]);
    expect(ids({ nextWithin: 1000, option: CE, level: 'any' })).toEqual(['P-B', 'P-D']);
    expect(ids({ nextWithin: 100 })).toEqual(['P-A', 'P-B', 'P-C', 'P-D']);
    expect(ids({ nextWithin: 40 })).toEqual(['P-B', 'P-D']);
  });

  it('option and level: a level in it, none, any; with the market, country and search filters', () => {
    expect(ids({ option: CE })).toEqual(['P-A', 'P-D']);
    expect(ids({ option: CE, level: 'none' })).toEqual(['P-B', 'P-C']);
    expect(ids({ option: CE, level: 'any' })).toEqual(['P-A', 'P-B', 'P-C', 'P-D']);
    expect(ids({ level: 'any' })).toEqual(['P-A', 'P-B', 'P-C', 'P-D']);
    expect(ids({ level: 'silver' })).toEqual(['P-B', 'P-D']);
    expect(ids({ market: 'developing' })).toEqual(['P-C']);
    expect(ids({ country: 'de', nextWithin: 40 })).toEqual(['P-D']);
    expect(ids({ q: 'zet' })).toEqual(['P-C']);
  });

  it('names an option or a level the version does not have, with those it has', () => {
    expect(overview(ROWS, program, AS_OF, { sort: 'id', order: 'asc', option: 'nope' }, 'en')).toEqual({
      ok: false,
      problem: { kind: 'unknownOption', value: 'nope', known: [CE, OPS] },
    });
    expect(overview(ROWS, program, AS_OF, { sort: 'lapse', order: 'asc', level: 'platinum' }, 'en')).toMatchObject({
      ok: false,
      problem: { kind: 'unknownLevel', value: 'platinum', known: ['silver', 'gold', 'none', 'any'] },
    });
  });
});

describe('sorts', () => {
  it('lapse: the earliest of the options; partners without one last, in either order', () => {
    expect(ids({ sort: 'lapse' })).toEqual(['P-A', 'P-B', 'P-C', 'P-D']);
    expect(ids({ sort: 'lapse', order: 'desc' })).toEqual(['P-B', 'P-A', 'P-D', 'P-C']);
  });

  it('shortfallRatio: the smallest of the options; no next level, or none reachable, last', () => {
    expect(ids({ sort: 'shortfallRatio' })).toEqual(['P-D', 'P-B', 'P-A', 'P-C']);
    expect(ids({ sort: 'shortfallRatio', option: CE, level: 'any' })).toEqual(['P-D', 'P-B', 'P-A', 'P-C']);
    expect(ids({ sort: 'shortfallRatio', option: CE, level: 'any', order: 'desc' })).toEqual(['P-B', 'P-D', 'P-C', 'P-A']);
  });

  it('revenueShortfall: the smallest of the options, 0 when only people are missing; none last', () => {
    expect(ids({ sort: 'revenueShortfall' })).toEqual(['P-C', 'P-D', 'P-B', 'P-A']);
    expect(ids({ sort: 'revenueShortfall', option: CE, level: 'any' })).toEqual(['P-D', 'P-B', 'P-A', 'P-C']);
  });

  it('level: the rank of the level held in the options; none lowest', () => {
    expect(ids({ sort: 'level', option: CE, level: 'any' })).toEqual(['P-B', 'P-C', 'P-D', 'P-A']);
    expect(ids({ sort: 'level', order: 'desc' })).toEqual(['P-A', 'P-D', 'P-B', 'P-C']);
  });

  it('name, country and market by the locale, then id', () => {
    expect(ids({ sort: 'name' })).toEqual(['P-D', 'P-A', 'P-B', 'P-C']);
    expect(ids({ sort: 'country', order: 'desc' })).toEqual(['P-B', 'P-A', 'P-C', 'P-D']);
  });
});

describe('the CSV', () => {
  it('writes one row per partner and option, in the order given, none and empty cells told apart', () => {
    const result = overview(ROWS, program, AS_OF, { sort: 'lapse', order: 'asc' }, 'en');
    if (!result.ok) throw new Error('no overview');
    const text = renderOverviewCsv(result.value.rows, result.value.options);
    const rows: Record<string, string>[] = parse(text, { columns: true });
    expect(Object.keys(rows[0]!)).toEqual([...OVERVIEW_CSV_COLUMNS]);
    expect(rows.map((r) => `${r.id} ${r.option}`)).toEqual(ROWS.flatMap((r) => [`${r.id} ${CE}`, `${r.id} ${OPS}`]));
    expect(rows[0]).toMatchObject({ level: 'gold', lapseDate: '2017-07-08', levelAfterLapse: 'none', nextLevel: '', revenueShortfall: '' });
    expect(rows[2]).toMatchObject({
      level: 'none',
      lapseDate: '',
      levelAfterLapse: '',
      nextLevel: 'silver',
      shortfall: '7000',
      shortfallRatio: '0.07',
    });
    expect(rows[4]).toMatchObject({ shortfall: '', shortfallRatio: '', shortfallReason: 'no-threshold-published', revenueShortfall: '' });
    expect(rows[5]).toMatchObject({ revenueShortfall: '0' });
  });

  it('writes only the options asked about', () => {
    const result = overview(ROWS, program, AS_OF, { sort: 'id', order: 'asc', option: OPS, level: 'any' }, 'en');
    if (!result.ok) throw new Error('no overview');
    const rows: Record<string, string>[] = parse(renderOverviewCsv(result.value.rows, result.value.options), { columns: true });
    expect(rows.map((r) => r.option)).toEqual([OPS, OPS, OPS, OPS]);
  });

  it('makes a cell a spreadsheet would run as a formula inert', () => {
    const names = ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)'];
    const text = renderOverviewCsv(
      names.map((name, i) => row(`P-${i}`, {}, {}, name)),
      [`${COMPETENCY}/${CE}`],
    );
    const rows: Record<string, string>[] = parse(text, { columns: true });
    expect(rows.map((r) => r.name)).toEqual(names.map((n) => `'${n}`));
  });
});
