/**
 * One DPOR at a time (docs/rules.md, section 2): two associations of an
 * exclusive type for one customer may not share a day, even when they name
 * the same partner. Taken in start order (associations starting on the same
 * day in input order), an association overlaps when it starts on or before
 * the furthest end of those before it; it is reported against the first
 * association reaching that end. An open end reaches for ever.
 *
 * The same rule twice: in TypeScript for a dataset (dataset/validate.ts) and
 * in SQL for an import (store/import.ts), where the furthest end so far is a
 * running maximum over a window per customer and type.
 * exclusive-associations.test.ts holds the two to the same verdict on random
 * associations.
 */

/** Associations as columns: customer and type as any dense numbering, days as day numbers (`last` NEVER while open). */
export interface AssociationSpans {
  readonly customer: ArrayLike<number>;
  readonly type: ArrayLike<number>;
  readonly first: ArrayLike<number>;
  readonly last: ArrayLike<number>;
}

/**
 * For each association, the index of the association it overlaps, or -1.
 * `exclusive[t]`: whether type t is exclusive; associations of other types
 * may overlap.
 */
export function exclusiveOverlaps(associations: AssociationSpans, exclusive: ArrayLike<boolean>): Int32Array {
  const { customer, type, first, last } = associations;
  const overlapped = new Int32Array(first.length).fill(-1);
  const order: number[] = [];
  for (let i = 0; i < first.length; i++) if (exclusive[type[i]!]) order.push(i);
  order.sort((a, b) => type[a]! - type[b]! || customer[a]! - customer[b]! || first[a]! - first[b]! || a - b);
  let reach = -1;
  for (const i of order) {
    if (reach < 0 || type[reach] !== type[i] || customer[reach] !== customer[i]) {
      reach = i;
      continue;
    }
    if (first[i]! <= last[reach]!) overlapped[i] = reach;
    if (last[i]! > last[reach]!) reach = i;
  }
  return overlapped;
}

/**
 * The SQL twin of `exclusiveOverlaps`, as a FROM clause: every association
 * that overlaps (alias f) beside the one it overlaps (alias o). `relation`
 * names the exclusive associations (a table or a CTE with customer_id, type,
 * start_date and end_date, NULL while open); `inputOrder`, its columns
 * ordering associations that start on the same day. Written as
 * `SELECT f.…, o.… FROM ${exclusiveOverlapsSql('merged', ['batch', 'ord'])}`.
 */
export function exclusiveOverlapsSql(relation: string, inputOrder: readonly string[]): string {
  const order = (alias: string) => ['start_date', ...inputOrder].map((column) => `${alias}.${column}`).join(', ');
  return `(SELECT m.*, max(coalesce(m.end_date, 'infinity'::date)) OVER (
             PARTITION BY m.customer_id, m.type ORDER BY ${order('m')} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
           FROM ${relation} m) f
       CROSS JOIN LATERAL (
         SELECT * FROM ${relation} o
         WHERE o.customer_id = f.customer_id AND o.type = f.type AND (${order('o')}) < (${order('f')})
           AND coalesce(o.end_date, 'infinity'::date) = f.reach
         ORDER BY ${order('o')} LIMIT 1) o
       WHERE f.start_date <= f.reach`;
}
