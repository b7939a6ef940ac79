/**
 * Exact money. Amounts arrive as decimal text (or JSON numbers, read back as
 * the shortest decimal that denotes them), are converted to US dollars with an
 * exact product, and rounded once to whole cents, half away from zero
 * (rules/currency-conversion.ts). From there on every sum and comparison is
 * integer arithmetic on cents.
 */

import { problemSummary, type Problem } from './problems.js';

/** A whole number of US cents. Always a safe integer. */
export type Cents = number;

/**
 * The largest amount of cents counted exactly: 2^53 − 1, US$90,071,992,547,409.91.
 * One line converts to at most this much (rules/currency-conversion.ts); a
 * sum of lines is checked where it is made (docs/rules.md, section 3).
 */
export const MAX_EXACT_CENTS: Cents = Number.MAX_SAFE_INTEGER;

/**
 * Money added up beyond what cents count exactly, thrown where a partner's
 * revenue is summed (evaluation, plan, forecast, timeline), with the problem
 * naming the partner and the requirement: the data cannot be judged on that
 * date, as an invalid dataset cannot (the use cases answer a `data` failure).
 */
export class SumOutOfRangeError extends RangeError {
  constructor(readonly problem: Problem) {
    super(problemSummary(problem));
    this.name = 'SumOutOfRangeError';
  }
}

/** Whether a number of cents is exact (a safe integer): what every sum of cents is checked with. */
export function isExactCents(cents: number): boolean {
  return cents <= MAX_EXACT_CENTS && cents >= -MAX_EXACT_CENTS;
}

/** An exact decimal: `units / 10^scale`. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL_TEXT = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * Bounds on what is read at all: a rate computed by division (1 / 145.23)
 * legitimately has twenty digits after the point; hundreds are an error.
 */
const MAX_SCALE = 40;
const MAX_EXPONENT = 300;

/**
 * Reads decimal text such as `-1234.5`, `0.1` or `1e-7`. `undefined` when the
 * text is not a finite decimal, or one beyond any sensible amount or rate.
 */
export function parseDecimal(text: string): Decimal | undefined {
  const m = DECIMAL_TEXT.exec(text);
  if (!m) return undefined;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = m;
  let scale = fraction.length - Number(exponent);
  let digits = whole + fraction;
  if (scale < 0) {
    if (-scale > MAX_EXPONENT) return undefined;
    digits += '0'.repeat(-scale);
    scale = 0;
  }
  // Trailing zeros after the point carry no value; dropping them keeps the scale small.
  while (scale > 0 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    scale -= 1;
  }
  if (scale > MAX_SCALE) return undefined;
  const magnitude = BigInt(digits === '' ? '0' : digits);
  return { units: sign === '-' ? -magnitude : magnitude, scale };
}

/** Plain decimal text read as numbers: the units as a signed safe integer and the decimal places that count. */
export interface PlainDecimal {
  units: number;
  decimals: number;
}

/**
 * Reads plain decimal text — `[+-]digits[.digits]`, at most 15 digits — into `into` (the fraction's trailing
 * zeros dropped: they carry no value, as parseDecimal drops them), character by character: no match object, no
 * bigint, for the millions of amounts and units an import or a scoring dataset reads. The caller keeps one
 * `into` and reads it right after. False for any other text, which parseDecimal reads or refuses.
 */
export function readPlainDecimal(text: string, into: PlainDecimal): boolean {
  const sign = text.charCodeAt(0);
  let k = sign === 45 || sign === 43 ? 1 : 0; // - or +
  let units = 0;
  let digits = 0;
  let wholeDigits = 0;
  let point = false;
  let fractionDigits = 0;
  let decimals = 0;
  let zeros = 0; // zeros after the point held back until a digit follows them
  for (; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 46 && !point) {
      point = true;
      continue;
    }
    if (c < 48 || c > 57 || ++digits > 15) return false;
    if (!point) {
      units = units * 10 + (c - 48);
      wholeDigits++;
      continue;
    }
    fractionDigits++;
    if (c === 48) zeros++;
    else {
      for (; zeros > 0; zeros--, decimals++) units *= 10;
      units = units * 10 + (c - 48);
      decimals++;
    }
  }
  // Digits before the point, and after it if there is one: what parseDecimal's pattern asks for.
  if (wholeDigits === 0 || (point && fractionDigits === 0)) return false;
  into.units = sign === 45 ? -units : units;
  into.decimals = decimals;
  return true;
}

/** The decimal a JSON number denotes, or `undefined` for NaN / Infinity. */
export function decimalFromNumber(value: number): Decimal | undefined {
  if (!Number.isFinite(value)) return undefined;
  return parseDecimal(String(value));
}

export function decimalToString(d: Decimal): string {
  const negative = d.units < 0n;
  const digits = (negative ? -d.units : d.units).toString().padStart(d.scale + 1, '0');
  const whole = digits.slice(0, digits.length - d.scale);
  const fraction = digits.slice(digits.length - d.scale);
  return `${negative ? '-' : ''}${whole}${d.scale > 0 ? `.${fraction}` : ''}`;
}

/** Cents as a JSON number of dollars with (at most) two decimals. */
export function centsToDollars(cents: Cents): number {
  return cents / 100;
}

/** `1234567` → `"12345.67"`; exact, whatever the magnitude. */
export function centsToDecimalText(cents: Cents): string {
  return decimalToString({ units: BigInt(cents), scale: 2 });
}

/** Plain decimal text (sign, digits, fraction): no exponent to expand. */
export const PLAIN_DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Decimal text without exponent: `1e-7` → `0.0000001`; plain text is returned as it is. */
export function canonicalDecimalText(text: string): string {
  if (PLAIN_DECIMAL.test(text)) return text;
  const decimal = parseDecimal(text);
  return decimal ? decimalToString(decimal) : text;
}
