/** Synthetic datasets at program scale, deterministic per seed: `attain generate` and the benchmark. */
export * from './population.js';
export * from './outputs.js';
