/**
 * Calendar months for scored metrics: `YYYY-MM` at the edges, a month index
 * (year × 12 + month − 1) inside, so that "twelve months earlier" is a
 * subtraction. The evaluation month M is the latest month whose data counts;
 * windows are offsets from it, given by the definition (M-11 … M, or M-12 … M-1).
 */
import type { IsoDate } from '../calendar.js';

export type MonthIndex = number;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(text: string): boolean {
  return MONTH.test(text);
}

export function monthIndex(text: string): MonthIndex {
  const m = MONTH.exec(text);
  if (!m) throw new RangeError(`not a month: ${text}`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
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
