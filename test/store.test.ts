/**
 * The store on both engines: the same scenarios against embedded PGlite and
 * against the PostgreSQL server (a schema of its own per run).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, InvalidInputError, prepare, validateDataset, type DatasetFile } from '../src/engine/index.js';
import { formatProblem } from '../src/i18n/index.js';
import { readJsonFile } from '../src/files/dataset-file.js';
import { migrate, MIGRATIONS } from '../src/store/migrations.js';
import { openPglite } from '../src/store/pglite.js';
import { Store, type StoreOptions } from '../src/store/store.js';
import { program, programHistory, day } from './support/builders.js';
import { storeEngines } from './support/stores.js';

const EXAMPLE = 'examples/cloud-business-applications.json';
const { engines: ENGINES } = storeEngines('store');

function report(dataset: unknown, asOf = '2017-07-07') {
  const validated = validateDataset(dataset, programHistory);
  if (!validated.ok) throw new Error(validated.problems.map((p) => formatProblem(p)).join('\n'));
  return evaluate(prepare(program, validated.value), { asOf: day(asOf) });
}

for (const engine of ENGINES) {
  describe(`the store on ${engine.name}`, () => {
    let store: Store;
    let options: StoreOptions;
    beforeAll(async () => {
      options = engine.options();
      store = await Store.open(options);
    });
    afterAll(async () => {
      await store.close();
    });

    it('imports a dataset and evaluates exactly as from the file', async () => {
      const [batch] = await store.import([{ incoming: readJsonFile(EXAMPLE), source: EXAMPLE }], programHistory);
      expect(batch).toMatchObject({ source: EXAMPLE, added: 241, updated: 0, unchanged: 0, rejected: 0 });
      expect(report(await store.read())).toEqual(report(readJsonFile(EXAMPLE)));
    });

    it('re-imports idempotently: unchanged records are counted, a changed one is updated', async () => {
      const again = await store.import([{ incoming: readJsonFile(EXAMPLE), source: EXAMPLE }], programHistory);
      expect(again[0]).toMatchObject({ added: 0, updated: 0, unchanged: 241 });
      const dataset = readJsonFile(EXAMPLE) as DatasetFile;
      const changed = { revenue: dataset.revenue!.map((r) => (r.id === 'R-2001' ? { ...r, amount: 41000 } : r)) };
      const [update] = await store.import([{ incoming: changed, source: 'changed.json' }], programHistory);
      expect(update).toMatchObject({ added: 0, updated: 1, unchanged: dataset.revenue!.length - 1 });
      expect((await store.read()).revenue.find((r) => r.id === 'R-2001')).toMatchObject({ amount: '41000' });
    });

    it('adds a fragment: exam passes for existing people', async () => {
      const [batch] = await store.import(
        [{ incoming: { examPasses: [{ personId: 'NW-06', exam: 'MB2-715', date: '2017-08-01' }] }, source: 'passes.json' }],
        programHistory,
      );
      expect(batch).toMatchObject({ added: 1, updated: 0, unchanged: 0 });
    });

    it('rejects a bad batch whole, naming the file and record, and writes nothing', async () => {
      const before = await store.read();
      const bad = {
        revenue: [
          { id: 'R-NEW', customerId: 'C-NOBODY', product: 'D365-SALES', date: '2017-07-01', amount: 5, currency: 'EURO', netNew: true },
        ],
        examPasses: [{ personId: 'NW-01', exam: 'MB2-717', date: '2017-07-01' }],
      };
      const error = await store.import([{ incoming: bad, source: 'bad.json' }], programHistory).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).problems.map((p) => formatProblem(p))).toEqual([
        'bad.json: revenue[0] (id R-NEW): customerId "C-NOBODY" does not name a customer of the dataset',
        'bad.json: revenue[0] (id R-NEW): currency "EURO" is not an ISO 4217 code',
      ]);
      expect(await store.read()).toEqual(before);
      expect((await store.batches()).at(-1)).toMatchObject({
        source: 'bad.json',
        added: 0,
        rejected: 2,
        errors: [
          'bad.json: revenue[0] (id R-NEW): customerId "C-NOBODY" does not name a customer of the dataset',
          'bad.json: revenue[0] (id R-NEW): currency "EURO" is not an ISO 4217 code',
        ],
      });
    });

    it('rejects every batch of one import when one of them is bad', async () => {
      const before = await store.read();
      const good = { partners: [{ id: 'P-NEW', name: 'New', country: 'FR' }] };
      const bad = { partners: [{ id: 'P-BAD', name: 'Bad', country: 'ZZ' }] };
      await expect(
        store.import(
          [
            { incoming: good, source: 'good.json' },
            { incoming: bad, source: 'bad.json' },
          ],
          programHistory,
        ),
      ).rejects.toThrow(InvalidInputError);
      expect(await store.read()).toEqual(before);
    });

    it('round-trips: what it exports imports into an empty store as the same dataset', async () => {
      const exported = await store.read();
      const otherOptions = engine.options();
      const other = await Store.open(otherOptions);
      try {
        await other.import([{ incoming: exported, source: 'export.json' }], programHistory);
        expect(await other.read()).toEqual(exported);
      } finally {
        await other.close();
      }
    });
  });
}

describe('migrations', () => {
  it('apply once, in order, and record their versions', async () => {
    const db = await openPglite(mkdtempSync(join(tmpdir(), 'attain-migrate-')));
    try {
      expect(await migrate(db)).toEqual(MIGRATIONS.map((m) => m.version));
      expect(await migrate(db)).toEqual([]);
      const extra = [...MIGRATIONS, { version: 99, name: 'test', sql: 'CREATE TABLE extra (x int)' }];
      expect(await migrate(db, extra)).toEqual([99]);
      expect(await db.query('SELECT version FROM attain_migrations ORDER BY version')).toEqual([
        ...MIGRATIONS.map((m) => ({ version: m.version })),
        { version: 99 },
      ]);
    } finally {
      await db.close();
    }
  });

  it('a failing migration leaves nothing behind', async () => {
    const db = await openPglite(mkdtempSync(join(tmpdir(), 'attain-migrate-')));
    try {
      await migrate(db);
      const latest = Math.max(...MIGRATIONS.map((m) => m.version));
      const broken = [...MIGRATIONS, { version: latest + 1, name: 'broken', sql: 'CREATE TABLE half (x int); SELECT * FROM nowhere;' }];
      await expect(migrate(db, broken)).rejects.toThrow();
      expect(await db.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'half'")).toEqual([{ n: 0 }]);
      expect(await db.query('SELECT max(version)::int AS v FROM attain_migrations')).toEqual([{ v: latest }]);
    } finally {
      await db.close();
    }
  });
});
