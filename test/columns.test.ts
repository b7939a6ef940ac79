/**
 * The dataset as columns: the packed id column, and `prepareColumns` on
 * columns built another way (catalogs in another order, with entries no row
 * uses; packed ids) against `prepare` on the dataset, on random datasets.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  columnsOf,
  dayNumberOf,
  evaluate,
  IdColumn,
  IdColumnBuilder,
  NEVER,
  prepare,
  prepareColumns,
  validateDataset,
  type Dataset,
  type DatasetColumns,
  type PreparedData,
  type ProgramVersion,
} from '../src/engine/index.js';
import { formatProblem } from '../src/i18n/index.js';
import { program, programHistory, revision, day } from './support/builders.js';
import { datasetArbitraryFor, REVISION_POPULATION, SEED_POPULATION } from './support/random-datasets.js';

describe('IdColumn', () => {
  const ids = ['R-1', '', 'é', '日本語-7', '😀x', 'a'.repeat(300), 'Ünïcödé'.repeat(50), 'E0'];

  it('gives back every id, ASCII or not, short or long', () => {
    const column = IdColumn.from(ids);
    expect(column.length).toBe(ids.length);
    expect(ids.map((_, i) => column.get(i))).toEqual(ids);
    const ascii = IdColumn.from(['P1', 'P22', 'P333']);
    expect([0, 1, 2].map((i) => ascii.get(i))).toEqual(['P1', 'P22', 'P333']);
  });

  it('appends UTF-8 bytes with their lengths, as the store sends them', () => {
    const builder = new IdColumnBuilder(1, 1);
    builder.add('first');
    const bytes = new TextEncoder().encode('αβγ' + 'R-2' + '');
    builder.addBytes(bytes, [6, 3, 0]);
    builder.add('last');
    const column = builder.build();
    expect(Array.from({ length: column.length }, (_, i) => column.get(i))).toEqual(['first', 'αβγ', 'R-2', '', 'last']);
    expect(() => builder.addBytes(new Uint8Array(3), [1, 1])).toThrow(RangeError);
  });

  it('refuses indexes out of range and offsets that do not fit the bytes', () => {
    const column = IdColumn.from(['a', 'b']);
    expect(() => column.get(2)).toThrow(RangeError);
    expect(() => column.get(-1)).toThrow(RangeError);
    expect(() => column.get(0.5)).toThrow(RangeError);
    expect(() => new IdColumn(new Uint8Array(2), Int32Array.of(0, 1))).toThrow(RangeError);
    expect(() => new IdColumn(new Uint8Array(2), Int32Array.of(0, 2, 1, 2))).toThrow(RangeError);
  });

  it('round-trips any text', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }), { maxLength: 50 }), (texts) => {
        const column = IdColumn.from(texts);
        expect(texts.map((_, i) => column.get(i))).toEqual(texts);
      }),
    );
  });
});

/** A catalog column in an order of its own: the values sorted backwards, after an entry no row uses. */
function catalog(values: Iterable<string>): { values: string[]; index: Map<string, number> } {
  const sorted = ['NOT-USED', ...[...new Set(values)].sort().reverse()];
  return { values: sorted, index: new Map(sorted.map((v, i) => [v, i] as const)) };
}

/** Columns of a dataset, built by hand and independently of `columnsOf`. */
function columnsByHand(dataset: Dataset): DatasetColumns {
  const at = (records: readonly { id: string }[]) => new Map(records.map((r, i) => [r.id, i] as const));
  const partners = at(dataset.partners);
  const customers = at(dataset.customers);
  const people = at(dataset.people);
  const types = catalog(dataset.associations.map((a) => a.type));
  const products = catalog(dataset.revenue.map((l) => l.product));
  const exams = catalog(dataset.examPasses.map((e) => e.exam));
  const { associations: a, revenue: r, examPasses: x } = dataset;
  return {
    partners: {
      ids: dataset.partners.map((p) => p.id),
      names: dataset.partners.map((p) => p.name),
      countries: dataset.partners.map((p) => p.country),
      markets: dataset.partners.map((p) => p.market),
    },
    customers: { count: dataset.customers.length },
    associations: {
      types: types.values,
      customer: Int32Array.from(a, (v) => customers.get(v.customerId)!),
      partner: Int32Array.from(a, (v) => partners.get(v.partnerId)!),
      type: Int32Array.from(a, (v) => types.index.get(v.type)!),
      first: Int32Array.from(a, (v) => dayNumberOf(v.start)),
      last: Int32Array.from(a, (v) => (v.end === null ? NEVER : dayNumberOf(v.end))),
    },
    revenue: {
      products: products.values,
      customer: Int32Array.from(r, (l) => customers.get(l.customerId)!),
      day: Int32Array.from(r, (l) => dayNumberOf(l.date)),
      product: Int32Array.from(r, (l) => products.index.get(l.product)!),
      netNew: Uint8Array.from(r, (l) => (l.netNew ? 1 : 0)),
      cents: Float64Array.from(r, (l) => l.usdCents),
      ids: IdColumn.from(r.map((l) => l.id)),
    },
    people: {
      partner: Int32Array.from(dataset.people, (p) => partners.get(p.partnerId)!),
      ids: IdColumn.from(dataset.people.map((p) => p.id)),
    },
    examPasses: {
      exams: exams.values,
      person: Int32Array.from(x, (e) => people.get(e.personId)!),
      exam: Int32Array.from(x, (e) => exams.index.get(e.exam)!),
      day: Int32Array.from(x, (e) => dayNumberOf(e.date)),
    },
  };
}

/** What preparation computed, every array of it. */
function indexOf(prepared: PreparedData) {
  // The Dataset `prepare` keeps alongside is not part of the index.
  const {
    program: _program,
    partnerIndex,
    lineId: _lineId,
    personId: _personId,
    dataset: _dataset,
    ...arrays
  } = prepared as PreparedData & { dataset?: unknown };
  return {
    ...arrays,
    partnerIndex: [...partnerIndex],
    lineIds: [...prepared.entryLine].map((i) => prepared.lineId(i)),
    personIds: [...prepared.personOrder].map((i) => prepared.personId(i)),
  };
}

describe('prepareColumns', () => {
  const cases: [string, ProgramVersion, typeof SEED_POPULATION][] = [
    ['the seed version', program, SEED_POPULATION],
    ['the revision', revision, REVISION_POPULATION],
  ];
  for (const [name, version, population] of cases) {
    it(`on columns built by hand equals prepare on the dataset, under ${name}`, () => {
      fc.assert(
        fc.property(datasetArbitraryFor(population), ({ raw, asOf }) => {
          const validated = validateDataset(raw, programHistory);
          if (!validated.ok) throw new Error(validated.problems.map((p) => formatProblem(p)).join('\n'));
          const fromDataset = prepare(version, validated.value);
          const fromColumns = prepareColumns(version, columnsByHand(validated.value));
          expect(indexOf(fromColumns)).toEqual(indexOf(fromDataset));
          expect(evaluate(fromColumns, { asOf: day(asOf) })).toEqual(evaluate(fromDataset, { asOf: day(asOf) }));
        }),
        { numRuns: 150 },
      );
    });
  }

  it('columnsOf keeps the dataset order and reads ids from the records', () => {
    const validated = validateDataset(
      {
        partners: [{ id: 'P1', name: 'One', country: 'US' }],
        customers: [{ id: 'C1', name: 'C', country: 'US' }],
        associations: [{ customerId: 'C1', partnerId: 'P1', type: 'DPOR', start: '2017-01-01', end: null }],
        revenue: [
          { id: 'R-b', customerId: 'C1', product: 'D365-SALES', date: '2017-02-01', amount: '1.005', currency: 'USD', netNew: true },
          { id: 'R-a', customerId: 'C1', product: 'D365-OPERATIONS', date: '2017-01-01', amount: 2, currency: 'USD', netNew: false },
        ],
        people: [{ id: 'E1', partnerId: 'P1', name: 'E' }],
        examPasses: [{ personId: 'E1', exam: 'XX-000', date: '2017-01-01' }],
      },
      programHistory,
    );
    if (!validated.ok) throw new Error('invalid');
    const columns = columnsOf(validated.value);
    expect(columns.revenue.products).toEqual(['D365-SALES', 'D365-OPERATIONS']);
    expect([...columns.revenue.cents]).toEqual([101, 200]);
    expect([...columns.revenue.netNew]).toEqual([1, 0]);
    expect([columns.revenue.ids.get(0), columns.revenue.ids.get(1)]).toEqual(['R-b', 'R-a']);
    expect([...columns.associations.last]).toEqual([NEVER]);
    expect(columns.examPasses.exams).toEqual(['XX-000']);
  });
});
