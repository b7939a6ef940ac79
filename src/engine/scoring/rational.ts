/**
 * Exact fractions for points: 2/3 × 10 points stays 20/3, and a total compared
 * with a band's 60 points is compared exactly, never as a float sum. Numerators
 * and denominators are bigints, always reduced, the denominator positive.
 */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) {
    const r = x % y;
    x = y;
    y = r;
  }
  return x;
}

/** The whole numbers −256 to 256, made once: counts of people, customers and pairs are made for every partner scored. */
const SMALL_WHOLE: readonly Rational[] = Array.from({ length: 513 }, (_, k) => ({ num: BigInt(k - 256), den: 1n }));

export function rational(num: bigint | number, den: bigint | number = 1n): Rational {
  // Rationals are immutable: one object serves every use of a small whole number.
  if (typeof num === 'number' && den === 1n && Number.isInteger(num) && num >= -256 && num <= 256) return SMALL_WHOLE[num + 256]!;
  let n = typeof num === 'bigint' ? num : BigInt(num);
  let d = typeof den === 'bigint' ? den : BigInt(den);
  // Whole numbers are most of what scoring makes (counts, cents, points): already reduced.
  if (d === 1n) return { num: n, den: d };
  if (d === 0n) throw new RangeError('division by zero');
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d);
  return g > 1n ? { num: n / g, den: d / g } : { num: n, den: d };
}

export const ZERO = rational(0);
export const ONE = rational(1);

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** `"2.14"` → 214/100; `undefined` for anything but plain decimal text. */
export function parseRational(text: string): Rational | undefined {
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const fraction = m[3] ?? '';
  const units = BigInt(`${m[2]}${fraction}`);
  return rational(m[1] === '-' ? -units : units, 10n ** BigInt(fraction.length));
}

// Whole operands (den 1) give a whole result: no products of denominators, no reduction.
export function add(a: Rational, b: Rational): Rational {
  if (a.den === 1n && b.den === 1n) return { num: a.num + b.num, den: 1n };
  return rational(a.num * b.den + b.num * a.den, a.den * b.den);
}

export function sub(a: Rational, b: Rational): Rational {
  if (a.den === 1n && b.den === 1n) return { num: a.num - b.num, den: 1n };
  return rational(a.num * b.den - b.num * a.den, a.den * b.den);
}

export function mul(a: Rational, b: Rational): Rational {
  if (a.den === 1n && b.den === 1n) return { num: a.num * b.num, den: 1n };
  return rational(a.num * b.num, a.den * b.den);
}

export function div(a: Rational, b: Rational): Rational {
  return rational(a.num * b.den, a.den * b.num);
}

/** Negative, zero or positive as a < b, a = b, a > b. */
export function compare(a: Rational, b: Rational): number {
  if (a.den === b.den) return a.num < b.num ? -1 : a.num > b.num ? 1 : 0;
  const d = a.num * b.den - b.num * a.den;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

export function min(a: Rational, b: Rational): Rational {
  return compare(a, b) <= 0 ? a : b;
}

export function max(a: Rational, b: Rational): Rational {
  return compare(a, b) >= 0 ? a : b;
}

/** The largest integer ≤ r. */
export function floor(r: Rational): bigint {
  const q = r.num / r.den;
  return r.num < 0n && q * r.den !== r.num ? q - 1n : q;
}

/** The smallest integer ≥ r. */
export function ceil(r: Rational): bigint {
  return -floor(rational(-r.num, r.den));
}

/** For display only: the nearest double. Never summed. */
export function toNumber(r: Rational): number {
  return Number(r.num) / Number(r.den);
}

/** Decimal text with at most `digits` digits after the point, rounded half away from zero: 20/3 → "6.67". */
export function toDecimalText(r: Rational, digits = 2): string {
  const scale = 10n ** BigInt(digits);
  const negative = r.num < 0n;
  const abs = negative ? -r.num : r.num;
  const scaled = (abs * scale * 2n + r.den) / (2n * r.den);
  const whole = scaled / scale;
  let fraction = (scaled % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  if (digits === 0) fraction = '';
  const text = fraction === '' ? whole.toString() : `${whole}.${fraction}`;
  return negative && scaled !== 0n ? `-${text}` : text;
}
