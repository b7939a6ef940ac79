import Big from 'big.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  centsToDecimalText,
  centsToDollars,
  dayNumberOf,
  decimalFromNumber,
  decimalToString,
  fromDayNumber,
  isIsoDate,
  isoDateOf,
  oneYearEarlier,
  oneYearLater,
  parseDecimal,
  parseIsoDate,
  toDayNumber,
  toUsdCents,
  textToUsdCents,
  ttmWindow,
} from '../src/engine/index.js';
import { day } from './support/builders.js';

describe('calendar dates', () => {
  it.each(['2016-02-29', '2000-02-29', '2017-12-31', '1970-01-01', '9999-12-31'])('%s is a date', (d) => {
    expect(isIsoDate(d)).toBe(true);
  });
  it.each(['2017-02-29', '1900-02-29', '2017-04-31', '2017-13-01', '2017-00-10', '2017-1-1', '07/07/2017', '2017-07-07T00:00', ''])(
    '%s is not a date',
    (d) => {
      expect(isIsoDate(d)).toBe(false);
    },
  );

  it('day numbers agree with the proleptic Gregorian calendar of UTC Date', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 2_900_000 }), (days) => {
        const iso = isoDateOf(days);
        expect(new Date(days * 86_400_000).toISOString().slice(0, 10)).toBe(iso);
        expect(dayNumberOf(iso)).toBe(days);
      }),
    );
  });

  it('one year earlier / later keeps the calendar day, 29 February becoming 28 February', () => {
    expect(oneYearEarlier({ year: 2016, month: 2, day: 29 })).toEqual({ year: 2015, month: 2, day: 28 });
    expect(oneYearLater({ year: 2016, month: 2, day: 29 })).toEqual({ year: 2017, month: 2, day: 28 });
    expect(oneYearEarlier({ year: 2017, month: 7, day: 7 })).toEqual({ year: 2016, month: 7, day: 7 });
  });

  it('the TTM window of 2017-07-07 is 2016-07-08 … 2017-07-07', () => {
    const window = ttmWindow(day('2017-07-07'));
    expect(isoDateOf(window.first)).toBe('2016-07-08');
    expect(isoDateOf(window.last)).toBe('2017-07-07');
  });

  it('every TTM window holds 365 or 366 days and ends on its as-of date', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200_000 }), (days) => {
        const asOf = isoDateOf(days);
        const window = ttmWindow(asOf);
        expect(window.last).toBe(days);
        expect([365, 366]).toContain(window.last - window.first + 1);
        const before = fromDayNumber(window.first - 1);
        const civil = parseIsoDate(asOf)!;
        expect(before.year).toBe(civil.year - 1);
        expect(toDayNumber(before)).toBe(window.first - 1);
      }),
    );
  });
});

describe('exact money', () => {
  it('reads decimal text and JSON numbers exactly', () => {
    expect(parseDecimal('-1234.50')).toEqual({ units: -12345n, scale: 1 });
    expect(parseDecimal('1e-7')).toEqual({ units: 1n, scale: 7 });
    expect(parseDecimal('2.5E3')).toEqual({ units: 2500n, scale: 0 });
    expect(decimalFromNumber(0.1)).toEqual({ units: 1n, scale: 1 });
    expect(decimalFromNumber(Number.NaN)).toBeUndefined();
    for (const bad of ['', '1,5', 'abc', '1.2.3', '--1', '0x10', 'Infinity']) expect(parseDecimal(bad)).toBeUndefined();
  });

  it.each([
    ['0.005', '1', 1],
    ['-0.005', '1', -1],
    ['0.004999', '1', 0],
    ['-0.004999', '1', 0],
    ['100', '1.1', 11000],
    ['33.333', '1.5', 5000],
    ['1500000', '0.014937', 2240550],
    ['-1500', '1.0685', -160275],
  ])('%s × %s = %d cents', (amount, rate, cents) => {
    expect(toUsdCents(parseDecimal(amount)!, parseDecimal(rate)!)).toBe(cents);
  });

  it('rounds half away from zero exactly as a decimal library does', () => {
    const decimalText = fc
      .tuple(fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n }), fc.integer({ min: 0, max: 8 }))
      .map(([units, scale]) => decimalToString({ units, scale }));
    const rateText = fc
      .tuple(fc.bigInt({ min: 1n, max: 10n ** 9n }), fc.integer({ min: 0, max: 8 }))
      .map(([units, scale]) => decimalToString({ units, scale }));
    fc.assert(
      fc.property(decimalText, rateText, (amount, rate) => {
        const expected = new Big(amount).times(rate).times(100).round(0, Big.roundHalfUp);
        let actual: number | 'overflow';
        try {
          actual = toUsdCents(parseDecimal(amount)!, parseDecimal(rate)!);
        } catch {
          actual = 'overflow';
        }
        if (expected.abs().gt(Number.MAX_SAFE_INTEGER)) expect(actual).toBe('overflow');
        else expect(String(actual)).toBe(expected.toFixed(0));
      }),
      { numRuns: 2000 },
    );
  });

  it('converts decimal text by the fast path exactly as by the bigint path', () => {
    const text = fc.oneof(
      fc
        .tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 10 }))
        .map(([units, scale]) => decimalToString({ units, scale })),
      fc.constantFrom('0', '-0', '-0.00', '0.005', '-0.005', '999999999999999', '99999999999999.99', '1e3', '12,5', '', '.5', '5.', ' 1'),
    );
    const rate = fc
      .tuple(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.integer({ min: 0, max: 12 }))
      .map(([units, scale]) => ({ units, scale }));
    fc.assert(
      fc.property(text, fc.option(rate, { nil: undefined }), (amount, usdPerUnit) => {
        const outcome = (f: () => number | undefined): string => {
          try {
            return String(f());
          } catch {
            return 'overflow';
          }
        };
        const slow = outcome(() => {
          const decimal = parseDecimal(amount);
          return decimal ? toUsdCents(decimal, usdPerUnit) : undefined;
        });
        expect(outcome(() => textToUsdCents(amount, usdPerUnit))).toBe(slow);
      }),
      { numRuns: 5000 },
    );
  });

  it('prints cents as dollars without losing a cent', () => {
    fc.assert(
      fc.property(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (cents) => {
        expect(new Big(centsToDecimalText(cents)).times(100).toFixed(0)).toBe(String(cents));
      }),
    );
  });

  it('writes dollars as JSON numbers whose text is the exact amount, up to 15 significant digits', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 }), (cents) => {
        expect(new Big(JSON.stringify(centsToDollars(cents))).eq(new Big(centsToDecimalText(cents)))).toBe(true);
      }),
    );
  });
});
