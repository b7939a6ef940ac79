/**
 * Reading the store as columns (no object per row) and one partner's
 * neighbourhood, on PGlite and on the PostgreSQL server: they must give
 * exactly what reading the whole store as a dataset and validating it gives.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  columnsOf,
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
import { copyTuples, HashIndex, readStoreColumns, seqRanks, withCatalog } from '../src/store/columns.js';
import { openPglite } from '../src/store/pglite.js';
import { openPostgres } from '../src/store/postgres.js';
import { readSnapshot, readStoredSnapshot, SNAPSHOT_FILE, snapshotStamp, writeStoredSnapshot } from '../src/store/snapshot.js';
import { SNAPSHOT_AFTER, Store } from '../src/store/store.js';
import { customer, dpor, line, partner, passes, person, program, programHistory, revision, day } from './support/builders.js';
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
      for (const chunkSize of [undefined, 3, 1])
        expect(rowsOf(await store.columns(programHistory, { chunkSize, snapshot: false }))).toEqual(expected);
      // On PGlite the second read comes from the snapshot the first one wrote: the same columns.
      for (let read = 0; read < 2; read++) expect(rowsOf(await store.columns(programHistory))).toEqual(expected);
    });

    it('evaluates every partner exactly as the dataset read whole, under both versions, with evidence', async () => {
      const dataset = validated(await store.read());
      const columns = await store.columns(programHistory, { chunkSize: 4, snapshot: false });
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
      const columns = await store.columns(programHistory, { chunkSize: 5, snapshot: false });
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
        const errors = await Promise.all([
          store.columns(catalog).catch((e: unknown) => e),
          store.columns(catalog, { snapshot: false }).catch((e: unknown) => e),
        ]);
        for (const error of errors) expect(error).toBeInstanceOf(InvalidInputError);
        const [fromSnapshot, fromSql] = errors.map((error) => (error as InvalidInputError).problems.map((p) => formatProblem(p)));
        expect(fromSnapshot).toEqual(fromSql);
        return fromSql!;
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

  describe(`COPY TO in binary on ${engine.name}`, () => {
    it('gives every tuple, however the output is cut on its way; a failing query fails and the connection goes on', async () => {
      const options = engine.options();
      const db = options.databaseUrl ? await openPostgres(options.databaseUrl, options.schema) : await openPglite(options.dataDir!);
      try {
        await db.transaction(async (tx) => {
          const tuples = copyTuples(await tx.copyTo!("SELECT g, repeat('é', g % 7) FROM generate_series(1, 100000) g"));
          expect(tuples).toHaveLength(100_000);
          const decoder = new TextDecoder();
          for (const i of [0, 1, 6, 99_999]) {
            const [n, text] = tuples[i]!;
            expect(new DataView(n!.buffer, n!.byteOffset).getInt32(0)).toBe(i + 1);
            expect(decoder.decode(text!)).toBe('é'.repeat((i + 1) % 7));
          }
          // One tuple of 24 MB, as a chunk of the store comes.
          const [[big]] = copyTuples(await tx.copyTo!("SELECT string_agg(int8send(g), ''::bytea) FROM generate_series(1, 3000000) g")) as [
            [Uint8Array],
          ];
          expect(big.length).toBe(24_000_000);
          expect(new DataView(big.buffer, big.byteOffset).getBigInt64(8 * 2_999_999)).toBe(3_000_000n);
        });
        await expect(db.transaction((tx) => tx.copyTo!('SELECT 1 / (g - 3) FROM generate_series(1, 5) g'))).rejects.toThrow(
          /division by zero/,
        );
        const [row] = await db.transaction((tx) => tx.query<{ n: number }>('SELECT 41 + 1 AS n'));
        expect(row!.n).toBe(42);
      } finally {
        await db.close();
      }
    });
  });

  describe(`tables of many pages, rows moved by updates, on ${engine.name}`, () => {
    it('reads them a page a chunk or whole, on one session or three, in seq order', async () => {
      const store = await openStore(engine);
      try {
        const customers = Array.from({ length: 40 }, (_, i) => customer(`C-${i}`, i % 4 ? 'US' : 'DE'));
        const lines = (base: number) =>
          Array.from({ length: 3000 }, (_, i) =>
            line({
              id: `M-${i}-${'é'.repeat(i % 3)}`,
              customerId: `C-${i % 40}`,
              product: i % 3 ? 'D365-SALES' : 'D365-OPERATIONS',
              date: `2017-0${1 + (i % 6)}-1${i % 10}`,
              amount: `${base + i}.${i % 1000}`,
              currency: i % 5 === 0 ? 'EUR' : i % 7 === 0 ? 'GBP' : 'USD',
              netNew: i % 2 === 0,
            }),
          );
        const people = Array.from({ length: 600 }, (_, i) => person(`Q-${i}`, `P-${i % 30}`));
        const data: DatasetFile = {
          partners: Array.from({ length: 30 }, (_, i) => partner(`P-${i}`, i % 2 ? 'US' : 'DE')),
          customers,
          associations: customers.map((c, i) => dpor(c.id, `P-${i % 30}`, '2016-01-01')),
          revenue: lines(100),
          people,
          examPasses: people.flatMap((p, i) => passes(p.id, i % 2 ? ['MB2-715', 'MB2-716'] : ['MB6-705', 'XX-1'], '2017-02-03')),
          fxRates: ['01', '02', '03', '04', '05', '06'].flatMap((month) => [
            { currency: 'EUR', month: `2017-${month}`, usdPerUnit: '1.0734' },
            { currency: 'GBP', month: `2017-${month}`, usdPerUnit: `1.2${month}5` },
          ]),
        };
        await store.import([{ incoming: data, source: 'pages.json' }], programHistory);
        // Every seventh line and person changed: their new versions land on other pages, out of seq order.
        await store.import(
          [
            {
              incoming: {
                revenue: lines(900).filter((_, i) => i % 7 === 3),
                people: people.filter((_, i) => i % 7 === 3).map((p) => ({ ...p, name: `${p.name} (moved)` })),
              },
              source: 'changes.json',
            },
          ],
          programHistory,
        );
        const expected = rowsOf(columnsOf(validated(await store.read())));
        expect(expected.revenue).toHaveLength(3000);
        for (const options of [{ chunkSize: 1 }, { chunkSize: 100, sessions: 3 }, { sessions: 1, packSeqs: false }, {}])
          expect(rowsOf(await store.columns(programHistory, { ...options, snapshot: false })), JSON.stringify(options)).toEqual(expected);
      } finally {
        await store.close();
      }
    });
  });

  describe(`random datasets through the store on ${engine.name}`, () => {
    it('columns from the store evaluate as the dataset does', async () => {
      const samples = [
        ...fc.sample(datasetArbitraryFor(SEED_POPULATION), { numRuns: 3, seed: 42 }).map((s) => ({ ...s, version: program })),
        ...fc.sample(datasetArbitraryFor(REVISION_POPULATION), { numRuns: 3, seed: 7 }).map((s) => ({ ...s, version: revision })),
      ];
      for (const { raw, asOf, version } of samples) {
        const store = await openStore(engine);
        try {
          await store.import([{ incoming: raw, source: 'random.json' }], programHistory);
          const dataset = validated(raw);
          const columns = await store.columns(programHistory, { chunkSize: 7, snapshot: false });
          expect(rowsOf(columns)).toEqual(rowsOf(columnsOf(dataset)));
          expect(evaluate(prepareColumns(version, columns), { asOf: day(asOf) })).toEqual(
            evaluate(prepare(version, dataset), { asOf: day(asOf) }),
          );
        } finally {
          await store.close();
        }
      }
    }, 240_000); // six imports evaluated both ways: 63 s on a machine loaded to 9
  });
}

describe('the columnar snapshot of an embedded store', () => {
  const pglite = ENGINES.find((e) => e.name === 'PGlite')!;
  const corrupt = (path: string, at: (size: number) => number) => {
    const bytes = readFileSync(path);
    const k = at(bytes.length);
    bytes[k] = bytes[k]! ^ 0x40;
    writeFileSync(path, bytes);
  };

  it('is written by a read, used while the data stays, and never when stale or damaged', async () => {
    const options = pglite.options();
    const dir = options.dataDir!;
    const file = join(dir, SNAPSHOT_FILE);
    const store = await Store.open(options);
    try {
      await store.import([{ incoming: MIXED, source: 'mixed.json' }], programHistory);
      expect(existsSync(file)).toBe(false); // a small import leaves it to the next read
      const expected = async () => rowsOf(columnsOf(validated(await store.read())));
      const before = await expected();
      expect(rowsOf(await store.columns(programHistory))).toEqual(before);
      const stamp = snapshotStamp(dir)!;
      const kept = readSnapshot(dir, stamp);
      expect('columns' in kept && rowsOf(withCatalog(kept.columns, programHistory))).toEqual(before);
      expect(readSnapshot(dir, `${stamp}x`)).toEqual({ unused: 'stale' });
      const old = readFileSync(file);

      // An import makes it stale: the next read is the new data, and writes the file again.
      await store.import([{ incoming: TRICKY, source: 'tricky.json' }], programHistory);
      const after = await expected();
      expect(after.revenue.length).toBeGreaterThan(before.revenue.length);
      expect(snapshotStamp(dir)).toBe(stamp);
      expect(rowsOf(await store.columns(programHistory))).toEqual(after);
      expect(snapshotStamp(dir)).not.toBe(stamp);
      expect(readSnapshot(dir, stamp)).toEqual({ unused: 'stale' });
      // The old file put back is of another stamp: not used.
      writeFileSync(file, old);
      expect(rowsOf(await store.columns(programHistory))).toEqual(after);
      expect(snapshotStamp(dir)).not.toBe(stamp);

      // Damaged anywhere (header, arrays, last byte), cut short, or not one at all: read by SQL, written again.
      for (const damage of [
        () => corrupt(file, () => 20),
        () => corrupt(file, (size) => Math.floor(size / 2)),
        () => corrupt(file, (size) => size - 1),
        () => writeFileSync(file, readFileSync(file).subarray(0, 1000)),
        () => writeFileSync(file, 'not a snapshot'),
        () => rmSync(file),
      ]) {
        damage();
        const now = snapshotStamp(dir);
        if (now) expect(readSnapshot(dir, now)).toHaveProperty('unused');
        expect(rowsOf(await store.columns(programHistory))).toEqual(after);
        expect('columns' in readSnapshot(dir, snapshotStamp(dir)!)).toBe(true);
      }
      // A temporary file a writer left behind is cleared by the next writer.
      writeFileSync(join(dir, `${SNAPSHOT_FILE}.99999.tmp`), 'half');
      rmSync(file);
      await store.columns(programHistory);
      expect(readdirSync(dir).filter((n) => n.startsWith(SNAPSHOT_FILE))).toEqual([SNAPSHOT_FILE]);
    } finally {
      await store.close();
    }
    // Another process (here: the store opened again) starts from it.
    const again = await Store.open(options);
    try {
      expect(rowsOf(await again.columns(programHistory))).toEqual(rowsOf(columnsOf(validated(await again.read()))));
    } finally {
      await again.close();
    }
  });

  it(`is written at the end of an import of ${SNAPSHOT_AFTER.toLocaleString('en')} records or more`, async () => {
    const options = pglite.options();
    const store = await Store.open(options);
    try {
      const people = Array.from({ length: SNAPSHOT_AFTER }, (_, i) => person(`S-${i}`, i % 2 ? 'P-A' : 'P-B'));
      await store.import([{ incoming: { ...MIXED, people: [...MIXED.people!, ...people] }, source: 'many.json' }], programHistory);
      const stamp = snapshotStamp(options.dataDir!);
      const [last] = (await store.batches()).slice(-1);
      expect(stamp?.startsWith(`${last!.batch}@`)).toBe(true);
      const kept = readSnapshot(options.dataDir!, stamp!);
      expect('columns' in kept && rowsOf(withCatalog(kept.columns, programHistory))).toEqual(
        rowsOf(columnsOf(validated(await store.read()))),
      );
    } finally {
      await store.close();
    }
  });

  it('is not kept for a store in memory', async () => {
    const memory = await Store.open({ dataDir: 'memory://' });
    try {
      await memory.import([{ incoming: MIXED, source: 'mixed.json' }], programHistory);
      expect(rowsOf(await memory.columns(programHistory))).toEqual(rowsOf(columnsOf(validated(await memory.read()))));
    } finally {
      await memory.close();
    }
  });
});

describe('the columnar snapshot of a server store', () => {
  const server = ENGINES.find((e) => e.name === 'PostgreSQL')!;

  it('is kept in its table by a read, used while the data stays, and never when stale or damaged', async () => {
    const options = server.options();
    const store = await Store.open(options);
    const db = await openPostgres(options.databaseUrl!, options.schema);
    const kept = async () =>
      (await db.query<{ stamp: string; parts: number }>('SELECT min(stamp) AS stamp, count(*)::int AS parts FROM columns_snapshot'))[0]!;
    try {
      await store.import([{ incoming: MIXED, source: 'mixed.json' }], programHistory);
      expect((await kept()).parts).toBe(0); // a small import leaves it to the next read
      const expected = async () => rowsOf(columnsOf(validated(await store.read())));
      const before = await expected();
      expect(rowsOf(await store.columns(programHistory))).toEqual(before);
      const { stamp } = await kept();
      const [last] = (await store.batches()).slice(-1);
      expect(stamp.startsWith(`${last!.batch}@`)).toBe(true);
      const stored = await readStoredSnapshot(db);
      expect('columns' in stored && rowsOf(withCatalog(stored.columns, programHistory))).toEqual(before);

      // Used while the stamp holds: a row changed behind the store's back (never done by Attain) is not seen.
      await db.exec("UPDATE partners SET name = 'changed behind the store' WHERE seq = (SELECT min(seq) FROM partners)");
      expect(rowsOf(await store.columns(programHistory))).toEqual(before);

      // An import makes it stale: the next read is the new data, and keeps it again.
      await store.import([{ incoming: TRICKY, source: 'tricky.json' }], programHistory);
      expect(await readStoredSnapshot(db)).toEqual({ unused: 'stale' });
      const after = await expected();
      expect(rowsOf(await store.columns(programHistory))).toEqual(after);
      expect((await kept()).stamp).not.toBe(stamp);

      // Damaged (a byte flipped, cut short, a part gone): read by SQL, kept again.
      for (const damage of [
        'UPDATE columns_snapshot SET data = set_byte(data, length(data) / 2, get_byte(data, length(data) / 2) # 64) WHERE part = 0',
        'UPDATE columns_snapshot SET data = substring(data from 1 for 1000)',
        'DELETE FROM columns_snapshot',
      ]) {
        await db.exec(damage);
        expect(await readStoredSnapshot(db)).toHaveProperty('unused');
        expect(rowsOf(await store.columns(programHistory))).toEqual(after);
        expect('columns' in (await readStoredSnapshot(db))).toBe(true);
      }
    } finally {
      await db.close();
      await store.close();
    }
  });

  it('is kept by the first read after an import of any size, and in parts reads back the same', async () => {
    const options = server.options();
    const store = await Store.open(options);
    const db = await openPostgres(options.databaseUrl!, options.schema);
    try {
      const people = Array.from({ length: SNAPSHOT_AFTER }, (_, i) => person(`S-${i}`, i % 2 ? 'P-A' : 'P-B'));
      await store.import([{ incoming: { ...MIXED, people: [...MIXED.people!, ...people] }, source: 'many.json' }], programHistory);
      const whole = rowsOf(columnsOf(validated(await store.read())));
      expect(await readStoredSnapshot(db)).toEqual({ unused: 'missing' });
      expect(rowsOf(await store.columns(programHistory))).toEqual(whole);
      const stored = await readStoredSnapshot(db);
      expect('columns' in stored && rowsOf(withCatalog(stored.columns, programHistory))).toEqual(whole);
      // Kept in parts of a thousand bytes, it reads back the same.
      const read = await readStoreColumns(db);
      await writeStoredSnapshot(db, read.stamp, read.columns, 1000);
      expect((await db.query<{ parts: number }>('SELECT count(*)::int AS parts FROM columns_snapshot'))[0]!.parts).toBeGreaterThan(10);
      const again = await readStoredSnapshot(db);
      expect('columns' in again && rowsOf(withCatalog(again.columns, programHistory))).toEqual(whole);
      // Parts swapped, or one gone from the middle: not used.
      await db.exec(
        'UPDATE columns_snapshot SET part = -1 WHERE part = 0; UPDATE columns_snapshot SET part = 0 WHERE part = 1; UPDATE columns_snapshot SET part = 1 WHERE part = -1',
      );
      expect(await readStoredSnapshot(db)).toEqual({ unused: 'corrupt' });
      await db.exec('DELETE FROM columns_snapshot WHERE part = 5');
      expect(await readStoredSnapshot(db)).toEqual({ unused: 'corrupt' });
      expect(rowsOf(await store.columns(programHistory))).toEqual(whole);
      expect('columns' in (await readStoredSnapshot(db))).toBe(true);
    } finally {
      await db.close();
      await store.close();
    }
  });
});

describe('a chunk as the store sends it', () => {
  /** COPY's binary format: the signature, flags, no extension, the tuples, the trailer. */
  const copyOutput = (tuples: readonly (readonly (Uint8Array | null)[])[]): Uint8Array => {
    const parts: number[] = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];
    const int = (v: number, width: 2 | 4) => {
      for (let b = width - 1; b >= 0; b--) parts.push((v >> (b * 8)) & 0xff);
    };
    for (const tuple of tuples) {
      int(tuple.length, 2);
      for (const field of tuple) {
        int(field ? field.length : -1, 4);
        if (field) parts.push(...field);
      }
    }
    int(-1, 2);
    return Uint8Array.from(parts);
  };

  it('reads the tuples of COPY’s binary format, nulls included, and refuses a truncated one', () => {
    const a = new Uint8Array([1, 2, 3]);
    const output = copyOutput([[a, null, new Uint8Array(0)]]);
    expect(copyTuples(output)).toEqual([[a, null, new Uint8Array(0)]]);
    expect(copyTuples(copyOutput([]))).toEqual([]);
    expect(() => copyTuples(output.subarray(0, output.length - 3))).toThrow(/malformed/);
    expect(() => copyTuples(new Uint8Array(30))).toThrow(/malformed/);
  });

  it('places rows that arrive out of seq order: by a table of the seq range, or by sorting when seqs are sparse', () => {
    expect(seqRanks(Float64Array.from([1, 2, 5, 9]))).toBeUndefined();
    expect([...seqRanks(Float64Array.from([30, 10, 20, 40]))!]).toEqual([2, 0, 1, 3]);
    // Sparse: a range far larger than the rows.
    expect([...seqRanks(Float64Array.from([3e12, 1, 2e9, 7, 8]))!]).toEqual([4, 0, 3, 1, 2]);
    // Random permutations of dense and sparse seqs, against a sort.
    for (const spread of [1, 1_000_000]) {
      const seqs = Array.from({ length: 500 }, (_, i) => 1 + i * spread);
      fc.assert(
        fc.property(fc.shuffledSubarray(seqs, { minLength: 500 }), (shuffled) => {
          const ranks = seqRanks(Float64Array.from(shuffled));
          const sorted = [...shuffled].sort((x, y) => x - y);
          expect(ranks ? [...ranks] : shuffled.map((_, i) => i)).toEqual(shuffled.map((v) => sorted.indexOf(v)));
        }),
        { numRuns: 30, seed: 16 },
      );
    }
    expect(() => seqRanks(Float64Array.from([2, 1, 2]))).toThrow(/share a seq/);
    expect(() => seqRanks(Float64Array.from([5e12, 1, 5e12]))).toThrow(/share a seq/);
  });

  it('tells when two ids of a dimension share a hash, and finds every other, growing as needed', () => {
    const index = new HashIndex(1000);
    for (let i = 0; i < 1000; i++) expect(index.add(i * 7919, -i, i)).toBe(true);
    expect(index.add(7919, -1, 5)).toBe(false);
    for (let i = 0; i < 1000; i++) expect(index.get(i * 7919, -i)).toBe(i);
    expect(index.get(1, 1)).toBe(-1);
    const small = new HashIndex(1);
    for (let i = 0; i < 5000; i++) expect(small.add(i, i ^ 0x5bd1e995, i)).toBe(true);
    for (let i = 0; i < 5000; i++) expect(small.get(i, i ^ 0x5bd1e995)).toBe(i);
    expect(small.size).toBe(5000);
  });
});
