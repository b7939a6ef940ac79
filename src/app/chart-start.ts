/**
 * Where a partner's revenue chart starts (the dashboard asks the timeline
 * from there to the as-of date, by month): 24 months before the as-of date,
 * or fewer when the first rules came later — a whole number of months
 * before, on the same day of the month, so that the timeline's monthly
 * points (the start, then the same day of each month, clamped to the
 * month's end: engine/timeline stepDates) end on the as-of date itself.
 * Pure: the browser imports it (web/src/dates.ts).
 */
import { addMonths, dayNumberOf, formatIsoDate, fromDayNumber, type IsoDate } from '../engine/calendar.js';

/** The most months a chart goes back. */
export const CHART_MONTHS = 24;

/** The same day `months` months earlier, clamped to the month's end. */
function monthsBefore(date: IsoDate, months: number): IsoDate {
  return formatIsoDate(addMonths(fromDayNumber(dayNumberOf(date)), -months));
}

/** The chart's first date; null when no rules were in force on the as-of date (`firstRules`: the first version's date). */
export function chartStart(asOf: IsoDate, firstRules: string | undefined): IsoDate | null {
  if (firstRules && asOf < firstRules) return null;
  for (let months = CHART_MONTHS; months > 0; months--) {
    const from = monthsBefore(asOf, months);
    if ((!firstRules || from >= firstRules) && from.slice(8) === asOf.slice(8)) return from;
  }
  return asOf;
}
