/**
 * Exact money. Amounts arrive as decimal text (or JSON numbers, read back as
 * the shortest decimal that denotes them), are converted to US dollars with an
 * exact product, and rounded once to whole cents, half away from zero. From
 * there on every sum and comparison is integer arithmetic on cents.
 */

/** A whole number of US cents. Always a safe integer. */
export type Cents = number;

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

/** Cents as a JSON number of dollars with (at most) two decimals. */
export function centsToDollars(cents: Cents): number {
  return cents / 100;
}

/** `1234567` → `"12345.67"`; exact, whatever the magnitude. */
export function centsToDecimalText(cents: Cents): string {
  return decimalToString({ units: BigInt(cents), scale: 2 });
}

/** Plain decimal text small enough for exact arithmetic in doubles: the usual amount. */
const PLAIN = /^(-?)(\d+)(?:\.(\d+))?$/;
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i); // exact up to 10^22

/**
 * `amount × usdPerUnit` in cents from decimal text, like `toUsdCents`, but
 * without bigints when every intermediate value is a safe integer (almost
 * always): millions of lines are converted on every import. `undefined` when
 * the text is not a decimal; RangeError when the result is out of range.
 */
export function textToUsdCents(text: string, usdPerUnit: Decimal = ONE): Cents | undefined {
  const m = PLAIN.exec(text);
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

/** Decimal text without exponent: `1e-7` → `0.0000001`; plain text is returned as it is. */
export function canonicalDecimalText(text: string): string {
  if (PLAIN.test(text)) return text;
  const decimal = parseDecimal(text);
  return decimal ? decimalToString(decimal) : text;
}
