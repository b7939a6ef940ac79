/**
 * The overlap rule in TypeScript and its SQL twin on PGlite (in memory): the
 * same associations found overlapping, each against the same other one.
 */
import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayNumberOf, type IsoDate } from '../calendar.js';
import { NEVER } from '../evaluation/columns.js';
import { exclusiveOverlaps, exclusiveOverlapsSql } from './exclusive-associations.js';

/** Types 0 and 1 are exclusive; 2 is not. */
const EXCLUSIVE = [true, true, false];

interface Span {
  readonly customer: number;
  readonly type: number;
  readonly first: number;
  /** null while open. */
  readonly last: number | null;
}

/** Pairs [overlapping, overlapped] by input index. */
function inTypeScript(list: readonly Span[]): [number, number][] {
  const overlapped = exclusiveOverlaps(
    {
      customer: Int32Array.from(list, (a) => a.customer),
      type: Int32Array.from(list, (a) => a.type),
      first: Int32Array.from(list, (a) => a.first),
      last: Int32Array.from(list, (a) => a.last ?? NEVER),
    },
    EXCLUSIVE,
  );
  return [...overlapped].flatMap((other, i): [number, number][] => (other < 0 ? [] : [[i, other]]));
}

let db: PGlite;

beforeAll(async () => {
  db = new PGlite();
  await db.exec('CREATE TABLE associations (ord int, customer_id int, type int, start_date date, end_date date)');
});

afterAll(async () => {
  await db.close();
});

/** Days count from 1970-01-01, as day numbers do. */
async function inSql(list: readonly Span[]): Promise<[number, number][]> {
  await db.exec('TRUNCATE associations');
  await db.query(
    `INSERT INTO associations
     SELECT ord, customer, type, DATE '1970-01-01' + first, DATE '1970-01-01' + last
     FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::int[]) AS u(ord, customer, type, first, last)`,
    [list.map((_, i) => i), list.map((a) => a.customer), list.map((a) => a.type), list.map((a) => a.first), list.map((a) => a.last)],
  );
  const exclusive = EXCLUSIVE.flatMap((yes, type) => (yes ? [type] : []));
  const { rows } = await db.query<{ overlapping: number; other: number }>(
    `WITH exclusive AS (SELECT * FROM associations WHERE type = ANY($1::int[]))
     SELECT f.ord AS overlapping, o.ord AS other FROM ${exclusiveOverlapsSql('exclusive', ['ord'])} ORDER BY f.ord`,
    [exclusive],
  );
  return rows.map((r) => [r.overlapping, r.other]);
}

const day = (text: string) => dayNumberOf(text as IsoDate);

describe('exclusive associations may not overlap', () => {
  it('lets a customer be handed over from one day to the next, and not on the same day', async () => {
    const handOver: Span[] = [
      { customer: 0, type: 0, first: day('2015-09-01'), last: day('2017-03-31') },
      { customer: 0, type: 0, first: day('2017-04-01'), last: null },
    ];
    expect(inTypeScript(handOver)).toEqual([]);
    const sameDay = [{ ...handOver[0]!, last: day('2017-04-01') }, handOver[1]!];
    expect(inTypeScript(sameDay)).toEqual([[1, 0]]);
    expect(await inSql(sameDay)).toEqual([[1, 0]]);
  });

  it('reports each against the first association reaching furthest before it; open ends reach for ever', () => {
    const list: Span[] = [
      { customer: 0, type: 0, first: 10, last: 12 },
      { customer: 0, type: 0, first: 0, last: null },
      { customer: 0, type: 0, first: 5, last: 8 },
      { customer: 0, type: 2, first: 5, last: 8 },
      { customer: 1, type: 0, first: 5, last: 8 },
      { customer: 0, type: 1, first: 5, last: 8 },
    ];
    expect(inTypeScript(list)).toEqual([
      [0, 1],
      [2, 1],
    ]);
  });

  it('the TypeScript rule and its SQL twin agree on random associations', async () => {
    const span = fc
      .record({
        customer: fc.integer({ min: 0, max: 2 }),
        type: fc.integer({ min: 0, max: 2 }),
        first: fc.integer({ min: 0, max: 30 }),
        length: fc.option(fc.integer({ min: -2, max: 12 }), { nil: null }),
      })
      .map(({ length, ...a }): Span => ({ ...a, last: length === null ? null : a.first + length }));
    await fc.assert(
      fc.asyncProperty(fc.array(span, { maxLength: 24 }), async (list) => {
        expect(await inSql(list)).toEqual(inTypeScript(list));
      }),
      { numRuns: 300 },
    );
  });
});
