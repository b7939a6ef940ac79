/** Today in the dashboard: the browser's clock, read by the same definition as the command line's and the API's. */
import { today } from '../../src/app/today.ts';

export function todayIso() {
  return today(new Date());
}
