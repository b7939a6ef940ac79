/**
 * Where a partner page's chart starts (src/app/chart-start.ts, web/src/dates.ts): the
 * timeline's monthly points from there end on the as-of date itself — the
 * engine's own stepping proves it — 24 months back at most, never before the
 * first rules.
 */
import { describe, expect, it } from 'vitest';
import { asIsoDate, dayNumberOf, isoDateOf, type IsoDate } from '../src/engine/calendar.js';
import { stepDates } from '../src/engine/timeline/timeline.js';
import { chartStart } from '../src/app/chart-start.js';

const FIRST_RULES = '2017-06-27';

describe('chartStart', () => {
  it('ends the monthly points on the as-of date, whatever the day of the month', () => {
    let checked = 0;
    for (let day = dayNumberOf(asIsoDate('2017-06-27')!); day <= dayNumberOf(asIsoDate('2020-03-31')!); day++) {
      const asOf = isoDateOf(day) as IsoDate;
      const from = chartStart(asOf, FIRST_RULES)!;
      expect(from >= FIRST_RULES, asOf).toBe(true);
      const points = stepDates(from, asOf, 'month');
      expect(points.at(-1), asOf).toBe(asOf);
      expect(points.length, asOf).toBeLessThanOrEqual(25);
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('goes back 24 months once the rules allow it, and not at all before the first rules', () => {
    expect(chartStart(asIsoDate('2019-12-31')!, FIRST_RULES)).toBe('2017-12-31');
    expect(chartStart(asIsoDate('2017-12-31')!, FIRST_RULES)).toBe('2017-07-31');
    expect(chartStart(asIsoDate('2017-11-01')!, FIRST_RULES)).toBe('2017-07-01');
    expect(chartStart(asIsoDate('2017-07-07')!, FIRST_RULES)).toBe('2017-07-07');
    expect(chartStart(asIsoDate('2017-01-01')!, FIRST_RULES)).toBeNull();
  });
});
