/**
 * Keys given twice in a list of records, found without a key string made and kept per record: a population's
 * first import has millions of records, and a map of their keys cost more memory than the records.
 */
type Row = Record<string, unknown>;

/**
 * The records whose key (the values of `fields`) an earlier record has, each with the first such record's index, in
 * order: what a map of the keys seen would find, without a key made and kept per record (millions in a population's first
 * import). Keys are hashed; records are grouped by hash (a stable radix sort, so each group is in index order), and
 * only records of one group compared field by field. A record without its key fields as text has no key.
 */
export function repeatedKeys(
  given: readonly unknown[],
  fields: readonly string[],
  hashOf: (record: Row, fields: readonly string[]) => number | undefined = keyHash,
): { index: number; other: number }[] {
  const n = given.length;
  const hashes = new Uint32Array(n);
  let keyed = 0;
  const keyedAt = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const record = given[i];
    if (typeof record !== 'object' || record === null || Array.isArray(record)) continue;
    const hash = hashOf(record as Row, fields);
    if (hash === undefined) continue;
    hashes[i] = hash >>> 0;
    keyedAt[keyed++] = i;
  }
  const order = byHash(keyedAt.subarray(0, keyed), hashes);
  const keyText = (record: Row) => JSON.stringify(fields.map((field) => record[field]));
  const sameKey = (a: number, b: number) => fields.every((field) => (given[a] as Row)[field] === (given[b] as Row)[field]);
  const repeated: { index: number; other: number }[] = [];
  for (let start = 0; start < order.length;) {
    let end = start + 1;
    while (end < order.length && hashes[order[end]!] === hashes[order[start]!]) end++;
    // A group of one hash, in index order: each record repeats the first one of its key, if an earlier one has it.
    // The first of each key is kept; past a few (hashes made to collide), a map of their keys.
    const firsts: number[] = [order[start]!];
    let byKey: Map<string, number> | undefined;
    for (let k = start + 1; k < end; k++) {
      const index = order[k]!;
      let other: number | undefined;
      if (byKey !== undefined) other = byKey.get(keyText(given[index] as Row));
      else other = firsts.find((first) => sameKey(first, index));
      if (other !== undefined) {
        repeated.push({ index, other });
        continue;
      }
      if (byKey !== undefined) byKey.set(keyText(given[index] as Row), index);
      else if (firsts.push(index) > 16) byKey = new Map(firsts.map((first) => [keyText(given[first] as Row), first]));
    }
    start = end;
  }
  return repeated.sort((a, b) => a.index - b.index);
}

/** A key's hash (FNV-1a over each field's code units, then a separator, so that ("ab","c") and ("a","bc") differ); none without its fields as text. */
function keyHash(record: Row, fields: readonly string[]): number | undefined {
  let hash = 0x811c9dc5;
  for (const field of fields) {
    const value = record[field];
    if (typeof value !== 'string') return undefined;
    for (let c = 0; c < value.length; c++) hash = Math.imul(hash ^ value.charCodeAt(c), 0x01000193);
    hash = Math.imul(hash ^ 0xffff, 0x01000193);
  }
  return hash;
}

/** The indexes sorted by their hash, stably (two passes of 16 bits; a comparison sort for a few). */
function byHash(indexes: Uint32Array, hashes: Uint32Array): Uint32Array {
  // A few records (a partner's neighbourhood, a small file): a comparison sort, not two passes over 65,536 counts.
  if (indexes.length < 4096) return Uint32Array.from(indexes).sort((a, b) => hashes[a]! - hashes[b]! || a - b);
  let from = Uint32Array.from(indexes);
  let to = new Uint32Array(from.length);
  for (const shift of [0, 16]) {
    const counts = new Uint32Array(65537);
    for (let i = 0; i < from.length; i++) counts[((hashes[from[i]!]! >>> shift) & 0xffff) + 1]!++;
    for (let b = 1; b <= 65536; b++) counts[b]! += counts[b - 1]!;
    for (let i = 0; i < from.length; i++) to[counts[(hashes[from[i]!]! >>> shift) & 0xffff]!++] = from[i]!;
    [from, to] = [to, from];
  }
  return from;
}
