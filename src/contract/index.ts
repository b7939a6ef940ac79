/**
 * The API's contract: the shape of every answer the server gives and the
 * dashboard reads, as zod schemas. The server validates, encodes and
 * documents (OpenAPI) through these schemas; the browser takes their types
 * (`import type`), so the two cannot drift apart. Pure: zod, and types of
 * the engine, nothing else — the browser's type-check and bundle read it.
 */
export * from './accounts.js';
export * from './events.js';
export * from './imports.js';
export * from './paging.js';
export * from './partners.js';
export * from './problems.js';
export * from './programs.js';
export * from './records.js';
export * from './summary.js';
export * from './scores.js';
