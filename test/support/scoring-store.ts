/**
 * Scoring records into a store's scoring tables (migration 8), for tests of
 * what reads them (the score API, the dashboard): each collection's rows in
 * the columns src/store/scoring.ts READS, in one transaction. A mirror of
 * those reads, not an import: nothing is validated here (a test may store
 * records that do not validate), and no import batch is written.
 */
import { afterAll, beforeAll } from 'vitest';
import type { ScoringRecords } from '../../src/engine/index.js';
import { migrate } from '../../src/store/migrations.js';
import { openPglite } from '../../src/store/pglite.js';
import { openPostgres } from '../../src/store/postgres.js';
import type { SqlClient } from '../../src/store/sql.js';
import type { StoreOptions } from '../../src/store/store.js';
import { startServer, type TestServer } from './http.js';

type Row = Record<string, unknown>;

/** Per collection: its table, and each column with the record's field it holds. */
const WRITES: { readonly [K in keyof ScoringRecords]-?: { table: string; columns: Readonly<Record<string, string>> } } = {
  partners: { table: 'scoring_partners', columns: { id: 'id', country: 'country' } },
  tenants: { table: 'scoring_tenants', columns: { id: 'id', country: 'country' } },
  subscriptions: {
    table: 'scoring_subscriptions',
    columns: { id: 'id', tenant_id: 'tenantId', product: 'product', paid: 'paid', channel: 'channel', agreement_start: 'agreementStart' },
  },
  billing: { table: 'scoring_billing', columns: { id: 'id', subscription_id: 'subscriptionId', month: 'month', amount_usd: 'amountUsd' } },
  seats: { table: 'scoring_seats', columns: { subscription_id: 'subscriptionId', month: 'month', paid_seats: 'paidSeats' } },
  usage: { table: 'scoring_usage', columns: { tenant_id: 'tenantId', workload: 'workload', month: 'month', units: 'units' } },
  instances: {
    table: 'scoring_instances',
    columns: { id: 'id', tenant_id: 'tenantId', instance_group: 'group', production: 'production' },
  },
  associations: {
    table: 'scoring_associations',
    columns: { partner_id: 'partnerId', subscription_id: 'subscriptionId', type: 'type', from_month: 'from', to_month: 'to' },
  },
  people: { table: 'scoring_people', columns: { id: 'id', partner_id: 'partnerId' } },
  examPasses: { table: 'scoring_exam_passes', columns: { person_id: 'personId', exam: 'exam', date: 'date' } },
  certificationsHeld: {
    table: 'scoring_certifications_held',
    columns: { person_id: 'personId', certification: 'certification', date: 'date', expires: 'expires' },
  },
  baselines: {
    table: 'scoring_baselines',
    columns: { partner_id: 'partnerId', metric: 'metric', kind: 'kind', date: 'date', count: 'count' },
  },
  enrolments: {
    table: 'scoring_enrolments',
    columns: { partner_id: 'partnerId', enrolled: 'enrolled', anniversary: 'anniversary', legacy: 'legacy' },
  },
};

/** Inserts the records' rows, collection by collection in the records' order, in one transaction. */
export async function insertScoringRecords(db: SqlClient, records: ScoringRecords): Promise<void> {
  await db.transaction(async (tx) => {
    for (const [collection, { table, columns }] of Object.entries(WRITES)) {
      const rows = (records[collection as keyof ScoringRecords] ?? []) as readonly Row[];
      const names = Object.keys(columns);
      const sql = `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`;
      for (const row of rows) {
        await tx.query(
          sql,
          Object.values(columns).map((field) => {
            const value = row[field];
            // Amounts go in as text, so a decimal keeps every digit.
            return value === undefined ? null : typeof value === 'number' && !Number.isInteger(value) ? String(value) : value;
          }),
        );
      }
    }
  });
}

/** The store of `options` (created and migrated if new) with the records in its scoring tables; closed again before a Store opens it. */
export async function seedScoringStore(options: StoreOptions, records: ScoringRecords): Promise<void> {
  const db = options.databaseUrl ? await openPostgres(options.databaseUrl, options.schema) : await openPglite(options.dataDir!);
  try {
    await migrate(db);
    await insertScoringRecords(db, records);
  } finally {
    await db.close();
  }
}

/** What `serveScoringStore` hands its tests once its `beforeAll` has run: the store's options and its server. */
export interface ScoringServer {
  readonly options: StoreOptions;
  readonly server: TestServer;
}

/**
 * Before the tests of the enclosing file or describe block, a store of `options()` seeded with the records and a
 * server over it; closed after them. Read the fields inside the tests (they are set by the hook).
 */
export function serveScoringStore(options: () => StoreOptions, records: ScoringRecords): ScoringServer {
  const served: { options?: StoreOptions; server?: TestServer } = {};
  beforeAll(async () => {
    served.options = options();
    await seedScoringStore(served.options, records);
    served.server = await startServer({ store: served.options });
  }, 60_000);
  afterAll(async () => {
    await served.server?.close();
  });
  return {
    get options() {
      return served.options!;
    },
    get server() {
      return served.server!;
    },
  };
}
