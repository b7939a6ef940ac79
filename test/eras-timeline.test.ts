/**
 * One program across eras (src/engine/program/eras.ts): the threshold
 * competency's versions and the bundled scored versions in one history, and
 * which version judges each date — checked the day before and the day of
 * every version, and in the gap after PCI ended.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { programHistory } from '../src/engine/program/eras.js';
import { erasTimelineOf, gapsOf, type IsoDate, type ScoringRecords } from '../src/engine/index.js';
import { datasetOf } from './support/scoring.js';
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

describe('erasTimelineOf: a partner through every era', () => {
  const history = programHistory(thresholdDates, scored);
  const records = JSON.parse(readFileSync('examples/business-applications-scored.json', 'utf8')) as ScoringRecords;
  const data = datasetOf(records, scored);
  const timelineOn = (dates: string[], threshold?: (date: IsoDate) => never[]) =>
    erasTimelineOf({ history, scored, data, partnerId: 'P-CONTOSO', enrolment: { kind: 'none' }, threshold }, dates as IsoDate[]);
  it('names the version judging each date, the day before and the day of every change of era, and the gap', () => {
    const t = timelineOn(['2017-06-26', '2017-06-27', '2020-09-15', '2020-09-16', '2022-09-30', '2022-10-01', '2023-06-12', '2023-06-13']);
    expect(t.points.map((p) => [p.date, p.era, p.era === 'none' ? [p.ended, p.next] : p.version])).toEqual([
      ['2017-06-26', 'none', [null, '2017-06-27']],
      ['2017-06-27', 'threshold', '2017-06-27'],
      ['2020-09-15', 'threshold', '2018-01-25'],
      ['2020-09-16', 'scored', '2020-09-16'],
      ['2022-09-30', 'scored', '2021-05-28'],
      ['2022-10-01', 'none', ['2022-09-30', '2023-06-13']],
      ['2023-06-12', 'none', ['2022-09-30', '2023-06-13']],
      ['2023-06-13', 'scored', '2023-06-13'],
    ]);
    expect(t.gaps).toEqual([{ from: '2022-10-01', to: '2023-06-12', version: '2021-05-28', endsOn: '2022-09-30', next: '2023-06-13' }]);
  });
  it('gives the scored band, totals and (PCS only) the status; the threshold levels only when given them', () => {
    const t = timelineOn(['2020-10-31', '2023-10-31', '2018-02-01']);
    const [pci, pcs, threshold] = t.points;
    expect(pci).toMatchObject({ era: 'scored', month: '2020-10', status: null });
    expect(pcs).toMatchObject({ era: 'scored', month: '2023-10', band: 'qualified', status: { status: 'qualified' } });
    expect(threshold).toMatchObject({ era: 'threshold', options: null });
    expect(timelineOn(['2018-02-01'], () => []).points[0]).toMatchObject({ options: [] });
  });
  it('lists no gap for a range that does not reach it', () => {
    expect(timelineOn(['2020-10-01', '2022-09-30']).gaps).toEqual([]);
    expect(gapsOf(history)).toHaveLength(1);
  });
});
