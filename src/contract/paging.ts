import { z } from 'zod';

/** A page of a list: `limit` items from `offset`, of `total` in all. */
export function paged<T extends z.ZodType>(item: T) {
  return z.object({ total: z.number().int(), limit: z.number().int(), offset: z.number().int(), items: z.array(item) });
}

/** A page of `T`, as `paged` answers it. */
export interface Page<T> {
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
  readonly items: T[];
}
