/**
 * Validation reads millions of billing amounts and usage units: plain ones (whole numbers, dollars and cents) are
 * read without bigints. These tests hold the plain readings to the exact ones they stand for — billing cents to
 * `exactCents(parseDecimal(String(amount)))`, amounts at a rate (the threshold dataset's revenue lines, read by
 * the same plain reader) to `toUsdCents`, usage units to `decimalToString(parseDecimal(String(units)))` — on
 * values drawn near every edge of the plain forms: signs, leading and trailing zeros, 15 and 16 digits, exponents,
 * a lone point, fractions of a cent, numbers that are and are not safe integers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalToString, parseDecimal } from '../src/engine/money.js';
import { exactCents, exactCentsOf, textToUsdCents, toUsdCents } from '../src/engine/rules/currency-conversion.js';
import { validateScoringRecords } from '../src/engine/scoring/dataset.js';
import { catalogOf, emptyRecords, tenantWith } from './support/scoring.js';
import { versions } from './support/scored-records.js';

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom('0', '1', '5', '9'), minLength: min, maxLength: max });
/** Decimal text near the plain form's edges, and past them. */
const text = fc
  .tuple(
    fc.constantFrom('', '-', '+', '--'),
    digits(0, 17),
    fc.constantFrom('', '.', '..'),
    digits(0, 5),
    fc.constantFrom('', '', '', 'e2', 'e-3', 'E+1', 'x'),
  )
  .map(
    ([sign, whole, point, fraction, exponent]) => `${sign}${whole}${point === '' ? '' : point}${point === '' ? '' : fraction}${exponent}`,
  );
const number = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.maxSafeInteger(),
  fc.integer({ min: 1e12, max: 1e15 }),
  fc.integer({ min: 1e12, max: 1e15 }).map((n) => `${n}`),
  fc.double({ noNaN: false }),
  fc.constantFrom(0, -0, 1e13, 1e13 + 1, -1e13, 2 ** 53, 2 ** 53 - 1, 0.1, 0.29, 1.005, 123.45, 1e-7, 1e21, Infinity),
  fc.integer({ min: -1e6, max: 1e6 }).map((n) => n / 100),
  fc.integer({ min: -1e6, max: 1e6 }).map((n) => n / 1000),
);

/** The reading as the exact path gives it: its cents, or the error it throws. */
function exactly(read: () => number | undefined): number | undefined | string {
  try {
    return read();
  } catch (e) {
    return `throws ${(e as Error).name}`;
  }
}

describe('billing amounts read as exact cents', () => {
  it('gives what the exact path gives, for text and JSON numbers', () => {
    fc.assert(
      fc.property(fc.oneof(text, number), (amount) => {
        const expected = exactly(() => {
          const d = parseDecimal(String(amount));
          return d === undefined ? undefined : exactCents(d);
        });
        const got = exactly(() => exactCentsOf(amount));
        expect(Object.is(got, -0)).toBe(false);
        expect(got).toEqual(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it('reads the plain forms at their edges', () => {
    const read = (amounts: (number | string)[]) => amounts.map((a) => exactly(() => exactCentsOf(a)));
    expect(read(['0', '-0.00', '+5', '007.50', '1.050', '90071992547409.91', '-12345678901234.5', 1e13, -1e13])).toEqual([
      0, 0, 500, 750, 105, 9007199254740991, -1234567890123450, 1e15, -1e15,
    ]);
    // Past exact cents (15 digits of dollars, or a safe integer of dollars), fractions of a cent, no decimal at all.
    expect(read(['90071992547409.92', '999999999999999', 568029667854389, 2 ** 53 - 1])).toEqual(Array(4).fill('throws RangeError'));
    expect(read(['1.001', '1.0010', '5.', '.5', '', '-', '1.2.3', 'NaN', 0.001])).toEqual(Array(9).fill(undefined));
    expect(read(['1e2', '1.5E1', 1e21])).toEqual([10000, 1500, 'throws RangeError']);
  });
});

describe('amounts at a rate read as cents (the threshold dataset: textToUsdCents, the same plain reading)', () => {
  it('gives what the exact path gives: cents rounded half away from zero, or the refusal', () => {
    const rate = fc.constantFrom('1', '0.5', '1.1', '0.00689', '1.23456789012', '145.23', '3');
    fc.assert(
      fc.property(text, rate, (amount, usdPerUnit) => {
        const per = parseDecimal(usdPerUnit)!;
        const expected = exactly(() => {
          const d = parseDecimal(amount);
          return d === undefined ? undefined : toUsdCents(d, per);
        });
        const got = exactly(() => textToUsdCents(amount, per));
        expect(Object.is(got, -0)).toBe(false);
        expect(got).toEqual(expected);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('usage units read as their canonical text', () => {
  it('gives the canonical text, the problems and the precision check the exact path gives', () => {
    fc.assert(
      // Finite numbers: the schema itself refuses the others, before any reading.
      fc.property(fc.array(fc.oneof(text, number.filter(Number.isFinite)), { minLength: 1, maxLength: 6 }), (units) => {
        const r = emptyRecords();
        r.partners.push({ id: 'P', country: 'US' });
        tenantWith(r, 'T', 'BUSINESS-CENTRAL', 'P', 'DPOR');
        units.forEach((u) => r.usage.push({ tenantId: 'T', workload: 'BUSINESS-CENTRAL', month: '2023-10', units: u }));
        const result = validateScoringRecords(r, catalogOf(versions));
        // The exact path: each record's units parsed, negative or unreadable ones refused, the rest canonical.
        const read = units.map((u) => parseDecimal(String(u)));
        const refused = read.flatMap((d, i) => (d === undefined || d.units < 0n ? [`usage[${i}] units notDecimalNumber`] : []));
        const kept = read.filter((d) => d !== undefined && d.units >= 0n);
        const finest = Math.max(0, ...kept.map((d) => d!.scale));
        const total = kept.reduce((sum, d) => sum + d!.units * 10n ** BigInt(finest - d!.scale), 0n);
        const problems = result.ok ? [] : result.problems.map((p) => `${p.record} ${p.field} ${p.code}`);
        if (total > BigInt(Number.MAX_SAFE_INTEGER)) {
          expect(problems.filter((p) => p.endsWith('usageTooPrecise'))).toHaveLength(1);
          return;
        }
        expect(problems).toEqual(refused);
        if (result.ok) expect(result.dataset.usage.map((u) => u.units)).toEqual(kept.map((d) => decimalToString(d!)));
      }),
      { numRuns: 2000 },
    );
  });

  it('sums whole units as a number only while it is exact: past 2^53 − 1 the records are refused', () => {
    const r = emptyRecords();
    r.partners.push({ id: 'P', country: 'US' });
    tenantWith(r, 'T', 'BUSINESS-CENTRAL', 'P', 'DPOR');
    const usage = (units: (number | string)[]) => ({
      ...r,
      usage: units.map((u, i) => ({ tenantId: 'T', workload: 'BUSINESS-CENTRAL', month: `2023-0${i + 1}`, units: u })),
    });
    const codes = (units: (number | string)[]) => {
      const result = validateScoringRecords(usage(units), catalogOf(versions));
      return result.ok ? [] : result.problems.map((p) => `${p.record} ${p.field} ${p.code}`);
    };
    expect(codes([2 ** 52, 2 ** 52 - 1])).toEqual([]);
    expect(codes([2 ** 52, 2 ** 52])).toEqual(['usage[0] units usageTooPrecise']);
    expect(codes(['4503599627370496', 4503599627370496])).toEqual(['usage[0] units usageTooPrecise']);
    // A whole record and a finer one: the whole units count at the finer scale.
    expect(codes([900719925474, '0.0991'])).toEqual([]);
    expect(codes([900719925475, '0.0991'])).toEqual(['usage[1] units usageTooPrecise']);
  });
});
