/**
 * One program across eras (src/engine/program/eras.ts): the threshold
 * competency's versions and the bundled scored versions in one history, and
 * which version judges each date — checked the day before and the day of
 * every version, and in the gap after PCI ended.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { programHistory } from '../src/engine/program/eras.js';
import type { IsoDate } from '../src/engine/index.js';
import { loadProgram } from '../src/files/program-files.js';
import { readScoredDefinitions } from '../src/files/scored-files.js';

const read = readScoredDefinitions();
const scored = read.ok ? read.versions : [];
const thresholdDates = loadProgram().versions.map((v) => v.effectiveFrom as IsoDate);

function dayBefore(date: string): IsoDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10) as IsoDate;
}

describe('programHistory over the bundled definitions', () => {
  const history = programHistory(thresholdDates, scored);
  it('lists every version of both kinds in date order', () => {
    expect(history.steps).toHaveLength(thresholdDates.length + scored.length);
    const dates = history.steps.map((s) => s.effectiveFrom);
    expect(dates).toEqual([...dates].sort());
  });
  it('judges by no version before the first one', () => {
    const first = history.steps[0]!;
    expect(history.judging(dayBefore(first.effectiveFrom))).toBeUndefined();
    expect(history.judging(first.effectiveFrom)).toBe(first);
  });
  it('on the day of each version that version judges; the day before, the one before it (or a gap)', () => {
    history.steps.forEach((step, i) => {
      const sameDay = history.steps.filter((s) => s.effectiveFrom === step.effectiveFrom).at(-1);
      expect(history.judging(step.effectiveFrom)).toBe(sameDay);
      if (i === 0) return;
      const previous = history.steps.filter((s) => s.effectiveFrom < step.effectiveFrom).at(-1);
      const before = history.judging(dayBefore(step.effectiveFrom));
      if (previous?.kind === 'scored' && previous.endsOn !== undefined && previous.endsOn < dayBefore(step.effectiveFrom))
        expect(before).toBeUndefined();
      else expect(before).toBe(previous);
    });
  });
  it('leaves no rules from the day after PCI ended (2022-10-01) to the day before PCS (2023-06-12)', () => {
    expect(history.judging('2022-09-30' as IsoDate)?.kind).toBe('scored');
    expect(history.judging('2022-10-01' as IsoDate)).toBeUndefined();
    expect(history.judging('2023-06-12' as IsoDate)).toBeUndefined();
    const pcs = history.judging('2023-06-13' as IsoDate);
    expect(pcs?.kind === 'scored' ? pcs.version.effectiveFrom : undefined).toBe('2023-06-13');
  });
  it('the threshold competency judges the day before the first PCI version, PCI on its day', () => {
    expect(history.judging('2020-09-15' as IsoDate)?.kind).toBe('threshold');
    expect(history.judging('2020-09-16' as IsoDate)?.kind).toBe('scored');
  });
  it('the judging step is always in force on the date (property)', () => {
    const day = fc.integer({ min: 0, max: 365 * 12 }).map((n) => {
      const d = new Date(Date.UTC(2015, 0, 1));
      d.setUTCDate(d.getUTCDate() + n);
      return d.toISOString().slice(0, 10) as IsoDate;
    });
    fc.assert(
      fc.property(day, (date) => {
        const step = history.judging(date);
        if (step === undefined) return;
        expect(step.effectiveFrom <= date).toBe(true);
        expect(history.steps.filter((s) => s.effectiveFrom <= date && s.effectiveFrom > step.effectiveFrom)).toEqual([]);
        if (step.kind === 'scored' && step.endsOn !== undefined) expect(date <= step.endsOn).toBe(true);
      }),
    );
  });
});

describe('the bundled scored definition continues a threshold competency', () => {
  it('names the threshold program and a competency that program defines', () => {
    const program = loadProgram();
    for (const v of scored) {
      expect(v.continues).toEqual({ program: program.id, competency: 'cloud-business-applications' });
      expect(program.versions.some((pv) => pv.competencies.some((c) => c.id === v.continues?.competency))).toBe(true);
    }
  });
});
