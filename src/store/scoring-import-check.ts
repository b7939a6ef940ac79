/**
 * The check of a scoring import: the store with the import merged into it by key must be valid as a records file
 * (`validatedScoring`), its problems worded as for one — the import's records by their place in the import,
 * stored ones as `store:` records, in the merged records' order.
 *
 * Made first by work that grows with the import, not the store: the import's records are checked with the stored
 * records they refer to (and those these refer to), put in the order the merge would give them (a record
 * replacing a stored one where that one stands, new ones after); what the rest of the store adds is asked of the
 * database — which countries, products, workloads and association types its records use (a catalog may have
 * changed since they were written) and the totals the scorer's exact sums are bounded by. When that says the
 * stored records can have no problem of their own, the problems are the import's, found so. Any doubt — a stored
 * value outside the catalog, sums that might pass a bound, a problem naming a stored record — and the whole store
 * is read and checked with the import, as before.
 *
 * It rests on what the check keeps true: every record the store holds passed it when written, and no record
 * leaves the store, so a stored record's references stay good.
 */
import {
  LEAF_COLLECTIONS,
  leafProblems,
  parseDecimal,
  problem,
  quote,
  recordLabel,
  RecordsToRead,
  scoringCatalogOf,
  scoringCheckApart,
  validatedScoring,
  type LeafCollection,
  type LeafProblems,
  type LeafReferences,
  type Problem,
  type ScoredVersionDefinition,
  type ScoringCatalog,
  type ScoringCollection,
  type ScoringRecordLabel,
  type ScoringRecords,
} from '../engine/index.js';
import {
  isEmpty,
  mergeScoringRecords,
  readScoringCollection,
  readScoringRecords,
  SCORING_TABLES,
  storable,
  storedPlace,
  type ScoringMerge,
} from './scoring.js';
import type { SqlClient } from './sql.js';

type Row = Record<string, unknown>;
type Referenced = 'partners' | 'tenants' | 'subscriptions' | 'people';

/** The collections other records name. */
const REFERENCED: ReadonlySet<string> = new Set<Referenced>(['partners', 'tenants', 'subscriptions', 'people']);

const LEAVES: ReadonlySet<string> = new Set(LEAF_COLLECTIONS);

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

/** The import with every collection given as `RecordsToRead` read: what the whole store's check merges. */
export function materialized(incoming: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const records: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(incoming)) records[name] = value instanceof RecordsToRead ? value.read() : value;
  return records;
}

/** The problems found by reading the whole store and merging the import into it. */
export async function problemsByWholeStore(
  tx: SqlClient,
  incoming: Readonly<Record<string, unknown>>,
  versions: readonly ScoredVersionDefinition[],
  given: ScoringRecordLabel,
): Promise<Problem[]> {
  const merge = mergeScoringRecords(await readScoringRecords(tx), incoming);
  const label: ScoringRecordLabel = (collection, index, id) => {
    const origin = merge.origins.get(collection)?.[index];
    const place = origin === undefined ? undefined : storedPlace(origin);
    if (place === undefined) return given(collection, origin ?? index, id);
    return `store:${recordLabel(collection, place, id)}`;
  };
  const problems = repeatedKeys(merge, incoming, given).map((r) => r.problem);
  const validated = validatedScoring(merge.merged, versions, label);
  if (!validated.ok) problems.push(...validated.problems);
  return problems;
}

/** Writes a collection's records once the check has found no problem so far (`problemsByImport`). */
export type ScoringWriter = (collection: ScoringCollection, records: readonly Row[]) => Promise<void>;

/**
 * The same problems found from the import and the stored records it names, or undefined when the rest of the
 * store might add or change one (then only the whole store's check can word them).
 *
 * The leaf collections (billing, seats, usage: nine records in ten of a population) are checked one at a time,
 * each read when its turn comes (`RecordsToRead`) and let go after, against where the subscriptions and tenants
 * they name are: in the import (as checked with the rest) or in the store. Given `write`, each collection is
 * written as soon as it and everything checked before it are found clean, so that a whole population is never
 * held at once; undefined (the whole check needed) may then come after writes, which the caller undoes.
 */
export async function problemsByImport(
  tx: SqlClient,
  incoming: Readonly<Record<string, unknown>>,
  versions: readonly ScoredVersionDefinition[],
  given: ScoringRecordLabel,
  write?: ScoringWriter,
): Promise<Problem[] | undefined> {
  const catalog = scoringCatalogOf(versions);
  if (await storeOutsideCatalog(tx, catalog)) return undefined;
  const totals = await storedTotals(tx);
  const rest: Record<string, unknown> = {};
  const leaves: [LeafCollection, readonly unknown[] | RecordsToRead][] = [];
  for (const [name, value] of Object.entries(incoming)) {
    if (LEAVES.has(name) && (Array.isArray(value) || value instanceof RecordsToRead)) leaves.push([name as LeafCollection, value]);
    else rest[name] = value;
  }
  // Checked in the collections' own order, whatever order the import gives them in.
  leaves.sort(([a], [b]) => LEAF_COLLECTIONS.indexOf(a) - LEAF_COLLECTIONS.indexOf(b));
  const own = mergeScoringRecords({}, rest);
  const { records, importIndexOf, replacing } = await inMergedOrder(tx, own);
  const { stored: neighbours, held } = await storedNeighbours(tx, records, catalog);
  const withNeighbours: Record<string, unknown> = { ...records };
  for (const [collection, rows] of Object.entries(neighbours) as [ScoringCollection, Row[]][]) {
    const list = records[collection];
    // A collection the import gives as something else than a list is a problem validation names: left as given.
    if (list === undefined) withNeighbours[collection] = rows;
    else if (Array.isArray(list)) withNeighbours[collection] = [...(list as unknown[]), ...rows];
  }
  // A problem naming a stored record (an enrolment the versions' statuses now refuse) is worded by the whole check.
  // Validation may make a record's label without a problem (an enrolment's): a stored one's is marked, and looked
  // for in the problems (NUL starts no label: no file name or stored text holds it).
  const label: ScoringRecordLabel = (collection, index, id) => {
    const at = importIndexOf.get(collection)?.[index];
    return at === undefined ? STORED_MARK : given(collection, at, id);
  };
  const check = scoringCheckApart(withNeighbours as ScoringRecords, catalog, label);
  const found = check.problems({});
  const namesStored = (p: Problem) => p.record === STORED_MARK || Object.values(p.values).includes(STORED_MARK);
  // A record replacing a stored one that others may name, refused, leaves those others naming nothing: their
  // problems too are the whole check's to word.
  const refused = new Set(replacing.map(({ collection, index, id }) => given(collection, index, id)));
  if (found.some((p) => namesStored(p) || refused.has(p.record))) return undefined;

  // A key given twice is named first, collection by collection in the import's order, as one merge names them.
  const repeated = new Map<string, Problem[]>();
  const nameRepeated = (merge: ScoringMerge, records: Readonly<Record<string, unknown>>) => {
    for (const p of repeatedKeys(merge, records, given)) {
      const list = repeated.get(p.collection) ?? [];
      list.push(p.problem);
      repeated.set(p.collection, list);
    }
  };
  nameRepeated(own, rest);
  let clean = found.length === 0 && own.duplicates.length === 0;
  if (clean && write)
    for (const collection of Object.keys(SCORING_TABLES) as ScoringCollection[]) {
      const list = rest[collection];
      if (Array.isArray(list)) await write(collection, list as Row[]);
    }
  const leafFound: Partial<Record<LeafCollection, LeafProblems>> = {};
  for (const [name, value] of leaves) {
    const list = value instanceof RecordsToRead ? value.read() : value;
    // Each sum's bound is its own collection's: checked with the stored totals as the collection comes.
    if (!withinExactSums(totals, { [name]: list })) return undefined;
    const leafOwn = mergeScoringRecords({}, { [name]: list });
    const ordered = await inMergedOrder(tx, leafOwn);
    const leafRecords = ordered.records[name] as readonly unknown[];
    const at = ordered.importIndexOf.get(name)!;
    const leafLabel: ScoringRecordLabel = (collection, index, id) => given(collection, at[index]!, id);
    const references = await leafReferences(tx, name, leafRecords, check.references, held);
    const problems = leafProblems(name, leafRecords, catalog, leafLabel, references);
    leafFound[name] = problems;
    nameRepeated(leafOwn, { [name]: list });
    if (leafOwn.duplicates.length + problems.shape.length + problems.duplicates.length + problems.checks.length > 0) clean = false;
    if (clean && write) await write(name, list as Row[]);
    if (value instanceof RecordsToRead) value.release();
  }
  const problems: Problem[] = [];
  for (const name of Object.keys(incoming)) for (const p of repeated.get(name) ?? []) problems.push(p);
  for (const p of check.problems(leafFound)) problems.push(p);
  return problems;
}

const STORED_MARK = '\u0000stored';

/** Each key given twice in the import, with its collection: the later record is refused, naming the earlier. */
function repeatedKeys(
  merge: ScoringMerge,
  incoming: Readonly<Record<string, unknown>>,
  given: ScoringRecordLabel,
): { collection: ScoringCollection; problem: Problem }[] {
  return merge.duplicates.map(({ collection, index, other, key }) => {
    const fields = SCORING_TABLES[collection].key;
    const record = (incoming as Record<string, readonly Record<string, unknown>[]>)[collection]![index]!;
    return {
      collection,
      problem: problem(given(collection, index, record['id']), fields.join(', '), 'duplicateId', {
        field: fields.join(', '),
        value: quote((JSON.parse(key) as string[]).join(', ')),
        other: given(collection, other, record['id']),
      }),
    };
  });
}

/**
 * The import's records (a repeated key's later record left out, as the merge leaves it) in the order the merged
 * records give them: those replacing a stored record in the stored order, then the new ones in the import's.
 * With, per collection, each record's index in the import, and the records replacing a stored one others may name.
 */
async function inMergedOrder(
  tx: SqlClient,
  own: ScoringMerge,
): Promise<{
  records: Record<string, unknown>;
  importIndexOf: Map<string, readonly number[]>;
  replacing: { collection: ScoringCollection; index: number; id: unknown }[];
}> {
  const records: Record<string, unknown> = { ...own.merged };
  const importIndexOf = new Map<string, readonly number[]>();
  const replacing: { collection: ScoringCollection; index: number; id: unknown }[] = [];
  for (const [collection, origins] of own.origins) {
    const list = own.merged[collection] as readonly Row[];
    const stored = await storedPlaces(tx, collection as ScoringCollection, list);
    if (REFERENCED.has(collection))
      for (const k of stored.keys())
        replacing.push({ collection: collection as ScoringCollection, index: origins[k]!, id: list[k]!['id'] });
    // All new (a first import): already in the merged order, as the import gave them.
    if (stored.size === 0) {
      importIndexOf.set(collection, origins);
      continue;
    }
    // Those replacing a stored record by their stored places (each its own), then the new ones in the import's order.
    const order = [...stored.keys()].sort((a, b) => stored.get(a)! - stored.get(b)!);
    for (let k = 0; k < list.length; k++) if (!stored.has(k)) order.push(k);
    records[collection] = order.map((k) => list[k]);
    importIndexOf.set(
      collection,
      order.map((k) => origins[k]!),
    );
  }
  return { records, importIndexOf, replacing };
}

/** For the records whose key the store holds (by their place in `records`): the stored record's place in stored order. */
async function storedPlaces(tx: SqlClient, collection: ScoringCollection, records: readonly Row[]): Promise<Map<number, number>> {
  const { table, columns, key } = SCORING_TABLES[collection];
  const keyColumns = key.map((field) => columns.find(([f]) => f === field)!);
  const values: string[][] = keyColumns.map(() => []);
  const places: number[] = [];
  records.forEach((record, k) => {
    if (typeof record !== 'object' || record === null) return;
    const texts = key.map((field) => record[field]);
    if (!texts.every(storable)) return;
    texts.forEach((t, c) => values[c]!.push(t));
    places.push(k);
  });
  const found = new Map<number, number>();
  if (places.length === 0) return found;
  // A collection's first import (an empty table) finds no stored place: its keys, millions for a whole population,
  // are not sent to look for them.
  if (await isEmpty(tx, table)) return found;
  // Keys compared as the merge compares them, text for text: a date column as its YYYY-MM-DD text.
  const on = keyColumns
    .map(([, column, type], c) => (type === 'date' ? `to_char(t.${column}, 'YYYY-MM-DD') = k.c${c}` : `t.${column} = k.c${c}`))
    .join(' AND ');
  const rows = await tx.query<{ i: number; seq: string }>(
    `SELECT k.i::int AS i, t.seq::text AS seq
       FROM unnest(${keyColumns.map((_, c) => `$${c + 1}::text[]`).join(', ')}) WITH ORDINALITY
            AS k(${keyColumns.map((_, c) => `c${c}`).join(', ')}, i)
       JOIN ${table} t ON ${on}`,
    values,
  );
  for (const { i, seq } of rows) found.set(places[i - 1]!, Number(seq));
  return found;
}

/** The records of a collection (those that are objects), or none. */
function listed(records: Readonly<Record<string, unknown>>, collection: ScoringCollection): readonly Row[] {
  const value = records[collection];
  return Array.isArray(value) ? value.filter((r): r is Row => typeof r === 'object' && r !== null && !Array.isArray(r)) : [];
}

/**
 * The string values of a field of the records that a store can hold: text with a NUL or a lone surrogate is no
 * stored key (the store refuses it, and the database would refuse the query naming it).
 */
function textsOf(records: readonly Row[], field: string): string[] {
  const texts: string[] = [];
  for (const record of records) {
    const value = record[field];
    if (storable(value)) texts.push(value);
  }
  return texts;
}

/**
 * The stored records the import's references need and it does not hold itself: subscriptions and people first,
 * then the tenants and partners they and the import name. When the versions judge enrolments' dates, the stored
 * enrolments the import does not replace too (with their partners): a catalog's statuses may have changed since
 * they were written. With the ids the import holds of each collection named (what it replaces, if stored).
 */
async function storedNeighbours(
  tx: SqlClient,
  records: Readonly<Record<string, unknown>>,
  catalog: ScoringCatalog,
): Promise<{ stored: Partial<Record<ScoringCollection, Row[]>>; held: Readonly<Record<Referenced, ReadonlySet<string>>> }> {
  const held = (collection: Referenced) => new Set(textsOf(listed(records, collection), 'id'));
  const heldIds = { partners: held('partners'), tenants: held('tenants'), subscriptions: held('subscriptions'), people: held('people') };
  const wanted = { partners: new Set<string>(), tenants: new Set<string>(), subscriptions: new Set<string>(), people: new Set<string>() };
  const want = (rows: readonly Row[], field: string, target: Referenced) => {
    for (const id of textsOf(rows, field)) if (!heldIds[target].has(id)) wanted[target].add(id);
  };
  for (const [collection, field, target] of SCORING_REFERENCES) want(listed(records, collection), field, target);

  const stored: Partial<Record<ScoringCollection, Row[]>> = {};
  const read = async (collection: ScoringCollection, ids: ReadonlySet<string>) => {
    if (ids.size > 0) stored[collection] = await readScoringCollection(tx, collection, { column: 'id', values: [...ids] });
  };
  await read('subscriptions', wanted.subscriptions);
  await read('people', wanted.people);
  if (catalog.statuses !== undefined) {
    const replaced = new Set(textsOf(listed(records, 'enrolments'), 'partnerId'));
    stored.enrolments = (await readScoringCollection(tx, 'enrolments')).filter((e) => !replaced.has(e['partnerId'] as string));
  }
  want(stored.subscriptions ?? [], 'tenantId', 'tenants');
  want(stored.people ?? [], 'partnerId', 'partners');
  want(stored.enrolments ?? [], 'partnerId', 'partners');
  await read('tenants', wanted.tenants);
  await read('partners', wanted.partners);
  return { stored, held: heldIds };
}

/**
 * Where the subscriptions or tenants a leaf collection's records name are: as the rest of the import's check found
 * them (the import's own, and the stored ones it read for its other records), or stored and not replaced by the
 * import — as if read with the rest, as the whole check would find them. A stored record so named needs no check of
 * its own: it passed one when written, and the catalog still holds what it names (`storeOutsideCatalog`).
 */
async function leafReferences(
  tx: SqlClient,
  name: LeafCollection,
  records: readonly unknown[],
  found: LeafReferences,
  held: Readonly<Record<Referenced, ReadonlySet<string>>>,
): Promise<LeafReferences> {
  const target = name === 'usage' ? 'tenants' : 'subscriptions';
  const field = name === 'usage' ? 'tenantId' : 'subscriptionId';
  const known = found[target];
  const asked = new Set<string>();
  for (const record of records) {
    if (typeof record !== 'object' || record === null) continue;
    const id = (record as Row)[field];
    if (storable(id) && known.get(id) === undefined && !held[target].has(id)) asked.add(id);
  }
  if (asked.size === 0) return found;
  const rows = await tx.query<{ id: string }>(`SELECT id FROM ${SCORING_TABLES[target].table} WHERE id = ANY($1::text[])`, [[...asked]]);
  const stored = new Set(rows.map((r) => r.id));
  // A stored record's place in the dataset is not asked for: the import's check makes no dataset.
  return { ...found, [target]: { get: (id: string) => known.get(id) ?? (stored.has(id) ? -1 : undefined) } };
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
 * Whether the merged records' sums surely stay within what the scorer adds exactly (validation's
 * scoringSumTooLarge and usageTooPrecise): the stored totals plus the import's are an upper bound of the merged
 * ones, a replaced record being counted twice. A value that does not read as a decimal leaves the doubt.
 */
function withinExactSums(stored: StoredTotals, incoming: Readonly<Record<string, unknown>>): boolean {
  let cents = atScale(stored.billing, 2);
  if (cents === undefined) return false;
  for (const b of listed(incoming, 'billing')) {
    const c = atScale(b['amountUsd'], 2);
    if (c !== undefined) cents += abs(c);
  }
  if (cents > MAX) return false;
  let seats = BigInt(stored.seats);
  for (const s of listed(incoming, 'seats')) {
    const n = s['paidSeats'];
    if (Number.isSafeInteger(n) && (n as number) > 0) seats += BigInt(n as number);
  }
  if (seats > MAX) return false;
  const usage = listed(incoming, 'usage');
  let scale = stored.scale;
  for (const u of usage) scale = Math.max(scale, parseDecimal(String(u['units']))?.scale ?? 0);
  let units = atScale(stored.units, scale);
  if (units === undefined) return false;
  for (const u of usage) {
    const value = atScale(u['units'], scale);
    if (value !== undefined && value > 0n) units += value;
  }
  return units <= MAX;
}
