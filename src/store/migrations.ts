/**
 * Versioned schema migrations, applied in order when a store is opened, each
 * in its own transaction with its version recorded. A migration is never
 * edited once released: the next change is a new one.
 */
import type { SqlClient } from './sql.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'dataset tables and import batches',
    // Keys are the dataset's keys (ids, or what identifies a record without
    // one); re-importing a record updates it. `seq` keeps the order records
    // were first imported in, so the store gives them back as the file had them.
    sql: `
      CREATE TABLE partners (
        seq bigserial NOT NULL,
        id text PRIMARY KEY,
        name text NOT NULL,
        country text NOT NULL
      );
      CREATE TABLE customers (
        seq bigserial NOT NULL,
        id text PRIMARY KEY,
        name text NOT NULL,
        country text NOT NULL
      );
      CREATE TABLE associations (
        seq bigserial NOT NULL,
        customer_id text NOT NULL,
        partner_id text NOT NULL,
        type text NOT NULL,
        start_date date NOT NULL,
        end_date date,
        PRIMARY KEY (customer_id, type, start_date, partner_id)
      );
      CREATE TABLE revenue_lines (
        seq bigserial NOT NULL,
        id text PRIMARY KEY,
        customer_id text NOT NULL,
        product text NOT NULL,
        date date NOT NULL,
        amount numeric NOT NULL,
        currency text NOT NULL,
        net_new boolean NOT NULL
      );
      CREATE INDEX revenue_lines_customer_date ON revenue_lines (customer_id, date);
      CREATE TABLE people (
        seq bigserial NOT NULL,
        id text PRIMARY KEY,
        partner_id text NOT NULL,
        name text NOT NULL
      );
      CREATE INDEX people_partner ON people (partner_id);
      CREATE TABLE exam_passes (
        seq bigserial NOT NULL,
        person_id text NOT NULL,
        exam text NOT NULL,
        date date NOT NULL,
        PRIMARY KEY (person_id, exam, date)
      );
      CREATE TABLE fx_rates (
        seq bigserial NOT NULL,
        currency text NOT NULL,
        month text NOT NULL,
        usd_per_unit numeric NOT NULL,
        PRIMARY KEY (currency, month)
      );
      CREATE TABLE import_batches (
        id bigserial PRIMARY KEY,
        imported_at timestamptz NOT NULL DEFAULT now(),
        source text NOT NULL,
        added integer NOT NULL,
        updated integer NOT NULL,
        unchanged integer NOT NULL,
        rejected integer NOT NULL,
        errors jsonb NOT NULL DEFAULT '[]'
      );
    `,
  },
  {
    version: 2,
    name: 'program definitions by version',
    // One row per version of a program: its definition as one document (the
    // fragments joined, what compileProgramVersion takes), where it was read
    // from, and when it was stored or last changed.
    sql: `
      CREATE TABLE program_versions (
        program_id text NOT NULL,
        effective_from date NOT NULL,
        definition jsonb NOT NULL,
        source text NOT NULL,
        loaded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (program_id, effective_from)
      );
    `,
  },
  {
    version: 3,
    name: 'indexes for reading the store as columns and by partner',
    // Evaluating the whole store reads each table in chunks of seq order
    // (src/store/columns.ts: WHERE seq > $1 ORDER BY seq LIMIT n), which
    // needs seq indexed and unique, as bigserial makes it. A partner's
    // neighbourhood (plan, forecast, timeline) starts from its associations.
    sql: `
      CREATE UNIQUE INDEX partners_seq ON partners (seq);
      CREATE UNIQUE INDEX customers_seq ON customers (seq);
      CREATE UNIQUE INDEX associations_seq ON associations (seq);
      CREATE UNIQUE INDEX revenue_lines_seq ON revenue_lines (seq);
      CREATE UNIQUE INDEX people_seq ON people (seq);
      CREATE UNIQUE INDEX exam_passes_seq ON exam_passes (seq);
      CREATE INDEX associations_partner ON associations (partner_id);
    `,
  },
  {
    version: 4,
    name: 'accounts, sessions and API tokens',
    // Secrets are never stored: passwords as scrypt hashes with their own
    // salt and cost, session and API tokens as SHA-256 digests (they are
    // long random values: a fast digest is enough and lets them be looked up).
    sql: `
      CREATE TABLE users (
        id bigserial PRIMARY KEY,
        username text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('program-admin', 'partner-admin', 'partner-viewer')),
        partner_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((role = 'program-admin') = (partner_id IS NULL))
      );
      CREATE TABLE sessions (
        token_hash text PRIMARY KEY,
        user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        csrf_token text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      );
      CREATE TABLE api_tokens (
        id bigserial PRIMARY KEY,
        user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz
      );
    `,
  },
  {
    version: 5,
    name: 'API tokens expire',
    // A token is refused past expires_at (last_used_at is kept since version 4).
    // Tokens made before expiry existed get the default 90 days from now
    // rather than stopping at once.
    sql: `
      ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;
      UPDATE api_tokens SET expires_at = now() + interval '90 days';
      ALTER TABLE api_tokens ALTER COLUMN expires_at SET NOT NULL;
      CREATE INDEX api_tokens_user ON api_tokens (user_id);
    `,
  },
  {
    version: 6,
    name: 'partners each import changed',
    // The import log a live server catches up from (src/app/evaluations.ts): for an
    // import, keyed by its last batch, every partner whose measures its records can
    // change. Imports made before this version are not listed; a server loads the
    // whole store at start, so it only needs the ones after.
    sql: `
      CREATE TABLE import_changes (
        batch bigint NOT NULL,
        partner_id text NOT NULL,
        PRIMARY KEY (batch, partner_id)
      );
    `,
  },
  {
    version: 7,
    name: 'columns snapshot',
    // A server's whole-store columns kept as the bytes of snapshot.ts, keyed by the
    // data stamp they were read at: a server starts from them instead of reading
    // every row (an embedded store keeps the same bytes in a file beside its data).
    sql: `
      CREATE TABLE columns_snapshot (
        part integer PRIMARY KEY,
        stamp text NOT NULL,
        data bytea NOT NULL
      );
      ALTER TABLE columns_snapshot ALTER COLUMN data SET STORAGE EXTERNAL;
    `,
  },
  {
    version: 8,
    name: 'scoring records',
    // One table per collection of the scoring records (src/engine/scoring/dataset.ts),
    // prefixed scoring_ because partners, associations, people and exam passes mean
    // other records in the threshold dataset. Keys are what identifies a record in
    // its collection, so re-importing a record updates it; months are YYYY-MM text,
    // checked here as the records schema checks them, and amounts stay exact numerics.
    sql: `
      CREATE TABLE scoring_partners (
        seq bigserial NOT NULL,
        id text PRIMARY KEY,
        country text NOT NULL
      );
      CREATE TABLE scoring_tenants (
        seq bigserial NOT NULL,
        id text PRIMARY KEY,
        country text NOT NULL
      );
      CREATE TABLE scoring_subscriptions (
        seq bigserial NOT NULL,
        id text PRIMARY KEY,
        tenant_id text NOT NULL,
        product text NOT NULL,
        paid boolean NOT NULL,
        channel text,
        agreement_start text CHECK (agreement_start ~ '^[0-9]{4}-(0[1-9]|1[0-2])$')
      );
      CREATE TABLE scoring_billing (
        seq bigserial NOT NULL,
        id text PRIMARY KEY,
        subscription_id text NOT NULL,
        month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        amount_usd numeric NOT NULL
      );
      CREATE TABLE scoring_seats (
        seq bigserial NOT NULL,
        subscription_id text NOT NULL,
        month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        paid_seats integer NOT NULL CHECK (paid_seats >= 0),
        PRIMARY KEY (subscription_id, month)
      );
      CREATE TABLE scoring_usage (
        seq bigserial NOT NULL,
        tenant_id text NOT NULL,
        workload text NOT NULL,
        month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        units numeric NOT NULL,
        PRIMARY KEY (tenant_id, workload, month)
      );
      CREATE TABLE scoring_instances (
        seq bigserial NOT NULL,
        id text PRIMARY KEY,
        tenant_id text NOT NULL,
        instance_group text NOT NULL,
        production boolean NOT NULL
      );
      CREATE TABLE scoring_associations (
        seq bigserial NOT NULL,
        partner_id text NOT NULL,
        subscription_id text NOT NULL,
        type text NOT NULL,
        from_month text NOT NULL CHECK (from_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        to_month text CHECK (to_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        PRIMARY KEY (subscription_id, type, from_month, partner_id)
      );
      CREATE INDEX scoring_associations_partner ON scoring_associations (partner_id);
      CREATE TABLE scoring_people (
        seq bigserial NOT NULL,
        id text PRIMARY KEY,
        partner_id text NOT NULL
      );
      CREATE INDEX scoring_people_partner ON scoring_people (partner_id);
      CREATE TABLE scoring_exam_passes (
        seq bigserial NOT NULL,
        person_id text NOT NULL,
        exam text NOT NULL,
        date date NOT NULL,
        PRIMARY KEY (person_id, exam, date)
      );
      CREATE TABLE scoring_certifications_held (
        seq bigserial NOT NULL,
        person_id text NOT NULL,
        certification text NOT NULL,
        date date NOT NULL,
        expires date,
        PRIMARY KEY (person_id, certification, date)
      );
      CREATE TABLE scoring_baselines (
        seq bigserial NOT NULL,
        partner_id text NOT NULL,
        metric text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('baseline', 'anniversary')),
        date date NOT NULL,
        count integer NOT NULL CHECK (count >= 0),
        PRIMARY KEY (partner_id, metric, kind, date)
      );
    `,
  },
  {
    version: 9,
    name: 'kind of import batch',
    // A scoring import (src/store/scoring.ts) keeps its batch in import_batches too, of kind
    // 'scoring'. The threshold dataset's readers (the columns snapshot's data stamp) look at
    // threshold batches only: scoring records do not change a threshold evaluation.
    sql: `
      ALTER TABLE import_batches ADD COLUMN kind text NOT NULL DEFAULT 'threshold' CHECK (kind IN ('threshold', 'scoring'));
    `,
  },
  {
    version: 10,
    name: 'scoring enrolments',
    // A partner's enrolment in the designation (docs/rules.md §15.6), the scoring records'
    // enrolments collection: one per partner, a date (with a shared first anniversary) or a
    // legacy partner, never both; an anniversary only with a date, as the records schema says.
    sql: `
      CREATE TABLE scoring_enrolments (
        seq bigserial NOT NULL,
        partner_id text PRIMARY KEY,
        enrolled date,
        anniversary date,
        legacy boolean,
        CHECK (NOT (legacy AND enrolled IS NOT NULL)),
        CHECK (anniversary IS NULL OR enrolled IS NOT NULL)
      );
    `,
  },
  {
    version: 11,
    name: 'scoring neighbourhood indexes',
    // A partner's scoring neighbourhood (scoring-neighbourhood.ts) is read by the tenants its
    // associations reach: their subscriptions, those subscriptions' billing and the tenants'
    // instances are looked up by these columns (seats, usage, exam passes and certifications
    // already are, by their keys' first column), so a score costs the partner's records.
    sql: `
      CREATE INDEX scoring_subscriptions_tenant ON scoring_subscriptions (tenant_id);
      CREATE INDEX scoring_billing_subscription ON scoring_billing (subscription_id);
      CREATE INDEX scoring_instances_tenant ON scoring_instances (tenant_id);
    `,
  },
];

/** Applies every migration the store has not seen yet; returns the versions applied. */
export async function migrate(db: SqlClient, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  await db.exec(
    `CREATE TABLE IF NOT EXISTS attain_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  const done = new Set((await db.query<{ version: number }>('SELECT version FROM attain_migrations')).map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(migration.version)) continue;
    await db.transaction(async (tx) => {
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO attain_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
    });
    applied.push(migration.version);
  }
  return applied;
}
