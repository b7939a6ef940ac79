/**
 * One partner's scoring neighbourhood read from the store: the records its
 * score, plan, outlook and status read, and no other, as a records file
 * (engine/scoring/neighbourhood.ts says the same of a dataset in memory).
 *
 * The partner; the tenants its associations reach (any type, any time), with
 * every subscription of those tenants (net customer adds and pair counts look
 * at the whole tenant) and every association on those subscriptions (another
 * partner's type can displace the partner's), with the partners these name so
 * the records validate; the partner's own associations wherever they point
 * (one naming a subscription the store lacks is then a problem, not dropped);
 * the subscriptions' billing and paid seats; the tenants' usage and
 * instances; the partner's people with their exam passes and certifications
 * held; its baselines and its enrolment. Records keep the store's order
 * (seq), so the partner scores as it would from the whole store, at the cost
 * of its own records (the lookups use migration 11's indexes and the keys).
 */
import type { ScoringCollection, ScoringRecords } from '../engine/index.js';
import { readScoringCollection, readScoringRows, storable, withoutEmpty } from './scoring.js';
import type { SqlClient } from './sql.js';

type Row = Record<string, unknown>;

/**
 * The scoring neighbourhood of `partnerIds` (one partner, or several read together: the union of theirs, which
 * scores each of them as its own does) as a records file, read on one snapshot; no partners when the store has
 * none of them. Collections without records are left out, as the whole store's read leaves them.
 *
 * Each step's keys are handed to the next as arrays (`= ANY($1)`), not as nested subqueries: a query's planning
 * then costs less than its execution, and the read stays a couple of milliseconds per collection.
 */
export async function readScoringNeighbourhood(db: SqlClient, partnerIds: readonly string[]): Promise<ScoringRecords> {
  const own = partnerIds.filter(storable);
  if (own.length === 0) return {};
  return db.transaction(async (tx) => {
    await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    return neighbourhoodIn(tx, own);
  });
}

/**
 * Every stored partner's neighbourhood, `size` partners at a time (ids in code-unit order, as `attain evaluate --scored`
 * lists a file's partners), all on one snapshot: what scores the whole store with the memory of a chunk, not of the store.
 * The next chunk is read while `fn` works on this one (so `fn` should let others run now and then: it may return a
 * promise), and `fn` is called for the chunks in order, one at a time.
 */
export async function eachScoringNeighbourhood(
  db: SqlClient,
  size: number,
  fn: (partnerIds: readonly string[], records: ScoringRecords) => void | Promise<void>,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const ids = (await tx.query<{ id: string }>('SELECT id FROM scoring_partners')).map((r) => r.id).sort();
    const chunkAt = (i: number) => ids.slice(i, i + size);
    const read = (i: number) => {
      const reading = neighbourhoodIn(tx, chunkAt(i));
      // Its failure is handled where it is awaited; until then, while `fn` works, it is not an unhandled one.
      reading.catch(() => undefined);
      return reading;
    };
    let next = ids.length > 0 ? read(0) : undefined;
    for (let i = 0; next !== undefined; i += size) {
      const records = await next;
      next = i + size < ids.length ? read(i + size) : undefined;
      try {
        await fn(chunkAt(i), records);
      } catch (error) {
        // The read under way ends before the transaction does (its failure, if any, is not this one's).
        await next?.catch(() => undefined);
        throw error;
      }
    }
  });
}

async function neighbourhoodIn(tx: SqlClient, own: readonly string[]): Promise<ScoringRecords> {
  const rows = (collection: ScoringCollection, column: string, values: readonly unknown[]): Promise<Row[]> =>
    readScoringCollection(tx, collection, { column, values });
  const tenantIds = (
    await tx.query<{ tenant_id: string }>(
      `SELECT DISTINCT s.tenant_id FROM scoring_associations a JOIN scoring_subscriptions s ON s.id = a.subscription_id
         WHERE a.partner_id = ANY($1::text[])`,
      [own],
    )
  ).map((r) => r.tenant_id);
  const subscriptions = await rows('subscriptions', 'tenant_id', tenantIds);
  const subscriptionIds = subscriptions.map((s) => s['id']);
  const associations = await readScoringRows(tx, 'associations', 'partner_id = ANY($1::text[]) OR subscription_id = ANY($2::text[])', [
    own,
    subscriptionIds,
  ]);
  const people = await rows('people', 'partner_id', own);
  const personIds = people.map((p) => p['id']);
  return withoutEmpty({
    partners: await rows('partners', 'id', [...new Set([...own, ...associations.map((a) => a['partnerId'] as string)])]),
    tenants: await rows('tenants', 'id', tenantIds),
    subscriptions,
    billing: await rows('billing', 'subscription_id', subscriptionIds),
    seats: await rows('seats', 'subscription_id', subscriptionIds),
    usage: await rows('usage', 'tenant_id', tenantIds),
    instances: await rows('instances', 'tenant_id', tenantIds),
    associations,
    people,
    examPasses: await rows('examPasses', 'person_id', personIds),
    certificationsHeld: await rows('certificationsHeld', 'person_id', personIds),
    baselines: await rows('baselines', 'partner_id', own),
    enrolments: await rows('enrolments', 'partner_id', own),
  });
}
