/**
 * The scoring records' tables (migration 8) on both engines: one table per
 * collection of the records, keyed as the collection identifies a record, and
 * refusing what the records schema refuses (a month that is not YYYY-MM, a
 * negative count, an unknown baseline kind).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoringCollections } from '../src/engine/scoring/dataset.js';
import { migrate } from '../src/store/migrations.js';
import { openPglite } from '../src/store/pglite.js';
import { openPostgres } from '../src/store/postgres.js';
import type { SqlClient } from '../src/store/sql.js';
import { storeEngines } from './support/stores.js';

const { engines: ENGINES } = storeEngines('store_scoring');

/** Table name of a collection: snake case, prefixed so it cannot meet a threshold table. */
const tableOf = (collection: string): string => `scoring_${collection.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;

for (const engine of ENGINES) {
  describe(`the scoring tables on ${engine.name}`, () => {
    let db: SqlClient;
    beforeAll(async () => {
      const options = engine.options();
      db = options.databaseUrl ? await openPostgres(options.databaseUrl, options.schema) : await openPglite(options.dataDir!);
      await migrate(db);
    });
    afterAll(async () => {
      await db.close();
    });

    it('has a table for every collection of the scoring records', async () => {
      for (const collection of Object.keys(scoringCollections)) {
        const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ' + tableOf(collection));
        expect(rows).toEqual([{ n: 0 }]);
      }
    });

    it('keys a record as its collection identifies it: the same key twice is refused', async () => {
      await db.query("INSERT INTO scoring_seats (subscription_id, month, paid_seats) VALUES ('S-1', '2022-10', 3)");
      await expect(
        db.query("INSERT INTO scoring_seats (subscription_id, month, paid_seats) VALUES ('S-1', '2022-10', 4)"),
      ).rejects.toThrow();
      await db.query("INSERT INTO scoring_seats (subscription_id, month, paid_seats) VALUES ('S-1', '2022-11', 4)");
      expect(await db.query('SELECT count(*)::int AS n FROM scoring_seats')).toEqual([{ n: 2 }]);
    });

    it('refuses a month that is not YYYY-MM, at the edges of the month range', async () => {
      for (const month of ['2022-00', '2022-13', '2022-1', '22-10', '2022-10-01']) {
        await expect(
          db.query("INSERT INTO scoring_usage (tenant_id, workload, month, units) VALUES ('T-1', 'Teams', $1, 1)", [month]),
        ).rejects.toThrow();
      }
      for (const month of ['2022-01', '2022-12']) {
        await db.query("INSERT INTO scoring_usage (tenant_id, workload, month, units) VALUES ('T-1', 'Teams', $1, 1.5)", [month]);
      }
      expect(await db.query('SELECT units::text AS units FROM scoring_usage ORDER BY month')).toEqual([{ units: '1.5' }, { units: '1.5' }]);
    });

    it('refuses a negative count and an unknown baseline kind; zero is allowed', async () => {
      const insert = 'INSERT INTO scoring_baselines (partner_id, metric, kind, date, count) VALUES ($1, $2, $3, $4, $5)';
      await expect(db.query(insert, ['P-1', 'intermediate', 'baseline', '2022-10-01', -1])).rejects.toThrow();
      await expect(db.query(insert, ['P-1', 'intermediate', 'renewal', '2022-10-01', 1])).rejects.toThrow();
      await db.query(insert, ['P-1', 'intermediate', 'baseline', '2022-10-01', 0]);
      await db.query(insert, ['P-1', 'intermediate', 'anniversary', '2022-10-01', 2]);
      expect(await db.query('SELECT kind, count FROM scoring_baselines ORDER BY kind')).toEqual([
        { kind: 'anniversary', count: 2 },
        { kind: 'baseline', count: 0 },
      ]);
    });
  });
}
