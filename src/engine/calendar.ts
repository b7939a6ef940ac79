/**
 * Calendar dates as the rules speak of them: a day, with no time and no zone.
 *
 * A date travels as its ISO text (`YYYY-MM-DD`) at the edges and as a day
 * number (days since 1970-01-01 in the proleptic Gregorian calendar) inside the
 * engine, so that comparing and stepping through dates is integer arithmetic
 * and can never drift with the machine's time zone.
 */

import type { z } from 'zod';

/**
 * An ISO `YYYY-MM-DD` text that names a real calendar day. Branded: only the
 * parsers make one — `asIsoDate` for a flag or a parameter, the dataset and
 * program schemas (`.brand<'IsoDate'>()`, the same brand) for records — and
 * the calendar's own arithmetic, so that inside nothing parses a date twice.
 */
export type IsoDate = string & z.core.$brand<'IsoDate'>;

/** Days since 1970-01-01. */
export type DayNumber = number;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** Parses `YYYY-MM-DD`; `undefined` unless it names a real day (no 2017-02-29). */
export function parseIsoDate(text: string): CivilDate | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

export function isIsoDate(text: string): boolean {
  return parseIsoDate(text) !== undefined;
}

// Howard Hinnant's days_from_civil: exact for every Gregorian date.
export function toDayNumber({ year, month, day }: CivilDate): DayNumber {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function fromDayNumber(days: DayNumber): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function formatIsoDate({ year, month, day }: CivilDate): IsoDate {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}` as IsoDate;
}

/** Day number of an ISO date already known to be valid. */
export function dayNumberOf(text: IsoDate): DayNumber {
  const civil = parseIsoDate(text);
  if (!civil) throw new RangeError(`not a calendar date: "${text}"`);
  return toDayNumber(civil);
}

export function isoDateOf(days: DayNumber): IsoDate {
  return formatIsoDate(fromDayNumber(days));
}

/** `YYYY-MM` of an ISO date. */
export function monthOf(date: IsoDate): string {
  return date.slice(0, 7);
}

/** The same day `months` months later, clamped to the month's last day (31 January + 1 month = 28/29 February). */
export function addMonths(date: CivilDate, months: number): CivilDate {
  const index = date.year * 12 + (date.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}

/** The date `days` days later (earlier when negative). */
export function addDaysToDate(date: IsoDate, days: number): IsoDate {
  return isoDateOf(dayNumberOf(date) + days);
}

/** The same day `months` months later, clamped to the month's last day, as `addMonths` on calendar text. */
export function addMonthsToDate(date: IsoDate, months: number): IsoDate {
  return formatIsoDate(addMonths(parseIsoDate(date)!, months));
}

/** The parser of dates at the edges: the text as an IsoDate when it names a real day, else undefined. */
export function asIsoDate(text: string): IsoDate | undefined {
  return isIsoDate(text) ? (text as IsoDate) : undefined;
}
