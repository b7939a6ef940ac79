/**
 * Whether a scoring import is valid with what the store holds, found by work
 * that grows with the import, not the store. The import's records are checked
 * with the stored records they refer to (and those these refer to); what the
 * rest of the store adds to the check is asked of the database: which
 * countries, products, workloads and association types its records name (a
 * catalog may have changed since they were written), and the totals the
 * scorer's exact sums are bounded by.
 *
 * It only ever answers "certainly valid": any doubt — a problem in the import,
 * a stored record outside the catalog, totals that might pass a bound — sends
 * the import to the check of the whole merged store (Store.importScoringRecords),
 * which words every problem as before. It rests on what that check keeps true:
 * every record the store holds passed it when written, and no record leaves
 * the store, so a stored record's references stay good.
 */
import { mergeScoringRecords, readScoringCollection, SCORING_TABLES } from './scoring.js';
import type { SqlClient } from './sql.js';
import {
  parseDecimal,
  scoringCatalogOf,
  validatedScoring,
  type ScoredVersionDefinition,
  type ScoringCatalog,
  type ScoringCollection,
} from '../engine/index.js';

type Row = Record<string, unknown>;
type Referenced = 'partners' | 'tenants' | 'subscriptions' | 'people';

/** Every reference validation checks: the collection and field naming a record, and the collection it names. */
export const SCORING_REFERENCES: readonly (readonly [ScoringCollection, string, Referenced])[] = [
  ['subscriptions', 'tenantId', 'tenants'],
  ['billing', 'subscriptionId', 'subscriptions'],
  ['seats', 'subscriptionId', 'subscriptions'],
  ['usage', 'tenantId', 'tenants'],
  ['instances', 'tenantId', 'tenants'],
  ['associations', 'partnerId', 'partners'],
  ['associations', 'subscriptionId', 'subscriptions'],
  ['people', 'partnerId', 'partners'],
  ['examPasses', 'personId', 'people'],
  ['certificationsHeld', 'personId', 'people'],
  ['baselines', 'partnerId', 'partners'],
  ['enrolments', 'partnerId', 'partners'],
];

/** True only when the store with the import merged into it would pass validatedScoring under `versions`. */
export async function surelyValidWithStore(
  tx: SqlClient,
  incoming: Readonly<Record<string, unknown>>,
  versions: readonly ScoredVersionDefinition[],
): Promise<boolean> {
  if (mergeScoringRecords({}, incoming).duplicates.length > 0) return false;
  const catalog = scoringCatalogOf(versions);
  const records = await withStoredNeighbours(tx, incoming, catalog);
  if (!validatedScoring(records, versions).ok) return false;
  if (await storeOutsideCatalog(tx, catalog)) return false;
  return withinExactSums(await storedTotals(tx), incoming);
}

/** The records of a collection of the import (those that are objects), or none. */
function given(incoming: Readonly<Record<string, unknown>>, collection: ScoringCollection): readonly Row[] {
  const value = incoming[collection];
  return Array.isArray(value) ? value.filter((r): r is Row => typeof r === 'object' && r !== null && !Array.isArray(r)) : [];
}

/** The string values of a field of the records. */
function textsOf(records: readonly Row[], field: string): string[] {
  const texts: string[] = [];
  for (const record of records) {
    const value = record[field];
    if (typeof value === 'string') texts.push(value);
  }
  return texts;
}

/**
 * The import with the stored records its references need and it does not hold itself: subscriptions and people
 * first, then the tenants and partners they and the import name. When the versions judge enrolments' dates, the
 * stored enrolments the import does not replace come too (with their partners): a catalog's statuses may have
 * changed since they were written.
 */
async function withStoredNeighbours(
  tx: SqlClient,
  incoming: Readonly<Record<string, unknown>>,
  catalog: ScoringCatalog,
): Promise<Record<string, unknown>> {
  const held = (collection: Referenced) => new Set(textsOf(given(incoming, collection), 'id'));
  const heldIds = { partners: held('partners'), tenants: held('tenants'), subscriptions: held('subscriptions'), people: held('people') };
  const wanted = { partners: new Set<string>(), tenants: new Set<string>(), subscriptions: new Set<string>(), people: new Set<string>() };
  const want = (records: readonly Row[], field: string, target: Referenced) => {
    for (const id of textsOf(records, field)) if (!heldIds[target].has(id)) wanted[target].add(id);
  };
  for (const [collection, field, target] of SCORING_REFERENCES) want(given(incoming, collection), field, target);

  const stored: Partial<Record<ScoringCollection, Row[]>> = {};
  const read = async (collection: ScoringCollection, column: string, ids: ReadonlySet<string>) => {
    if (ids.size > 0) stored[collection] = await readScoringCollection(tx, collection, { column, values: [...ids] });
  };
  await read('subscriptions', 'id', wanted.subscriptions);
  await read('people', 'id', wanted.people);
  if (catalog.statuses !== undefined) {
    const replaced = new Set(textsOf(given(incoming, 'enrolments'), 'partnerId'));
    stored.enrolments = (await readScoringCollection(tx, 'enrolments')).filter((e) => !replaced.has(e['partnerId'] as string));
  }
  want(stored.subscriptions ?? [], 'tenantId', 'tenants');
  want(stored.people ?? [], 'partnerId', 'partners');
  want(stored.enrolments ?? [], 'partnerId', 'partners');
  await read('tenants', 'id', wanted.tenants);
  await read('partners', 'id', wanted.partners);

  const records: Record<string, unknown> = { ...incoming };
  for (const [collection, rows] of Object.entries(stored) as [ScoringCollection, Row[]][]) {
    const own = incoming[collection];
    // A collection the import gives as something else than a list is a problem validation names: left as given.
    if (own === undefined) records[collection] = rows;
    else if (Array.isArray(own)) records[collection] = [...(own as unknown[]), ...rows];
  }
  return records;
}

/** Whether a stored record names a country, product, workload or association type the catalog does not hold. */
async function storeOutsideCatalog(tx: SqlClient, catalog: ScoringCatalog): Promise<boolean> {
  const asks: readonly (readonly [string, string, ReadonlySet<string>])[] = [
    ['country', SCORING_TABLES.partners.table, catalog.countries],
    ['country', SCORING_TABLES.tenants.table, catalog.countries],
    ['product', SCORING_TABLES.subscriptions.table, catalog.products],
    ['workload', SCORING_TABLES.usage.table, catalog.workloads],
    ['type', SCORING_TABLES.associations.table, catalog.associationTypes],
  ];
  for (const [column, table, allowed] of asks) {
    // Distinct values (a few dozen) rather than a comparison with the catalog per row: the hash aggregate reads the
    // table at the database's speed.
    const rows = await tx.query<{ value: string }>(`SELECT DISTINCT ${column} AS value FROM ${table}`);
    if (rows.some((r) => !allowed.has(r.value))) return true;
  }
  return false;
}

/** The stored billing (absolute dollars), paid seats and usage units summed, and the finest scale of the units, as text. */
interface StoredTotals {
  readonly billing: string;
  readonly seats: string;
  readonly units: string;
  readonly scale: number;
}

async function storedTotals(tx: SqlClient): Promise<StoredTotals> {
  const [row] = await tx.query<StoredTotals>(
    `SELECT (SELECT coalesce(sum(abs(amount_usd)), 0) FROM ${SCORING_TABLES.billing.table})::text AS billing,
            (SELECT coalesce(sum(paid_seats), 0) FROM ${SCORING_TABLES.seats.table})::text AS seats,
            (SELECT coalesce(sum(units), 0) FROM ${SCORING_TABLES.usage.table})::text AS units,
            (SELECT coalesce(max(scale(units)), 0) FROM ${SCORING_TABLES.usage.table})::int AS scale`,
  );
  return row!;
}

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** A decimal's value in units of 10^−scale (undefined when it has finer places, or is not a decimal). */
function atScale(value: unknown, scale: number): bigint | undefined {
  const d = parseDecimal(String(value));
  if (d === undefined || d.scale > scale) return undefined;
  return d.units * 10n ** BigInt(scale - d.scale);
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

/**
 * Whether the merged records' sums stay within what the scorer adds exactly (validation's scoringSumTooLarge and
 * usageTooPrecise): the stored totals plus the import's are an upper bound of the merged ones, a replaced record
 * being counted twice. The import's values are valid here (its records passed validation).
 */
function withinExactSums(stored: StoredTotals, incoming: Readonly<Record<string, unknown>>): boolean {
  let cents = atScale(stored.billing, 2);
  if (cents === undefined) return false;
  for (const b of given(incoming, 'billing')) {
    const c = atScale(b['amountUsd'], 2);
    if (c === undefined) return false;
    cents += abs(c);
  }
  if (cents > MAX) return false;
  let seats = BigInt(stored.seats);
  for (const s of given(incoming, 'seats')) seats += BigInt(s['paidSeats'] as number);
  if (seats > MAX) return false;
  const usage = given(incoming, 'usage');
  let scale = stored.scale;
  for (const u of usage) scale = Math.max(scale, parseDecimal(String(u['units']))?.scale ?? 0);
  let units = atScale(stored.units, scale);
  if (units === undefined) return false;
  for (const u of usage) {
    const value = atScale(u['units'], scale);
    if (value === undefined) return false;
    units += value;
  }
  return units <= MAX;
}
