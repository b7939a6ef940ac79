/**
 * Reading the store as columns (no object per row) and one partner's
 * neighbourhood, on PGlite and on the PostgreSQL server: they must give
 * exactly what reading the whole store as a dataset and validating it gives.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  columnsOf,
  IdColumnBuilder,
  evaluate,
  forecastPartner,
  InvalidInputError,
  planPartner,
  prepare,
  prepareColumns,
  PreparedProgram,
  textToUsdCents,
  parseDecimal,
  timelineOf,
  validateDataset,
  type Catalog,
  type Dataset,
  type DatasetColumns,
  type DatasetFile,
} from '../src/engine/index.js';
import { formatProblem } from '../src/i18n/index.js';
import { readJsonFile } from '../src/files/dataset-file.js';
import { HashIndex, takeChunk, type ChunkRow, type TableSpec } from '../src/store/columns.js';
import { Store } from '../src/store/store.js';
import { customer, dpor, line, partner, person, program, programHistory, revision, day } from './support/builders.js';
import { storeEngines, type Engine } from './support/stores.js';
import { datasetArbitraryFor, REVISION_POPULATION, SEED_POPULATION } from './support/random-datasets.js';

const EXAMPLE = 'examples/cloud-business-applications.json';
const { engines: ENGINES } = storeEngines('columns');

async function openStore(engine: Engine): Promise<Store> {
  return Store.open(engine.options());
}

function validated(raw: unknown): Dataset {
  const result = validateDataset(raw, programHistory);
  if (!result.ok) throw new Error(result.problems.map((p) => formatProblem(p)).join('\n'));
  return result.value;
}

/** Columns as plain rows of ids, catalog values, days and cents: equal whatever the catalogs' numbering. */
function rowsOf(c: DatasetColumns) {
  const rows = <T>(n: number, row: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => row(i));
  const a = c.associations;
  const r = c.revenue;
  const x = c.examPasses;
  return {
    partners: c.partners.ids.map((id, i) => [id, c.partners.names[i], c.partners.countries[i], c.partners.markets[i]]),
    customers: c.customers.count,
    associations: rows(a.customer.length, (i) => [a.customer[i], a.partner[i], a.types[a.type[i]!], a.first[i], a.last[i]]),
    revenue: rows(r.customer.length, (i) => [r.ids.get(i), r.customer[i], r.day[i], r.products[r.product[i]!], r.netNew[i], r.cents[i]]),
    people: rows(c.people.partner.length, (i) => [c.people.ids.get(i), c.people.partner[i]]),
    examPasses: rows(x.person.length, (i) => [x.person[i], x.exams[x.exam[i]!], x.day[i]]),
  };
}

/** Amounts and rates whose product lands on or near half a cent, both signs, many digits. */
const TRICKY: DatasetFile = {
  partners: [partner('P1', 'US'), partner('P2', 'IN')],
  customers: [customer('C1'), customer('C2', 'DE')],
  associations: [dpor('C1', 'P1', '2016-01-01'), dpor('C2', 'P2', '2016-01-01', '2016-12-31'), dpor('C2', 'P1', '2017-01-01')],
  revenue: [
    ['0.005', 'USD'],
    ['-0.005', 'USD'],
    ['0.0049999', 'USD'],
    ['-0.0050001', 'USD'],
    ['1234.565', 'USD'],
    ['1234.565', 'EUR'],
    ['-1234.565', 'EUR'],
    ['0.005', 'EUR'],
    ['2.675', 'GBP'],
    ['-2.675', 'GBP'],
    ['100', 'JPY'],
    ['12345678.91', 'JPY'],
    ['0.01', 'GBP'],
    ['1e-7', 'USD'],
    ['1.5e3', 'EUR'],
    ['99999999999.995', 'USD'],
    ['-0', 'USD'],
    ['445.5', 'EUR'],
  ].map(([amount, currency], i) =>
    line({
      id: `T-${i}`,
      customerId: i % 2 ? 'C2' : 'C1',
      product: 'D365-SALES',
      date: `2017-0${1 + (i % 3)}-15`,
      amount: amount!,
      currency,
    }),
  ),
  fxRates: ['01', '02', '03'].flatMap((month) => [
    { currency: 'EUR', month: `2017-${month}`, usdPerUnit: '1.1234567' },
    { currency: 'GBP', month: `2017-${month}`, usdPerUnit: month === '02' ? '0.5' : '1.000005' },
    { currency: 'JPY', month: `2017-${month}`, usdPerUnit: '0.0087654321' },
  ]),
};

/** Hand-overs, open associations, passes of exams outside the catalog, people without passes, lines of nobody's. */
const MIXED: DatasetFile = {
  partners: [partner('P-A', 'US'), partner('P-B', 'KE'), partner('P-C', 'DE'), partner('P-Ø', 'JP')],
  customers: [customer('C-1'), customer('C-2'), customer('C-3'), customer('C-4'), customer('C-5')],
  associations: [
    dpor('C-1', 'P-A', '2016-01-01', '2017-03-31'),
    dpor('C-1', 'P-B', '2017-04-01'),
    dpor('C-2', 'P-B', '2016-06-01'),
    dpor('C-3', 'P-C', '2016-01-01', '2016-12-31'),
    dpor('C-3', 'P-A', '2017-02-01', '2017-05-31'),
    dpor('C-4', 'P-Ø', '2016-01-01'),
  ],
  revenue: [
    ...['2016-11-30', '2017-03-31', '2017-04-01', '2017-06-30', '2017-01-15', '2017-05-31', '2017-06-01'].flatMap((date, i) => [
      line({ id: `L-${i}-a`, customerId: `C-${1 + (i % 4)}`, product: 'D365-SALES', date, amount: 30_000 + i }),
      line({ id: `L-${i}-b`, customerId: `C-${1 + (i % 3)}`, product: 'D365-OPERATIONS', date, amount: '4500.5', netNew: i % 2 === 0 }),
      line({ id: `L-${i}-c`, customerId: 'C-5', product: 'AX-2012-ON-PREMISE', date, amount: 12_000 }),
    ]),
    line({ id: 'Ł-ü', customerId: 'C-3', product: 'D365-ENTERPRISE-PLAN-2', date: '2017-02-01', amount: '70000.25' }),
  ],
  people: [
    ...Array.from({ length: 7 }, (_, i) => person(`A-${i}`, 'P-A')),
    person('B-1', 'P-B'),
    person('Ø-1', 'P-Ø'),
    person('A-idle', 'P-A'),
  ],
  examPasses: [
    ...Array.from({ length: 7 }, (_, i) =>
      ['MB2-715', 'MB2-716', i % 2 ? 'MB2-717' : 'MB2-718'].map((exam) => ({ personId: `A-${i}`, exam, date: `2016-1${i % 3}-0${1 + i}` })),
    ).flat(),
    { personId: 'A-0', exam: 'MB2-715', date: '2015-05-05' },
    { personId: 'B-1', exam: 'XX-999', date: '2017-01-01' },
    { personId: 'B-1', exam: 'MB2-712', date: '2017-01-01' },
    ...['MB6-705', 'MB6-893', 'MB6-892', 'MB6-890', '70-764'].map((exam) => ({ personId: 'Ø-1', exam, date: '2017-01-10' })),
  ],
  fxRates: [],
};

const DATES = ['2017-07-07', '2017-11-01', '2018-02-28', '2019-01-02'];

for (const engine of ENGINES) {
  describe(`reading the store as columns on ${engine.name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await openStore(engine);
    });
    afterAll(async () => {
      await store.close();
    });

    it('reads an empty store as empty columns', async () => {
      const columns = await store.columns(programHistory);
      expect(rowsOf(columns)).toEqual(rowsOf(columnsOf(validated({ partners: [] }))));
      expect(evaluate(prepareColumns(program, columns), { asOf: day('2017-07-07') }).partners).toEqual([]);
    });

    it('gives the columns of the validated dataset, in one chunk or in chunks of 3 or 1', async () => {
      await store.import([{ incoming: readJsonFile(EXAMPLE), source: EXAMPLE }], programHistory);
      await store.import([{ incoming: MIXED, source: 'mixed.json' }], programHistory);
      const expected = rowsOf(columnsOf(validated(await store.read())));
      for (const chunkSize of [undefined, 3, 1]) expect(rowsOf(await store.columns(programHistory, { chunkSize }))).toEqual(expected);
    });

    it('evaluates every partner exactly as the dataset read whole, under both versions, with evidence', async () => {
      const dataset = validated(await store.read());
      const columns = await store.columns(programHistory, { chunkSize: 4 });
      for (const version of [program, revision]) {
        const fromColumns = prepareColumns(version, columns);
        const fromDataset = prepare(version, dataset);
        for (const asOf of DATES) {
          expect(evaluate(fromColumns, { asOf: day(asOf) })).toEqual(evaluate(fromDataset, { asOf: day(asOf) }));
          expect(evaluate(fromColumns, { asOf: day(asOf), evidence: false, partnerIds: ['P-Ø', 'P-A'] })).toEqual(
            evaluate(fromDataset, { asOf: day(asOf), evidence: false, partnerIds: ['P-Ø', 'P-A'] }),
          );
        }
      }
    });

    it('converts amounts to exact cents in SQL as the engine does: half away from zero, at the month’s rate', async () => {
      await store.import([{ incoming: TRICKY, source: 'tricky.json' }], programHistory);
      const dataset = validated(await store.read());
      const columns = await store.columns(programHistory, { chunkSize: 5 });
      const cents = new Map(
        Array.from({ length: columns.revenue.cents.length }, (_, i) => [columns.revenue.ids.get(i), columns.revenue.cents[i]]),
      );
      for (const l of dataset.revenue) expect(cents.get(l.id), `${l.id}: ${l.amount} ${l.currency}`).toBe(l.usdCents);
      // Worked by hand: 0.005 USD is 1 cent, -0.005 is -1; 1234.565 EUR × 1.1234567 = 1386.977368… → 138698 cents.
      expect(['T-0', 'T-1', 'T-5', 'T-6', 'T-7'].map((id) => cents.get(id))).toEqual([1, -1, 138698, -138698, 1]);
      expect(cents.get('T-11')).toBe(textToUsdCents('12345678.91', parseDecimal('0.0087654321')));
      expect(Object.is(cents.get('T-16'), -0)).toBe(false);
    });

    it('refuses, like validation, records the program does not know', async () => {
      const without = (changes: Partial<Catalog>): Catalog => ({ ...programHistory, ...changes });
      const messages = async (catalog: Catalog) => {
        const error = await store.columns(catalog).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidInputError);
        return (error as InvalidInputError).problems.map((p) => formatProblem(p));
      };
      expect(await messages(without({ countries: new Map([...programHistory.countries].filter(([c]) => c !== 'JP')) }))).toEqual([
        'store: partners (id P-Ø): country "JP" is not an ISO 3166-1 alpha-2 code of the market table',
      ]);
      expect(
        await messages(without({ products: new Map([...programHistory.products].filter(([id]) => id !== 'AX-2012-ON-PREMISE')) })),
      ).toEqual(['store: revenue: product "AX-2012-ON-PREMISE" is not a product of the program']);
      expect(await messages(without({ associationTypes: new Map() }))).toEqual([
        'store: associations: type "DPOR" is not an association type ()',
      ]);
    });

    it('reads a partner’s neighbourhood: the same plan, forecast and timeline as from the whole store', async () => {
      const whole = validated(await store.read());
      for (const { id } of whole.partners) {
        const near = validated(await store.neighbourhood(id));
        expect(near.partners.map((p) => p.id)).toContain(id);
        expect(near.revenue.length).toBeLessThanOrEqual(whole.revenue.length);
        for (const asOf of ['2017-07-07', '2017-11-01']) {
          const version = asOf < revision.effectiveFrom ? program : revision;
          expect(planPartner(prepare(version, near), id, day(asOf))).toEqual(planPartner(prepare(version, whole), id, day(asOf)));
          expect(forecastPartner(new PreparedProgram(programHistory, near), id, day(asOf))).toEqual(
            forecastPartner(new PreparedProgram(programHistory, whole), id, day(asOf)),
          );
        }
        expect(timelineOf(new PreparedProgram(programHistory, near), id, day('2017-07-07'), day('2018-07-07'), 'month')).toEqual(
          timelineOf(new PreparedProgram(programHistory, whole), id, day('2017-07-07'), day('2018-07-07'), 'month'),
        );
      }
      // Only what the partner's customers and people need: Tailspin's customer has no other partner.
      const tailspin = validated(await store.neighbourhood('P-TAILSPIN'));
      expect(tailspin.partners.map((p) => p.id)).toEqual(['P-TAILSPIN']);
      expect(tailspin.customers.map((c) => c.id)).toEqual(['C-MARGIE']);
      expect(validated(await store.neighbourhood('P-NOBODY')).partners).toEqual([]);
    });
  });

  describe(`random datasets through the store on ${engine.name}`, () => {
    // Six imports of random datasets, each evaluated both ways: a minute or more on a loaded machine.
    it('columns from the store evaluate as the dataset does', { timeout: 240_000 }, async () => {
      const samples = [
        ...fc.sample(datasetArbitraryFor(SEED_POPULATION), { numRuns: 3, seed: 42 }).map((s) => ({ ...s, version: program })),
        ...fc.sample(datasetArbitraryFor(REVISION_POPULATION), { numRuns: 3, seed: 7 }).map((s) => ({ ...s, version: revision })),
      ];
      for (const { raw, asOf, version } of samples) {
        const store = await openStore(engine);
        try {
          await store.import([{ incoming: raw, source: 'random.json' }], programHistory);
          const dataset = validated(raw);
          const columns = await store.columns(programHistory, { chunkSize: 7 });
          expect(rowsOf(columns)).toEqual(rowsOf(columnsOf(dataset)));
          expect(evaluate(prepareColumns(version, columns), { asOf: day(asOf) })).toEqual(
            evaluate(prepare(version, dataset), { asOf: day(asOf) }),
          );
        } finally {
          await store.close();
        }
      }
    });
  });
}

describe('a chunk as the store sends it', () => {
  /** Fields packed big-endian, as int8send / int4send give them. */
  const packed = (width: 1 | 4 | 8, values: readonly (number | bigint)[]): Uint8Array => {
    const view = new DataView(new ArrayBuffer(values.length * width));
    values.forEach((v, i) => {
      if (width === 8) view.setBigInt64(i * 8, BigInt(v));
      else if (width === 4) view.setInt32(i * 4, Number(v));
      else view.setUint8(i, Number(v));
    });
    return new Uint8Array(view.buffer);
  };
  const spec: TableSpec = {
    table: 'lines',
    fields: [
      { kind: 'ref', sql: 'x.customer_id', dimension: 'customer' },
      { kind: 'int4', sql: 'x.day' },
      { kind: 'int8', sql: 'x.cents' },
      { kind: 'flag', sql: 'x.net_new' },
    ],
    ids: true,
  };
  const customers = new HashIndex(3);
  const hashes = [
    [7, -8],
    [-1, 3],
    [0, 0],
  ] as const;
  hashes.forEach(([high, low], i) => expect(customers.add(high, low, i)).toBe(true));

  it('puts rows that arrive out of seq order back in order, ids included', () => {
    // Rows of seq 30, 10, 20: they belong at places 2, 0, 1 (after the 5 rows already read).
    const ids = ['R-30', 'R-10 é', 'R-20'];
    const text = new TextEncoder().encode(ids.join(''));
    const row: ChunkRow = {
      chunk_rows: 3,
      chunk_last: '30',
      chunk_unresolved: 0,
      f0: packed(8, [30n, 10n, 20n]),
      f1: packed(
        8,
        [(7n << 32n) | 0xfffffff8n, 0n, ((-1n & 0xffffffffn) << 32n) | 3n].map((v) => BigInt.asIntN(64, v)),
      ),
      f2: packed(4, [300, 100, 200]),
      f3: packed(8, [3_000_000_000_001, -1, 2]),
      f4: packed(1, [1, 0, 1]),
      f5: packed(
        4,
        ids.map((id) => new TextEncoder().encode(id).length),
      ),
      chunk_ids: text,
    };
    const customer = new Int32Array(8);
    const day = new Int32Array(8);
    const cents = new Float64Array(8);
    const netNew = new Uint8Array(8);
    const builder = new IdColumnBuilder();
    for (const id of ['a', 'b', 'c', 'd', 'e']) builder.add(id);
    expect(takeChunk(spec, row, [customer, day, cents, netNew], builder, 5, { customer: customers })).toBe(10);
    expect([...customer.slice(5)]).toEqual([2, 1, 0]);
    expect([...day.slice(5)]).toEqual([100, 200, 300]);
    expect([...cents.slice(5)]).toEqual([-1, 2, 3_000_000_000_001]);
    expect([...netNew.slice(5)]).toEqual([0, 1, 1]);
    const column = builder.build();
    expect(Array.from({ length: column.length }, (_, i) => column.get(i)).slice(5)).toEqual(['R-10 é', 'R-20', 'R-30']);
  });

  it('refuses a reference to an id that is not in its dimension', () => {
    const row: ChunkRow = {
      chunk_rows: 1,
      chunk_last: '1',
      chunk_unresolved: 0,
      f0: packed(8, [1n]),
      f1: packed(8, [5n]),
      f2: packed(4, [1]),
      f3: packed(8, [1]),
      f4: packed(1, [1]),
      f5: packed(4, [1]),
      chunk_ids: new TextEncoder().encode('x'),
    };
    const arrays = [new Int32Array(1), new Int32Array(1), new Float64Array(1), new Uint8Array(1)];
    expect(() => takeChunk(spec, row, arrays, new IdColumnBuilder(), 0, { customer: customers })).toThrow(/refers to a customer/);
  });

  it('tells when two ids of a dimension share a hash, and finds every other', () => {
    const index = new HashIndex(1000);
    for (let i = 0; i < 1000; i++) expect(index.add(i * 7919, -i, i)).toBe(true);
    expect(index.add(7919, -1, 5)).toBe(false);
    for (let i = 0; i < 1000; i++) expect(index.get(i * 7919, -i)).toBe(i);
    expect(index.get(1, 1)).toBe(-1);
  });
});
