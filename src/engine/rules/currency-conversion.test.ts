/**
 * Conversion to cents in TypeScript and its SQL twin on PGlite (in memory):
 * the same cents, and the same amounts refused as too large.
 */
import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decimalToString, parseDecimal } from '../money.js';
import { textToUsdCents, usdCentsOutOfRangeSql, usdCentsSql } from './currency-conversion.js';

const TOO_LARGE = 'too large';

function inTypeScript(amount: string, usdPerUnit: string): string {
  try {
    return String(textToUsdCents(amount, parseDecimal(usdPerUnit)));
  } catch {
    return TOO_LARGE;
  }
}

let db: PGlite;

beforeAll(() => {
  db = new PGlite();
});

afterAll(async () => {
  await db.close();
});

/** Many conversions in one statement; the cast to bigint only where the amount is in range, as the store reads only those. */
async function inSql(pairs: readonly (readonly [string, string])[]): Promise<string[]> {
  const amount = 'u.amount::numeric';
  const rate = 'u.rate::numeric';
  const { rows } = await db.query<{ cents: string }>(
    `SELECT CASE WHEN ${usdCentsOutOfRangeSql(amount, rate)} THEN '${TOO_LARGE}' ELSE (${usdCentsSql(amount, rate)})::text END AS cents
     FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(amount, rate, n) ORDER BY n`,
    [pairs.map(([a]) => a), pairs.map(([, r]) => r)],
  );
  return rows.map((r) => r.cents);
}

/** Amounts and rates whose product lands on or near half a cent, both signs, and at the edge of the exact range. */
const TRICKY: readonly (readonly [string, string])[] = [
  ['0.005', '1'],
  ['-0.005', '1'],
  ['0.0049999', '1'],
  ['-0.0050001', '1'],
  ['1234.565', '1'],
  ['1234.565', '1.1234567'],
  ['-1234.565', '1.1234567'],
  ['0.005', '1.1234567'],
  ['2.675', '0.5'],
  ['-2.675', '1.000005'],
  ['100', '0.0087654321'],
  ['12345678.91', '0.0087654321'],
  ['1e-7', '1'],
  ['1.5e3', '1.1234567'],
  ['99999999999.995', '1'],
  ['-0', '1'],
  ['445.5', '1.1234567'],
  ['90071992547409.91', '1'],
  ['90071992547409.914999', '1'],
  ['90071992547409.915', '1'],
  ['-90071992547409.914999', '1'],
  ['-90071992547409.915', '1'],
  ['1e20', '0.000001'],
];

describe('conversion to cents', () => {
  it('rounds half away from zero, once, after the exact product (docs/rules.md, section 3)', () => {
    expect(['0.005', '-0.005', '85000.005', '-150.125'].map((a) => inTypeScript(a, '1'))).toEqual(['1', '-1', '8500001', '-15013']);
    expect(inTypeScript('1234.567', '1.0825')).toBe('133642');
    expect(inTypeScript('90071992547409.915', '1')).toBe(TOO_LARGE);
  });

  it('the SQL twin converts the tricky amounts as TypeScript does', async () => {
    expect(await inSql(TRICKY)).toEqual(TRICKY.map(([a, r]) => inTypeScript(a, r)));
  });

  it('the TypeScript rule and its SQL twin agree on random amounts and rates', async () => {
    const decimal = (units: bigint, maxScale: number) =>
      fc
        .tuple(fc.bigInt({ min: -units, max: units }), fc.integer({ min: 0, max: maxScale }))
        .map(([u, scale]) => decimalToString({ units: u, scale }));
    const amount = fc.oneof(decimal(10n ** 20n, 10), decimal(10n ** 6n, 4));
    const rate = fc.oneof(
      fc
        .tuple(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.integer({ min: 0, max: 12 }))
        .map(([units, scale]) => decimalToString({ units, scale })),
      fc.constantFrom('1', '0.5', '1.1234567', '0.0087654321'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(amount, rate), { minLength: 1, maxLength: 50 }), async (pairs) => {
        expect(await inSql(pairs)).toEqual(pairs.map(([a, r]) => inTypeScript(a, r)));
      }),
      { numRuns: 200 },
    );
  });
});
