/**
 * The dashboard's dates: today by the browser's clock (read by the same
 * definition as the command line's and the API's); the latest date the data
 * reaches, which the dashboard opens on ("data through …", GET
 * /api/v1/store-summary); and the date chosen last in this tab, kept across
 * sign-out and reloads (sessionStorage) as the address keeps it (?asOf=).
 */
import { createContext, useContext } from 'react';
import { today } from '../../src/app/today.ts';
import { asIsoDate, type IsoDate } from '../../src/engine/calendar.ts';

export { chartStart } from '../../src/app/chart-start.ts';

export function todayIso() {
  return today(new Date());
}

/** The latest date the signed-in account's data reaches; null when unknown or there is none. */
export const DataThroughContext = createContext<IsoDate | null>(null);

export function useDataThrough(): IsoDate | null {
  return useContext(DataThroughContext);
}

const STORAGE_KEY = 'attain.asOf';

/** The as-of date chosen last in this tab, if any. */
export function savedAsOf(): IsoDate | undefined {
  try {
    return asIsoDate(sessionStorage.getItem(STORAGE_KEY) ?? '');
  } catch {
    return undefined;
  }
}

export function saveAsOf(date: IsoDate): void {
  try {
    sessionStorage.setItem(STORAGE_KEY, date);
  } catch {
    // not kept: the address still has it
  }
}
