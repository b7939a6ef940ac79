import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayNumberOf, isoDateOf, type IsoDate } from '../calendar.js';
import { inTtmWindow, leavesWindowOn, ttmWindow } from './ttm-window.js';

const date = (text: string) => text as IsoDate;

describe('the TTM window', () => {
  // The table of docs/rules.md, section 1.
  it.each([
    ['2017-07-07', '2016-07-08', '2017-07-07'],
    ['2016-02-29', '2015-03-01', '2016-02-29'],
    ['2017-02-28', '2016-02-29', '2017-02-28'],
  ])('as of %s holds %s … %s', (asOf, first, last) => {
    const window = ttmWindow(date(asOf));
    expect([isoDateOf(window.first), isoDateOf(window.last)]).toEqual([first, last]);
  });

  it('holds a line dated after one year before, up to the as-of date itself', () => {
    const window = ttmWindow(date('2017-07-07'));
    const counts = (text: string) => inTtmWindow(window, dayNumberOf(date(text)));
    expect(['2016-07-07', '2016-07-08', '2017-07-07', '2017-07-08'].map(counts)).toEqual([false, true, true, false]);
  });

  it('lets a line go the same day a year later; a line of 29 February on 1 March', () => {
    expect(isoDateOf(leavesWindowOn(dayNumberOf(date('2016-07-08'))))).toBe('2017-07-08');
    expect(isoDateOf(leavesWindowOn(dayNumberOf(date('2016-02-29'))))).toBe('2017-03-01');
  });

  it('a line is in every window from its own date until the day it leaves, and in none after', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 0, max: 400 }), (day, later) => {
        const asOf = day + later;
        expect(inTtmWindow(ttmWindow(isoDateOf(asOf)), day)).toBe(asOf < leavesWindowOn(day));
      }),
      { numRuns: 2000 },
    );
  });
});
