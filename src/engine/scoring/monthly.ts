/**
 * Monthly sums per key (a subscription's cents or seats, a tenant's units of one workload), packed once into
 * flat arrays of numbers (in V8's heap: heap-numbers.ts says why not typed arrays): each key is one slot, a
 * slot's months one contiguous run from its first to its last month.
 * Scoring asks for "this key in that month" millions of times; a lookup here is one map read for the slot and
 * an array read, where maps of maps of month → value cost a hash per level and an object per entry, which the
 * garbage collector walks on every collection.
 *
 * A run costs a cell per month of its span, whatever the records: two records of one subscription in 0001-01
 * and 9999-12 would cost 120,000 cells, and a small file of such pairs gigabytes. A slot whose span is much
 * wider than its records (`denseSpan`) is kept sparse instead: its distinct months sorted, found by binary
 * search. The cells are then at most 2 per record plus 24 per slot, whatever the dates.
 *
 * Sums are plain numbers, exact because the caller only packs integers whose absolute total over the whole
 * collection is at most 2^53 − 1 (`packMonthly` checks it): then every cell and every sum of cells is a safe
 * integer, whatever the order of the additions.
 */
import type { MonthIndex } from './months.js';
import { doubles, filled, zeros } from './heap-numbers.js';

/** A collection's integers add up beyond 2^53 − 1: summed as numbers they would no longer be exact. */
export class MonthlySumOutOfRangeError extends RangeError {
  constructor(readonly collection: string) {
    super(
      `the ${collection} of the scoring dataset add up (in absolute value, in their smallest unit) beyond 2^53 − 1, past which scoring does not count them exactly`,
    );
    this.name = 'MonthlySumOutOfRangeError';
  }
}

/**
 * Some months by their places in an ascending list: sums packed for a few months years apart (a preparation for
 * one evaluation month reads M, M − 1, M − 12, M − 13) store those months' places, so that a slot's run spans
 * the months kept rather than every month between them: at 100,000 partners, 2.2 million cells for billing
 * instead of 7.7 million, memory that is touched for the first time on each preparation.
 */
export class MonthPlaces {
  private readonly from: number;
  private readonly place: Int32Array;

  constructor(readonly months: readonly MonthIndex[]) {
    this.from = months.length > 0 ? months[0]! : 0;
    this.place = new Int32Array(months.length > 0 ? months.at(-1)! - this.from + 1 : 0).fill(-1);
    months.forEach((m, k) => {
      if (k > 0 && m <= months[k - 1]!) throw new RangeError('months must be ascending and distinct');
      this.place[m - this.from] = k;
    });
  }

  /** The month's place, −1 for a month not kept. */
  placeOf(m: MonthIndex): number {
    const k = m - this.from;
    return k >= 0 && k < this.place.length ? this.place[k]! : -1;
  }
}

/** The widest run of months kept dense for a slot of `records` records; a wider one is kept sparse. */
export function denseSpan(records: number): number {
  return 2 * records + 24;
}

export class MonthlySums {
  /**
   * `length[slot]`: a dense slot's run of months (≥ 0), or minus a sparse slot's count of distinct months, whose
   * cells start at `start[slot]` and whose months are `months[cell − sparseBase]`, in ascending order.
   */
  private constructor(
    private readonly first: readonly number[],
    private readonly length: readonly number[],
    private readonly start: readonly number[],
    private readonly values: readonly number[],
    private readonly counts: readonly number[] | undefined,
    private readonly months: Int32Array,
    private readonly sparseBase: number,
    private readonly places: MonthPlaces | undefined,
  ) {}

  /** How many cells the sums hold (dense runs and sparse months together): what their memory grows with. */
  get cells(): number {
    return this.values.length;
  }

  /** The cell of the slot's month m, or −1 when it has no records then (or is slot −1). */
  private cell(slot: number, m: MonthIndex): number {
    if (slot < 0) return -1;
    const length = this.length[slot]!;
    if (length >= 0) {
      const k = m - this.first[slot]!;
      return k >= 0 && k < length ? this.start[slot]! + k : -1;
    }
    let lo = this.start[slot]! - this.sparseBase;
    let hi = lo - length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.months[mid]!;
      if (at === m) return mid + this.sparseBase;
      if (at < m) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The cell of the slot's month m as asked (a month, not its place), or −1. */
  private cellOfMonth(slot: number, m: MonthIndex): number {
    if (this.places === undefined) return this.cell(slot, m);
    const k = this.places.placeOf(m);
    return k < 0 ? -1 : this.cell(slot, k);
  }

  /** The sum recorded for the slot in month m (0 for none, or for slot −1). */
  at(slot: number, m: MonthIndex): number {
    const cell = this.cellOfMonth(slot, m);
    return cell < 0 ? 0 : this.values[cell]!;
  }

  /** How many records were summed for the slot in month m (only when packed with counts). */
  countAt(slot: number, m: MonthIndex): number {
    if (this.counts === undefined) return 0;
    const cell = this.cellOfMonth(slot, m);
    return cell < 0 ? 0 : this.counts[cell]!;
  }

  /** The first month the slot has records for; with lastMonth, an empty range (first > last) for a slot without any. */
  firstMonth(slot: number): MonthIndex {
    if (slot < 0) return 0;
    const first = this.first[slot]!;
    return this.places === undefined || this.length[slot] === 0 ? first : this.places.months[first]!;
  }

  lastMonth(slot: number): MonthIndex {
    if (slot < 0) return -1;
    const length = this.length[slot]!;
    const last = length >= 0 ? this.first[slot]! + length - 1 : this.months[this.start[slot]! - this.sparseBase - length - 1]!;
    return this.places === undefined || length === 0 ? last : this.places.months[last]!;
  }

  /**
   * Packs `n` records into `slots` slots (the caller numbers its keys): record i adds `valueOf(i)` (an integer)
   * to slot `slotOf(i)` (−1: the record is skipped) in month `monthOf(i)`. Two passes: the first finds each
   * slot's months (and, for a sparse slot, which), the second sums into its cells. Throws
   * MonthlySumOutOfRangeError when the absolute values add up beyond 2^53 − 1. With `places`, `monthOf(i)` is the
   * place of record i's month among them (every record's month must be one of them); months are asked as months.
   */
  static pack(
    collection: string,
    n: number,
    slots: number,
    slotOf: (i: number) => number,
    monthOf: (i: number) => MonthIndex,
    valueOf: (i: number) => number,
    withCounts = false,
    places?: MonthPlaces,
  ): MonthlySums {
    // Three arrays per slot, not five: while the records are counted, `length` holds each slot's last month and
    // `start` its count of records (the usage of each workload has a slot for every tenant: these arrays are most
    // of what packing allocates).
    const first = filled(slots, 2 ** 31 - 1);
    const length = filled(slots, -(2 ** 31));
    const start = zeros(slots);
    for (let i = 0; i < n; i++) {
      const s = slotOf(i);
      if (s < 0) continue;
      const m = monthOf(i);
      if (m < first[s]!) first[s] = m;
      if (m > length[s]!) length[s] = m;
      start[s]!++;
    }
    let cells = 0;
    let sparseCells = 0;
    for (let s = 0; s < slots; s++) {
      const last = length[s]!;
      const records = start[s]!;
      start[s] = cells;
      if (last < first[s]!) {
        length[s] = 0;
        continue;
      }
      const span = last - first[s]! + 1;
      if (span > denseSpan(records)) {
        // Sparse, placed after every dense run once its distinct months are known: room for one per record now.
        length[s] = -records;
        sparseCells += records;
        continue;
      }
      length[s] = span;
      cells += span;
    }
    const sparseBase = cells;
    // A sparse slot's months: gathered (one per record) into its room, then sorted and made distinct in place.
    const months = new Int32Array(sparseCells);
    if (sparseCells > 0) {
      const taken = new Int32Array(slots);
      let room = 0;
      for (let s = 0; s < slots; s++)
        if (length[s]! < 0) {
          start[s] = sparseBase + room;
          room -= length[s]!;
        }
      for (let i = 0; i < n; i++) {
        const s = slotOf(i);
        if (s < 0 || length[s]! >= 0) continue;
        months[start[s]! - sparseBase + taken[s]!++] = monthOf(i);
      }
      for (let s = 0; s < slots; s++) {
        if (length[s]! >= 0) continue;
        const from = start[s]! - sparseBase;
        const run = months.subarray(from, from - length[s]!).sort();
        let distinct = 0;
        for (let k = 0; k < run.length; k++) if (k === 0 || run[k] !== run[k - 1]) run[distinct++] = run[k]!;
        length[s] = -distinct;
      }
    }
    const values = doubles(sparseBase + sparseCells);
    const counts = withCounts ? zeros(values.length) : undefined;
    const sums = new MonthlySums(first, length, start, values, counts, months, sparseBase, places);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const s = slotOf(i);
      if (s < 0) continue;
      const cell = length[s]! >= 0 ? start[s]! + monthOf(i) - first[s]! : sums.cell(s, monthOf(i));
      const v = valueOf(i);
      values[cell] = values[cell]! + v;
      total += Math.abs(v);
      if (counts) counts[cell] = counts[cell]! + 1;
    }
    // Every partial sum is bounded by the total of absolute values: within 2^53 − 1, all are exact.
    if (!(total <= Number.MAX_SAFE_INTEGER)) throw new MonthlySumOutOfRangeError(collection);
    return sums;
  }
}
