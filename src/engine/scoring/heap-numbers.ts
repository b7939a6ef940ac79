/**
 * Arrays of numbers kept in V8's own heap, for the scoring index's large arrays.
 *
 * Why not typed arrays: their memory lives outside the heap, and V8 answers every 64 MB of such memory allocated
 * since its last full collection with another full collection (reported as "external memory pressure"). A scored
 * dataset is millions of row objects, so each of those collections marks the whole dataset: at 30,000 partners
 * the index's 150 MB of typed arrays cost two full collections, 1.2–1.7 s of a 3.5–4.9 s preparation
 * (docs/performance.md). Arrays in the heap count towards its own growth instead, which on a heap already holding
 * the dataset allows far more before collecting. Reading and writing them is as fast once their kind is settled.
 *
 * Made by `new Array(n).fill(…)` (one allocation) rather than by pushing (a copy at each doubling, three times the
 * memory touched); past 32 Mi elements `new Array(n)` is a dictionary, so those are pushed.
 */
const LARGEST_FAST = 2 ** 25;

/** `n` copies of `value`; `largestFast` is there for tests, which cannot afford 32 Mi elements. */
export function filled(n: number, value: number, largestFast = LARGEST_FAST): number[] {
  if (n <= largestFast) return new Array<number>(n).fill(value);
  const a: number[] = [];
  for (let i = 0; i < n; i++) a.push(value);
  return a;
}

/** `n` integer zeros. */
export function zeros(n: number): number[] {
  return filled(n, 0);
}

/**
 * `n` zeros in an array of doubles from the start: sums may outgrow small integers, and an array of small
 * integers that receives one is copied whole into a new array of doubles. Made from an array that holds a double
 * already, lengthened, then filled: filling an array of small integers with a double (`filled(n, 0.5)`) changes
 * its kind on the way, a copy of the whole array, and took three to five times as long (0.1–0.4 s for 7.6 million
 * in the preparation's heap, which makes several).
 */
export function doubles(n: number, largestFast = LARGEST_FAST): number[] {
  if (n > largestFast) return filled(n, 0.5, largestFast).fill(0);
  const a = [0.5];
  a.length = n;
  return a.fill(0);
}
