/**
 * Merging records into a dataset by key: an incoming record replaces the one
 * with the same key, or is added. This is what an import does to the store;
 * the counts say what changed.
 */
import { collections, type CollectionName } from './schema.js';

type Raw = Record<string, unknown>;

/** What identifies a record: its id, or for records without one the fields that make it unique. */
const KEYS: Readonly<Record<CollectionName, readonly string[]>> = {
  partners: ['id'],
  customers: ['id'],
  associations: ['customerId', 'type', 'start', 'partnerId'],
  revenue: ['id'],
  people: ['id'],
  examPasses: ['personId', 'exam', 'date'],
  fxRates: ['currency', 'month'],
};

export function recordKey(collection: CollectionName, record: unknown): string {
  const r = (typeof record === 'object' && record !== null ? record : {}) as Raw;
  return JSON.stringify(KEYS[collection].map((field) => r[field] ?? null));
}

export interface MergeCounts {
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
}

export interface MergedByKey {
  readonly raw: Record<CollectionName, unknown[]>;
  readonly counts: Readonly<Record<CollectionName, MergeCounts>>;
  /** The records to write: added or changed. */
  readonly changes: Readonly<Record<CollectionName, readonly Raw[]>>;
  /** The incoming record at a place of the merged collection; -1 for a record of the base. */
  readonly sourceIndex: (collection: CollectionName, index: number) => number;
}

/** Canonical text of a record, to tell a changed record from an unchanged one (`end: null` equals no end). */
function canonical(record: unknown): string {
  const r = (typeof record === 'object' && record !== null ? record : {}) as Raw;
  return JSON.stringify(
    Object.keys(r)
      .sort()
      .filter((k) => r[k] !== null && r[k] !== undefined)
      .map((k) => [k, typeof r[k] === 'number' ? String(r[k]) : r[k]]),
  );
}

export function mergeByKey(base: Partial<Record<CollectionName, unknown[]>>, incoming: Raw): MergedByKey {
  const raw = {} as Record<CollectionName, unknown[]>;
  const counts = {} as Record<CollectionName, MergeCounts>;
  const changes = {} as Record<CollectionName, Raw[]>;
  // Where each merged record came from: its index in the incoming records, or -1 for the base.
  const origin = new Map<CollectionName, number[]>();
  for (const name of Object.keys(collections) as CollectionName[]) {
    const existing = base[name] ?? [];
    const merged = [...existing];
    const at = new Map(existing.map((r, i) => [recordKey(name, r), i] as const));
    const from: number[] = existing.map(() => -1);
    let added = 0;
    let updated = 0;
    let unchanged = 0;
    const changed: Raw[] = [];
    const records = Array.isArray(incoming[name]) ? (incoming[name] as unknown[]) : [];
    records.forEach((record, i) => {
      const key = recordKey(name, record);
      const index = at.get(key);
      if (index === undefined) {
        at.set(key, merged.length);
        merged.push(record);
        from.push(i);
        added += 1;
        changed.push(record as Raw);
      } else if (from[index] !== -1 || canonical(merged[index]) !== canonical(record)) {
        // Changed from the store, or given twice in the input: the last one counts.
        if (from[index] === -1) updated += 1;
        merged[index] = record;
        from[index] = i;
        changed.push(record as Raw);
      } else {
        unchanged += 1;
      }
    });
    raw[name] = merged;
    counts[name] = { added, updated, unchanged };
    changes[name] = changed;
    origin.set(name, from);
  }
  const sourceIndex = (collection: CollectionName, index: number) => origin.get(collection)?.[index] ?? -1;
  return { raw, counts, changes, sourceIndex };
}
