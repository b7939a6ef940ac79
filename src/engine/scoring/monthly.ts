/**
 * Monthly sums per key (a subscription's cents or seats, a tenant's units of one workload), packed once into
 * typed arrays: each key is one slot, a slot's months one contiguous run from its first to its last month.
 * Scoring asks for "this key in that month" millions of times; a lookup here is one map read for the slot and
 * an array read, where maps of maps of month → value cost a hash per level and an object per entry, which the
 * garbage collector walks on every collection.
 *
 * Sums are plain numbers, exact because the caller only packs integers whose absolute total over the whole
 * collection is at most 2^53 − 1 (`packMonthly` checks it): then every cell and every sum of cells is a safe
 * integer, whatever the order of the additions.
 */
import type { MonthIndex } from './months.js';

/** A collection's integers add up beyond 2^53 − 1: summed as numbers they would no longer be exact. */
export class MonthlySumOutOfRangeError extends RangeError {
  constructor(readonly collection: string) {
    super(
      `the ${collection} of the scoring dataset add up (in absolute value, in their smallest unit) beyond 2^53 − 1, past which scoring does not count them exactly`,
    );
    this.name = 'MonthlySumOutOfRangeError';
  }
}

export class MonthlySums {
  private constructor(
    private readonly first: Int32Array,
    private readonly length: Int32Array,
    private readonly start: Int32Array,
    private readonly values: Float64Array,
    private readonly counts: Int32Array | undefined,
  ) {}

  /** The sum recorded for the slot in month m (0 for none, or for slot −1). */
  at(slot: number, m: MonthIndex): number {
    if (slot < 0) return 0;
    const k = m - this.first[slot]!;
    return k >= 0 && k < this.length[slot]! ? this.values[this.start[slot]! + k]! : 0;
  }

  /** How many records were summed for the slot in month m (only when packed with counts). */
  countAt(slot: number, m: MonthIndex): number {
    if (slot < 0 || this.counts === undefined) return 0;
    const k = m - this.first[slot]!;
    return k >= 0 && k < this.length[slot]! ? this.counts[this.start[slot]! + k]! : 0;
  }

  /** The first month the slot has records for; with lastMonth, an empty range (first > last) for a slot without any. */
  firstMonth(slot: number): MonthIndex {
    return slot < 0 ? 0 : this.first[slot]!;
  }

  lastMonth(slot: number): MonthIndex {
    return slot < 0 ? -1 : this.first[slot]! + this.length[slot]! - 1;
  }

  /**
   * Packs `n` records into `slots` slots (the caller numbers its keys): record i adds `valueOf(i)` (an integer)
   * to slot `slotOf(i)` (−1: the record is skipped) in month `monthOf(i)`. Two passes: the first finds each
   * slot's months, the second sums into its run. Throws MonthlySumOutOfRangeError when the absolute values add
   * up beyond 2^53 − 1.
   */
  static pack(
    collection: string,
    n: number,
    slots: number,
    slotOf: (i: number) => number,
    monthOf: (i: number) => MonthIndex,
    valueOf: (i: number) => number,
    withCounts = false,
  ): MonthlySums {
    const first = new Int32Array(slots).fill(2 ** 31 - 1);
    const last = new Int32Array(slots).fill(-(2 ** 31));
    for (let i = 0; i < n; i++) {
      const s = slotOf(i);
      if (s < 0) continue;
      const m = monthOf(i);
      if (m < first[s]!) first[s] = m;
      if (m > last[s]!) last[s] = m;
    }
    const length = new Int32Array(slots);
    const start = new Int32Array(slots);
    let cells = 0;
    for (let s = 0; s < slots; s++) {
      start[s] = cells;
      if (last[s]! < first[s]!) continue;
      length[s] = last[s]! - first[s]! + 1;
      cells += length[s]!;
    }
    const values = new Float64Array(cells);
    const counts = withCounts ? new Int32Array(cells) : undefined;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const s = slotOf(i);
      if (s < 0) continue;
      const cell = start[s]! + monthOf(i) - first[s]!;
      const v = valueOf(i);
      values[cell] = values[cell]! + v;
      total += Math.abs(v);
      if (counts) counts[cell] = counts[cell]! + 1;
    }
    // Every partial sum is bounded by the total of absolute values: within 2^53 − 1, all are exact.
    if (!(total <= Number.MAX_SAFE_INTEGER)) throw new MonthlySumOutOfRangeError(collection);
    return new MonthlySums(first, length, start, values, counts);
  }
}
