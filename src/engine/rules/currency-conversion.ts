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
import { parseDecimal, PLAIN_DECIMAL, type Cents, type Decimal } from '../money.js';

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

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i); // exact up to 10^22

/**
 * `amount × usdPerUnit` in cents from decimal text, like `toUsdCents`, but
 * without bigints when every intermediate value is a safe integer (almost
 * always): millions of lines are converted on every import. `undefined` when
 * the text is not a decimal; RangeError when the result is out of range.
 */
export function textToUsdCents(text: string, usdPerUnit: Decimal = ONE): Cents | undefined {
  const m = PLAIN_DECIMAL.exec(text);
  const whole = m?.[2] ?? '';
  const fraction = m?.[3] ?? '';
  const rateUnits = Number(usdPerUnit.units);
  if (m && whole.length + fraction.length <= 15 && Number.isSafeInteger(rateUnits)) {
    const units = Number(whole + fraction) * (m[1] === '-' ? -1 : 1);
    const product = units * rateUnits;
    const shift = fraction.length + usdPerUnit.scale - 2;
    if (Number.isSafeInteger(product) && shift <= 22) {
      if (shift <= 0) {
        const cents = product * POWERS_OF_TEN[-shift]!;
        if (Number.isSafeInteger(cents)) return cents + 0; // + 0 turns -0 into 0
      } else {
        const divisor = POWERS_OF_TEN[shift]!;
        const remainder = product % divisor; // exact for safe integers, sign of the product
        const truncated = (product - remainder) / divisor;
        const away = 2 * Math.abs(remainder) >= divisor ? Math.sign(product) : 0;
        return truncated + away + 0;
      }
    }
  }
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
