/**
 * One partner's neighbourhood: the part of the store that decides everything
 * plan, forecast and timeline say about it, read as a dataset file instead of
 * the whole store.
 *
 * Revenue counts for a partner only through an association of its customer,
 * and the plan's "unattributed revenue" looks at the customers it has ever
 * been associated with. So the neighbourhood is: the partner; every customer
 * associated with it (any type, any time), with all of their associations
 * and the partners those name (so that who else held a customer on a date is
 * known and the records validate); their revenue lines; the partner's people
 * and their exam passes; and every fx rate. Records keep the store's order
 * (seq), so the result is the same as from the whole store.
 */
import type { CollectionName } from '../engine/index.js';
import type { SqlClient } from './sql.js';
import { COLLECTIONS, selectAsField, TABLES } from './tables.js';

type Row = Record<string, unknown>;

const CUSTOMERS = 'SELECT customer_id FROM associations WHERE partner_id = ANY($1::text[])';

/** Which rows of each table belong to the neighbourhood of the partners $1 (an array). */
const WHERE: Readonly<Record<CollectionName, string>> = {
  partners: `id = ANY($1::text[]) OR id IN (SELECT partner_id FROM associations WHERE customer_id IN (${CUSTOMERS}))`,
  customers: `id IN (${CUSTOMERS})`,
  associations: `customer_id IN (${CUSTOMERS})`,
  revenue: `customer_id IN (${CUSTOMERS})`,
  people: 'partner_id = ANY($1::text[])',
  examPasses: 'person_id IN (SELECT id FROM people WHERE partner_id = ANY($1::text[]))',
  fxRates: 'true',
};

/**
 * The neighbourhood of `partnerIds` (one partner, or several read together:
 * the union of theirs, what decides each of them) as a dataset file; no
 * partners at all when the store has none of them.
 */
export async function readNeighbourhood(db: SqlClient, partnerIds: string | readonly string[]): Promise<Record<CollectionName, Row[]>> {
  const ids = typeof partnerIds === 'string' ? [partnerIds] : [...partnerIds];
  return db.transaction(async (tx) => {
    // One snapshot for every table, even while an import commits.
    await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const out = {} as Record<CollectionName, Row[]>;
    for (const collection of COLLECTIONS) {
      const table = TABLES[collection];
      const select = table.columns.map((c) => selectAsField(c)).join(', ');
      const where = WHERE[collection];
      out[collection] = await tx.query<Row>(
        `SELECT ${select} FROM ${table.name} WHERE ${where} ORDER BY seq`,
        where.includes('$1') ? [ids] : [],
      );
    }
    return out;
  });
}
