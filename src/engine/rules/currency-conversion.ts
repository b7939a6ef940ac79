/**
 * Currency conversion to cents (docs/rules.md, section 3): a line's amount
 * times its month's rate (`usdPerUnit`; 1 for US dollars), computed exactly,
 * then rounded once to whole US cents, half away from zero: 0.005 is 1 cent
 * and -0.005 is -1. A result beyond Number.MAX_SAFE_INTEGER cents is refused:
 * sums of cents must stay exact in JavaScript numbers.
 *
 * The same rule twice: in TypeScript for a dataset (validation converts each
 * line once) and in SQL for the store, which converts the lines it keeps
 * when it reads them as columns and checks the size of converted amounts
 * when it imports them (numeric arithmetic is exact in PostgreSQL, and both
 * round() and the cast of a numeric to bigint round half away from zero).
 * currency-conversion.test.ts holds the two equal on amounts and rates built
 * to land on half a cent.
 */
import { parseDecimal, readPlainDecimal, type Cents, type Decimal, type PlainDecimal } from '../money.js';

const ONE: Decimal = { units: 1n, scale: 0 };
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * `amount × usdPerUnit` in cents, rounded half away from zero.
 * Throws RangeError when the result is beyond what cents can hold exactly.
 */
export function toUsdCents(amount: Decimal, usdPerUnit: Decimal = ONE): Cents {
  const product = amount.units * usdPerUnit.units;
  const shift = amount.scale + usdPerUnit.scale - 2;
  let cents: bigint;
  if (shift <= 0) {
    cents = product * 10n ** BigInt(-shift);
  } else {
    const divisor = 10n ** BigInt(shift);
    cents = product / divisor; // truncates toward zero
    const remainder = product % divisor; // carries the sign of the product
    const twice = 2n * (remainder < 0n ? -remainder : remainder);
    if (twice >= divisor) cents += product < 0n ? -1n : 1n;
  }
  if (cents > SAFE || cents < -SAFE) throw new RangeError(`amount out of range: ${cents} cents`);
  return Number(cents);
}

/** Whole dollars or dollars-and-cents decimal text to cents; `undefined` if it has fractions of a cent. */
export function exactCents(d: Decimal): Cents | undefined {
  if (d.scale > 2) return undefined;
  return toUsdCents(d);
}

/** What `readPlainDecimal` read last: the plain amount the conversions below multiply. */
const plain: PlainDecimal = { units: 0, decimals: 0 };

/**
 * `exactCents(parseDecimal(String(value)))` — whole cents of a number or decimal text with at most two decimal
 * places that count, undefined otherwise — read without bigints when the value is plain: a JSON number that is
 * a whole number of dollars, or `[+-]digits[.digits]` of at most 15 digits. Validation reads every billing line
 * of a scoring dataset this way (millions); anything else takes the exact path.
 */
export function exactCentsOf(value: number | string): Cents | undefined {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && Math.abs(value) <= 1e13) return value * 100 + 0; // + 0 turns -0 into 0
    return exactCentsOfText(String(value));
  }
  return exactCentsOfText(value);
}

function exactCentsOfText(text: string): Cents | undefined {
  if (readPlainDecimal(text, plain)) {
    // Plain text with more decimal places that count is what the exact path refuses too.
    if (plain.decimals > 2) return undefined;
    const cents = plainTimesRate(ONE);
    if (cents !== undefined) return cents;
  }
  const d = parseDecimal(text);
  return d === undefined ? undefined : exactCents(d);
}

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i); // exact up to 10^22

/**
 * The plain decimal just read times `usdPerUnit`, in cents rounded half away from zero, when every intermediate
 * value is a safe integer (almost always); undefined otherwise, for the exact path to compute (or refuse).
 */
function plainTimesRate(usdPerUnit: Decimal): Cents | undefined {
  const rateUnits = Number(usdPerUnit.units);
  if (!Number.isSafeInteger(rateUnits)) return undefined;
  const product = plain.units * rateUnits;
  const shift = plain.decimals + usdPerUnit.scale - 2;
  if (!Number.isSafeInteger(product) || shift > 22) return undefined;
  if (shift <= 0) {
    const cents = product * POWERS_OF_TEN[-shift]!;
    return Number.isSafeInteger(cents) ? cents + 0 : undefined; // + 0 turns -0 into 0
  }
  const divisor = POWERS_OF_TEN[shift]!;
  const remainder = product % divisor; // exact for safe integers, sign of the product
  const truncated = (product - remainder) / divisor;
  const away = 2 * Math.abs(remainder) >= divisor ? Math.sign(product) : 0;
  return truncated + away + 0;
}

/**
 * `amount × usdPerUnit` in cents from decimal text, like `toUsdCents`, but
 * without bigints when every intermediate value is a safe integer (almost
 * always): millions of lines are converted on every import. `undefined` when
 * the text is not a decimal; RangeError when the result is out of range.
 */
export function textToUsdCents(text: string, usdPerUnit: Decimal = ONE): Cents | undefined {
  const cents = readPlainDecimal(text, plain) ? plainTimesRate(usdPerUnit) : undefined;
  if (cents !== undefined) return cents;
  const decimal = parseDecimal(text);
  return decimal ? toUsdCents(decimal, usdPerUnit) : undefined;
}

/**
 * The SQL twin of `toUsdCents`, for amounts known to be in range (imported
 * ones): a bigint expression, from two numeric expressions (a column, a
 * CASE…). The cast rounds half away from zero.
 */
export function usdCentsSql(amount: string, usdPerUnit: string): string {
  return `((${amount}) * (${usdPerUnit}) * 100)::bigint`;
}

/** The SQL twin of `toUsdCents` throwing: true when the converted amount is beyond what cents can hold exactly. */
export function usdCentsOutOfRangeSql(amount: string, usdPerUnit: string): string {
  return `abs(round((${amount}) * (${usdPerUnit}) * 100)) > ${SAFE}`;
}
