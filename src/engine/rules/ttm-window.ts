/**
 * The trailing-twelve-months window (docs/rules.md, section 1): as of D,
 * revenue counts when dated after the same calendar day one year before D,
 * up to and including D. 29 February has no same day in the year before or
 * after: it becomes 28 February, so the window as of 2016-02-29 starts on
 * 2015-03-01, and a line of 2016-02-29 leaves the window on 2017-03-01.
 *
 * The one home of the window: evaluation, plans, forecasts and timelines all
 * take it from here. Revenue only; exam passes have no window (their
 * acceptance is rules/qualification.ts).
 */
import { daysInMonth, fromDayNumber, parseIsoDate, toDayNumber, type CivilDate, type DayNumber, type IsoDate } from '../calendar.js';

/** The same calendar day one year earlier; 29 February becomes 28 February. */
export function oneYearEarlier(date: CivilDate): CivilDate {
  const year = date.year - 1;
  return { year, month: date.month, day: Math.min(date.day, daysInMonth(year, date.month)) };
}

/** The same calendar day one year later; 29 February becomes 28 February. */
export function oneYearLater(date: CivilDate): CivilDate {
  const year = date.year + 1;
  return { year, month: date.month, day: Math.min(date.day, daysInMonth(year, date.month)) };
}

/**
 * The trailing-twelve-months window for as-of date D: the days after the same
 * calendar day one year earlier, up to and including D.
 * As of 2017-07-07 it holds 2016-07-08 … 2017-07-07.
 */
export interface TtmWindow {
  /** First day inside the window. */
  readonly first: DayNumber;
  /** Last day inside the window (the as-of date). */
  readonly last: DayNumber;
}

export function ttmWindow(asOf: IsoDate): TtmWindow {
  const civil = parseIsoDate(asOf);
  if (!civil) throw new RangeError(`not a calendar date: "${asOf}"`);
  return { first: toDayNumber(oneYearEarlier(civil)) + 1, last: toDayNumber(civil) };
}

/** Whether a line dated `day` counts in the window. */
export function inTtmWindow(window: TtmWindow, day: DayNumber): boolean {
  return window.first <= day && day <= window.last;
}

/**
 * The first as-of date whose TTM window no longer holds a line dated `day`:
 * the first D with "one year before D" on or after the line's date. Usually
 * the same day a year later; a line of 29 February leaves on 1 March.
 */
export function leavesWindowOn(day: DayNumber): DayNumber {
  const candidate = toDayNumber(oneYearLater(fromDayNumber(day)));
  return toDayNumber(oneYearEarlier(fromDayNumber(candidate))) >= day ? candidate : candidate + 1;
}
