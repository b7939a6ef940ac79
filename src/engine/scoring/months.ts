/**
 * Calendar months for scored metrics: `YYYY-MM` at the edges, a month index
 * (year × 12 + month − 1) inside, so that "twelve months earlier" is a
 * subtraction. The evaluation month M is the latest month whose data counts;
 * windows are offsets from it, given by the definition (M-11 … M, or M-12 … M-1).
 */
import type { IsoDate } from '../calendar.js';

export type MonthIndex = number;

export function isMonth(text: string): boolean {
  return monthIndexOf(text) >= 0;
}

/** The digit at position i of text (0–9), or −1. */
function digit(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/**
 * The month index of `YYYY-MM` text, or −1 when the text is not one. Read from the characters, not by a regular
 * expression: every billing, seat and usage record of a scoring dataset has a month (millions at 100,000
 * partners), and a match allocates its groups each time.
 */
export function monthIndexOf(text: string): MonthIndex {
  if (text.length !== 7 || text.charCodeAt(4) !== 45 /* - */) return -1;
  const y0 = digit(text, 0);
  const y1 = digit(text, 1);
  const y2 = digit(text, 2);
  const y3 = digit(text, 3);
  const m0 = digit(text, 5);
  const m1 = digit(text, 6);
  const month = m0 * 10 + m1;
  if ((y0 | y1 | y2 | y3 | m0 | m1) < 0 || month < 1 || month > 12) return -1;
  return (y0 * 1000 + y1 * 100 + y2 * 10 + y3) * 12 + month - 1;
}

export function monthIndex(text: string): MonthIndex {
  const index = monthIndexOf(text);
  if (index < 0) throw new RangeError(`not a month: ${text}`);
  return index;
}

export function monthText(index: MonthIndex): string {
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

/** The month of a calendar date. */
export function monthOfDate(date: IsoDate): MonthIndex {
  return monthIndex(date.slice(0, 7));
}

/** The months M+from … M+to, both included, oldest first. */
export function windowMonths(m: MonthIndex, from: number, to: number): MonthIndex[] {
  const out: MonthIndex[] = [];
  for (let k = from; k <= to; k++) out.push(m + k);
  return out;
}
