/**
 * "Today", the default evaluation date of every entry point: the calendar
 * day in UTC at the moment of the call.
 *
 * One definition for the command line, the API and the dashboard (which
 * imports this very file), so that the same question asked at the same
 * moment gets the same answer wherever it is asked from: a program team
 * spans time zones, and a partner's level must not depend on where the
 * server, the laptop or the browser runs.
 */
import { isoDateOf, toDayNumber, type IsoDate } from '../engine/calendar.js';

export function today(now: Date): IsoDate {
  return isoDateOf(toDayNumber({ year: now.getUTCFullYear(), month: now.getUTCMonth() + 1, day: now.getUTCDate() }));
}
