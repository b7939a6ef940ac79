import type { Problem } from './problems.js';

/** What a validator returns: the checked value, or every problem found. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly Problem[] };
