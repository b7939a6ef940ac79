/**
 * The batch's preparation (issue 16): the revenue index `prepareColumns`
 * builds, against the same index built the plain way — every entry listed
 * line by line, scope by scope, owner by owner, then sorted by comparison on
 * (partner, day, order listed) — on random datasets. Whatever shortcut the
 * preparation takes to order its entries, the arrays must be these.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  columnsOf,
  IdColumn,
  dayNumberOf,
  evaluate,
  measurePartner,
  prepareColumns,
  ttmWindow,
  validateDataset,
  type DatasetColumns,
  type IsoDate,
  type PreparedData,
  type ProgramVersion,
} from '../src/engine/index.js';
import { generateColumns } from '../src/generate/index.js';
import { formatProblem } from '../src/i18n/index.js';
import { program, programHistory, revision } from './support/builders.js';
import { datasetArbitraryFor, REVISION_POPULATION, SEED_POPULATION } from './support/random-datasets.js';

interface Entry {
  partner: number;
  day: number;
  scope: number;
  cents: number;
  line: number;
  listed: number;
}

function entriesThePlainWay(version: ProgramVersion, columns: DatasetColumns, window?: { first: number; last: number }) {
  const { revenue, associations } = columns;
  const entries: Entry[] = [];
  for (let line = 0; line < revenue.day.length; line++) {
    if (window && (revenue.day[line]! < window.first || revenue.day[line]! > window.last)) continue;
    const product = revenue.products[revenue.product[line]!]!;
    if (!version.products.has(product)) continue;
    for (const scope of version.revenueScopes) {
      if (!scope.products.has(product) || (scope.netNewOnly && !revenue.netNew[line])) continue;
      // Every association of the scope's type with the line's customer holding on its day, each partner once, in the order listed.
      const type = associations.types.indexOf(scope.attribution);
      const owners: number[] = [];
      for (let a = 0; a < associations.customer.length; a++) {
        if (associations.type[a] !== type || associations.customer[a] !== revenue.customer[line]) continue;
        if (associations.first[a]! > revenue.day[line]! || revenue.day[line]! > associations.last[a]!) continue;
        if (!owners.includes(associations.partner[a]!)) owners.push(associations.partner[a]!);
      }
      for (const partner of owners) {
        entries.push({ partner, day: revenue.day[line]!, scope: scope.index, cents: revenue.cents[line]!, line, listed: entries.length });
      }
    }
  }
  entries.sort((a, b) => a.partner - b.partner || a.day - b.day || a.listed - b.listed);
  const starts = new Array<number>(columns.partners.ids.length + 1).fill(0);
  for (const e of entries) starts[e.partner + 1]! += 1;
  for (let p = 0; p < columns.partners.ids.length; p++) starts[p + 1]! += starts[p]!;
  return {
    partnerEntryStart: starts,
    entryDay: entries.map((e) => e.day),
    entryScope: entries.map((e) => e.scope),
    entryCents: entries.map((e) => e.cents),
    entryLine: entries.map((e) => e.line),
  };
}

/** The revenue index of a preparation, as plain arrays. */
function revenueIndexOf(prepared: PreparedData) {
  return {
    partnerEntryStart: [...prepared.partnerEntryStart],
    entryDay: [...prepared.entryDay],
    entryScope: [...prepared.entryScope],
    entryCents: [...prepared.entryCents],
    entryLine: [...prepared.entryLine],
  };
}

describe('the prepared revenue index', () => {
  const cases: [string, ProgramVersion, typeof SEED_POPULATION][] = [
    ['the seed version', program, SEED_POPULATION],
    ['the revision', revision, REVISION_POPULATION],
  ];
  for (const [name, version, population] of cases) {
    it(`equals the index built by sorting every entry, under ${name}`, () => {
      fc.assert(
        fc.property(datasetArbitraryFor(population), ({ raw }) => {
          const validated = validateDataset(raw, programHistory);
          if (!validated.ok) throw new Error(validated.problems.map((p) => formatProblem(p)).join('\n'));
          const columns = columnsOf(validated.value);
          const prepared = prepareColumns(version, columns);
          expect(revenueIndexOf(prepared)).toEqual(entriesThePlainWay(version, columns));
        }),
        { numRuns: 200 },
      );
    });
  }
});

describe('the prepared revenue index of generated populations', () => {
  it('equals the plain index, lines as generated and in date order, whole and for a date', () => {
    for (const seed of [1, 2, 3]) {
      const columns = generateColumns(programHistory, { partners: 30, seed });
      // Seed 3's lines given in date order, the others' as generated.
      const byDay = Int32Array.from(columns.revenue.day.keys()).sort((a, b) => columns.revenue.day[a]! - columns.revenue.day[b]! || a - b);
      const ordered = seed === 3 ? permutedLines(columns, byDay) : columns;
      for (const version of [program, revision]) {
        for (const prepared of [
          prepareColumns(version, ordered),
          prepareColumns(version, ordered, { window: ttmWindow('2017-12-31' as IsoDate) }),
        ]) {
          expect(revenueIndexOf(prepared)).toEqual(entriesThePlainWay(version, ordered, prepared.revenueDays));
        }
      }
    }
  });
});

/** The columns with their revenue lines in the order given (each line's fields moved together). */
function permutedLines(columns: DatasetColumns, order: Int32Array): DatasetColumns {
  const { revenue } = columns;
  const ids = Array.from(order, (i) => revenue.ids.get(i));
  return {
    ...columns,
    revenue: {
      ...revenue,
      ids: IdColumn.from(ids),
      customer: Int32Array.from(order, (i) => revenue.customer[i]!),
      day: Int32Array.from(order, (i) => revenue.day[i]!),
      product: Int32Array.from(order, (i) => revenue.product[i]!),
      netNew: Uint8Array.from(order, (i) => revenue.netNew[i]!),
      cents: Float64Array.from(order, (i) => revenue.cents[i]!),
    },
  };
}

describe('a preparation for one date (PrepareOptions.window)', () => {
  const cases: [string, ProgramVersion, typeof SEED_POPULATION][] = [
    ['the seed version', program, SEED_POPULATION],
    ['the revision', revision, REVISION_POPULATION],
  ];
  for (const [name, version, population] of cases) {
    it(`evaluates that date exactly as the whole preparation does, evidence included, under ${name}`, () => {
      const asOfArbitrary = fc
        .integer({ min: population.firstDay - 30, max: population.lastDay + 400 })
        .map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10) as IsoDate);
      fc.assert(
        fc.property(datasetArbitraryFor(population), asOfArbitrary, ({ raw }, asOf) => {
          const validated = validateDataset(raw, programHistory);
          if (!validated.ok) throw new Error(validated.problems.map((p) => formatProblem(p)).join('\n'));
          const columns = columnsOf(validated.value);
          const whole = prepareColumns(version, columns);
          const windowed = prepareColumns(version, columns, { window: ttmWindow(asOf) });
          expect(windowed.entryDay.length).toBeLessThanOrEqual(whole.entryDay.length);
          expect(evaluate(windowed, { asOf })).toEqual(evaluate(whole, { asOf }));
        }),
        { numRuns: 150 },
      );
    });
  }

  it('refuses to measure a window reaching beyond the revenue it prepared, naming both', () => {
    const sample = fc.sample(datasetArbitraryFor(SEED_POPULATION), { numRuns: 1, seed: 16 })[0]!;
    const validated = validateDataset(sample.raw, programHistory);
    if (!validated.ok) throw new Error(validated.problems.map((p) => formatProblem(p)).join('\n'));
    const prepared = prepareColumns(program, columnsOf(validated.value), { window: ttmWindow('2017-07-07' as IsoDate) });
    expect(prepared.revenueDays).toEqual(ttmWindow('2017-07-07' as IsoDate));
    expect(() => evaluate(prepared, { asOf: '2017-07-08' as IsoDate })).toThrow(
      'the revenue was prepared for 2016-07-08 … 2017-07-07, not for the window 2016-07-09 … 2017-07-08',
    );
    expect(() => evaluate(prepared, { asOf: '2017-07-06' as IsoDate })).toThrow(RangeError);
    // A window inside the prepared one, measured with what was known until an earlier day, is within it.
    expect(() =>
      measurePartner(prepared, 0, ttmWindow('2017-07-07' as IsoDate), { knownUntil: dayNumberOf('2017-01-01' as IsoDate) }),
    ).not.toThrow();
  });
});
