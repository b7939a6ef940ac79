/**
 * The scoring records as the store holds them (migration 8), read back in the
 * records file's shape (src/engine/scoring/dataset.ts: `ScoringRecords`) so the
 * caller validates them with `validateScoringRecords` exactly as a file's. Rows
 * come back in the order they were first stored (`seq`); collections with no
 * rows are left out, as a file may leave them out.
 */
import type { ScoringRecords } from '../engine/scoring/dataset.js';
import type { SqlClient } from './sql.js';

type Row = Record<string, unknown>;

/** Drops absent optional fields: the records schema is strict and reads a missing field, not a null one. */
function defined(record: Row): Row {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null && value !== undefined));
}

const READS = {
  partners: 'SELECT id, country FROM scoring_partners ORDER BY seq',
  tenants: 'SELECT id, country FROM scoring_tenants ORDER BY seq',
  subscriptions:
    'SELECT id, tenant_id AS "tenantId", product, paid, channel, agreement_start AS "agreementStart" FROM scoring_subscriptions ORDER BY seq',
  billing: 'SELECT id, subscription_id AS "subscriptionId", month, amount_usd::text AS "amountUsd" FROM scoring_billing ORDER BY seq',
  seats: 'SELECT subscription_id AS "subscriptionId", month, paid_seats AS "paidSeats" FROM scoring_seats ORDER BY seq',
  usage: 'SELECT tenant_id AS "tenantId", workload, month, units::text AS units FROM scoring_usage ORDER BY seq',
  instances: 'SELECT id, tenant_id AS "tenantId", instance_group AS "group", production FROM scoring_instances ORDER BY seq',
  // `to` stays null when open-ended: the schema reads null as "still associated".
  associations:
    'SELECT partner_id AS "partnerId", subscription_id AS "subscriptionId", type, from_month AS "from", to_month AS "to" FROM scoring_associations ORDER BY seq',
  people: 'SELECT id, partner_id AS "partnerId" FROM scoring_people ORDER BY seq',
  examPasses: `SELECT person_id AS "personId", exam, to_char(date, 'YYYY-MM-DD') AS date FROM scoring_exam_passes ORDER BY seq`,
  certificationsHeld: `SELECT person_id AS "personId", certification, to_char(date, 'YYYY-MM-DD') AS date,
      to_char(expires, 'YYYY-MM-DD') AS expires FROM scoring_certifications_held ORDER BY seq`,
  baselines: `SELECT partner_id AS "partnerId", metric, kind, to_char(date, 'YYYY-MM-DD') AS date, count FROM scoring_baselines ORDER BY seq`,
} as const satisfies Record<keyof ScoringRecords, string>;

/** Every stored scoring record, in the records file's shape (not yet validated). */
export async function readScoringRecords(db: SqlClient): Promise<ScoringRecords> {
  const records: Record<string, Row[]> = {};
  for (const [collection, sql] of Object.entries(READS)) {
    const rows = await db.query<Row>(sql);
    if (rows.length === 0) continue;
    records[collection] = rows.map((row) => (collection === 'associations' ? { ...defined(row), to: row['to'] ?? null } : defined(row)));
  }
  return records as ScoringRecords;
}
