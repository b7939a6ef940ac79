// What both benches do before timing the engine: let the collector finish with the bench's own garbage.

/**
 * A full collection (when the process runs with --expose-gc, as the npm scripts run the benches), then a wait
 * until the process is idle (under 10 ms of CPU in 100 ms, at most 10 s): the collector sweeps and frees on other
 * threads after it returns, and on two cores that work, caused by the bench's own generation and conversion of
 * records, slowed the engine timed right after it (a first pass over 7.6 million billing records: 0.31 s straight
 * after the collection, 0.04 s after waiting). Returns the milliseconds waited.
 */
export async function settle() {
  globalThis.gc?.();
  const start = performance.now();
  for (let waited = 0; waited < 10_000; waited += 100) {
    const cpu = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const used = process.cpuUsage(cpu);
    if ((used.user + used.system) / 1000 < 10) break;
  }
  return Math.round(performance.now() - start);
}
