/**
 * The scoring records' tables (migration 8) on both engines: one table per
 * collection of the records, keyed as the collection identifies a record, and
 * refusing what the records schema refuses (a month that is not YYYY-MM, a
 * negative count, an unknown baseline kind).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoringCollections, validateScoringRecords } from '../src/engine/scoring/dataset.js';
import { migrate } from '../src/store/migrations.js';
import { openPglite } from '../src/store/pglite.js';
import { openPostgres } from '../src/store/postgres.js';
import { Store, type StoreOptions } from '../src/store/store.js';
import { readScoringRecords } from '../src/store/scoring.js';
import type { SqlClient } from '../src/store/sql.js';
import { storeEngines } from './support/stores.js';

const { engines: ENGINES } = storeEngines('store_scoring');

/** Table name of a collection: snake case, prefixed so it cannot meet a threshold table. */
const tableOf = (collection: string): string => `scoring_${collection.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;

for (const engine of ENGINES) {
  describe(`the scoring tables on ${engine.name}`, () => {
    let db: SqlClient;
    let options: StoreOptions;
    let closed = false;
    beforeAll(async () => {
      options = engine.options();
      db = options.databaseUrl ? await openPostgres(options.databaseUrl, options.schema) : await openPglite(options.dataDir!);
      await migrate(db);
    });
    afterAll(async () => {
      if (!closed) await db.close();
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
    it('keeps one enrolment per partner: a date or legacy, never both, an anniversary only with a date (migration 10)', async () => {
      const insert = 'INSERT INTO scoring_enrolments (partner_id, enrolled, anniversary, legacy) VALUES ($1, $2, $3, $4)';
      await expect(db.query(insert, ['P-E', '2023-01-10', null, true])).rejects.toThrow();
      await expect(db.query(insert, ['P-E', null, '2023-06-01', null])).rejects.toThrow();
      await db.query(insert, ['P-E', '2023-01-10', '2023-06-01', null]);
      await expect(db.query(insert, ['P-E', null, null, true])).rejects.toThrow();
      await db.query(insert, ['P-L', null, null, true]);
      expect(await readScoringRecords(db).then((r) => r.enrolments)).toEqual([
        { partnerId: 'P-E', enrolled: '2023-01-10', anniversary: '2023-06-01' },
        { partnerId: 'P-L', legacy: true },
      ]);
      await db.exec('DELETE FROM scoring_enrolments');
    });

    it('reads the stored records back in the records file shape, in stored order, and they validate', async () => {
      await db.exec(`
        INSERT INTO scoring_partners (id, country) VALUES ('P-1', 'US');
        INSERT INTO scoring_tenants (id, country) VALUES ('T-2', 'US'), ('T-1', 'FR');
        INSERT INTO scoring_subscriptions (id, tenant_id, product, paid, channel, agreement_start)
          VALUES ('S-1', 'T-1', 'Microsoft 365 E3', true, NULL, NULL), ('S-2', 'T-2', 'Microsoft 365 E3', false, 'CSP', '2022-01');
        INSERT INTO scoring_billing (id, subscription_id, month, amount_usd) VALUES ('B-1', 'S-1', '2022-10', 1234.56);
        INSERT INTO scoring_associations (partner_id, subscription_id, type, from_month, to_month)
          VALUES ('P-1', 'S-1', 'CSP', '2022-01', NULL), ('P-1', 'S-2', 'CSP', '2022-01', '2022-06');
        INSERT INTO scoring_certifications_held (person_id, certification, date, expires) VALUES ('X-1', 'AZ-104', '2022-02-28', NULL);
        INSERT INTO scoring_people (id, partner_id) VALUES ('X-1', 'P-1');
      `);
      const records = await readScoringRecords(db);
      expect(records.tenants).toEqual([
        { id: 'T-2', country: 'US' },
        { id: 'T-1', country: 'FR' },
      ]);
      expect(records.subscriptions).toEqual([
        { id: 'S-1', tenantId: 'T-1', product: 'Microsoft 365 E3', paid: true },
        { id: 'S-2', tenantId: 'T-2', product: 'Microsoft 365 E3', paid: false, channel: 'CSP', agreementStart: '2022-01' },
      ]);
      expect(records.billing).toEqual([{ id: 'B-1', subscriptionId: 'S-1', month: '2022-10', amountUsd: '1234.56' }]);
      expect(records.associations).toEqual([
        { partnerId: 'P-1', subscriptionId: 'S-1', type: 'CSP', from: '2022-01', to: null },
        { partnerId: 'P-1', subscriptionId: 'S-2', type: 'CSP', from: '2022-01', to: '2022-06' },
      ]);
      expect(records.certificationsHeld).toEqual([{ personId: 'X-1', certification: 'AZ-104', date: '2022-02-28' }]);
      const validated = validateScoringRecords(records, {
        products: new Set(['Microsoft 365 E3']),
        workloads: new Set(['Teams']),
        associationTypes: new Set(['CSP']),
        countries: new Set(['US', 'FR']),
      });
      expect(validated.ok ? [] : validated.problems).toEqual([]);
    });

    it('a store opened on the same data gives the same records through Store.scoringRecords', async () => {
      // An embedded store's folder is opened by one client at a time: this one is closed first.
      const stored = await readScoringRecords(db);
      await db.close();
      closed = true;
      const store = await Store.open(options);
      try {
        expect(await store.scoringRecords()).toEqual(stored);
        expect((await store.scoringRecords()).partners).toEqual([{ id: 'P-1', country: 'US' }]);
      } finally {
        await store.close();
      }
    });
  });
}
