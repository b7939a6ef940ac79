/**
 * Solutions Partner statuses (src/engine/scoring/status.ts): in progress,
 * qualified, enrolled, renewal due, from dates — checked the day before and
 * the day of every window boundary, under the bundled version's rules and
 * with each switch turned.
 */
import { describe, expect, it } from 'vitest';
import {
  enrolmentProblems,
  partnerStatus,
  statusOn,
  type Enrolment,
  type IsoDate,
  type ScoredVersionDefinition,
  type ScoringRecords,
  type StatusContext,
  type StatusRules,
} from '../src/engine/index.js';
import { readScoredDefinitions } from '../src/files/scored-files.js';
import { datasetOf, statusContext } from './support/scoring.js';
import { readFileSync } from 'node:fs';

const read = readScoredDefinitions();
if (!read.ok) throw new Error('the bundled scored definition does not read');
const versions: readonly ScoredVersionDefinition[] = read.versions;
const pcs = versions.find((v) => v.statuses !== undefined)!;
const rules: StatusRules = pcs.statuses!;

const d = (text: string) => text as IsoDate;

/** A context of the 2023 version whose partner qualified at the end of exactly these months. */
const context = (months: readonly string[], changes: Partial<StatusRules> = {}): StatusContext => statusContext(pcs, months, changes);

const none: Enrolment = { kind: 'none' };
const status = (c: StatusContext, e: Enrolment, date: string) => statusOn(c, e, d(date));

describe('the bundled rules', () => {
  it('are the data of the 2023-06-13 version: 30 days before 2023-09-19, then six months', () => {
    expect(rules).toEqual({
      designationsFrom: '2022-10-03',
      earlierQualifiedDays: 30,
      earlierRenewalDays: 30,
      renewalMonths: 6,
      renewalWindowEnd: 'end-of-month',
      legacyAutoEnrol: true,
    });
    expect(pcs.qualificationWindow).toEqual({ effectiveFrom: '2023-09-19', months: 6, start: 'same-day' });
  });
});

describe('a partner not enrolled', () => {
  it('from 2023-09-19: qualified while a qualifying month-end is in the current month and the five before it, from the same day', () => {
    const c = context(['2024-03']);
    expect(status(c, none, '2024-03-30').status).toBe('in-progress');
    expect(status(c, none, '2024-03-31')).toMatchObject({ status: 'qualified', qualifiedOn: '2024-03-31' });
    // On 2024-08-31 the window starts on 2024-03-31; the next day it starts on 2024-04-01.
    expect(status(c, none, '2024-08-31')).toMatchObject({
      status: 'qualified',
      window: { kind: 'qualification', from: '2024-03-31', to: '2024-08-31' },
    });
    expect(status(c, none, '2024-09-01')).toMatchObject({ status: 'in-progress', qualifiedOn: null });
  });
  it('whole calendar months under the other reading of OQ-B10 (start: first-of-month)', () => {
    const c: StatusContext = { ...context(['2024-03']), windowRule: { ...pcs.qualificationWindow!, start: 'first-of-month' } };
    expect(status(c, none, '2024-08-31')).toMatchObject({ status: 'qualified', window: { from: '2024-03-01' } });
    expect(status(c, none, '2024-09-01').status).toBe('in-progress');
  });
  it('before 2023-09-19: qualified for the 30 days it has to enrol after a qualifying day', () => {
    const c = context(['2023-06']);
    expect(status(c, none, '2023-07-30')).toMatchObject({ status: 'qualified', window: { from: '2023-06-30' } });
    expect(status(c, none, '2023-07-31').status).toBe('in-progress');
    // The other reading of ST-3: on the qualifying day only.
    const dayOnly = context(['2023-06'], { earlierQualifiedDays: 0 });
    expect(status(dayOnly, none, '2023-06-30').status).toBe('qualified');
    expect(status(dayOnly, none, '2023-07-01').status).toBe('in-progress');
  });
  it('the six-month window takes effect on 2023-09-19: the day before, the 30 days', () => {
    const c = context(['2023-07']);
    expect(status(c, none, '2023-09-18')).toMatchObject({ status: 'in-progress', window: { from: '2023-08-19' } });
    expect(status(c, none, '2023-09-19')).toMatchObject({ status: 'qualified', window: { from: '2023-04-19' }, qualifiedOn: '2023-07-31' });
  });
});

describe('an enrolled partner', () => {
  const enrolled: Enrolment = { kind: 'enrolled', date: d('2023-11-15') };
  it('stays enrolled after its score drops, until the renewal window opens on the first day of the anniversary month − 5', () => {
    const c = context(['2023-10']);
    expect(status(c, enrolled, '2023-11-14').status).toBe('qualified');
    expect(status(c, enrolled, '2023-11-15')).toMatchObject({ status: 'enrolled', enrolledOn: '2023-11-15', anniversary: '2024-11-15' });
    expect(status(c, enrolled, '2024-05-31')).toMatchObject({
      status: 'enrolled',
      window: { kind: 'renewal', from: '2024-06-01', to: '2024-11-30' },
    });
    expect(status(c, enrolled, '2024-06-01').status).toBe('renewal-due');
  });
  it('without qualifying in the window: renewal due until the window closes at the end of the anniversary month, then lapsed', () => {
    const c = context(['2023-10']);
    expect(status(c, enrolled, '2024-11-14').status).toBe('renewal-due');
    expect(status(c, enrolled, '2024-11-15').status).toBe('renewal-due');
    expect(status(c, enrolled, '2024-11-30').status).toBe('renewal-due');
    expect(status(c, enrolled, '2024-12-01')).toMatchObject({
      status: 'in-progress',
      enrolledOn: null,
      anniversary: null,
      lapsedOn: '2024-12-01',
    });
    // The other reading of ST-2: the window closes on the anniversary.
    const closes = context(['2023-10'], { renewalWindowEnd: 'anniversary' });
    expect(status(closes, enrolled, '2024-11-15').status).toBe('renewal-due');
    expect(status(closes, enrolled, '2024-11-16')).toMatchObject({ status: 'in-progress', lapsedOn: '2024-11-16' });
  });
  it('qualifying in the window renews it: renewal due until the anniversary, then enrolled for another year', () => {
    const c = context(['2023-10', '2024-08']);
    expect(status(c, enrolled, '2024-08-30')).toMatchObject({ status: 'renewal-due', qualifiedOn: null });
    expect(status(c, enrolled, '2024-08-31')).toMatchObject({ status: 'renewal-due', qualifiedOn: '2024-08-31' });
    expect(status(c, enrolled, '2024-11-14').status).toBe('renewal-due');
    expect(status(c, enrolled, '2024-11-15')).toMatchObject({
      status: 'enrolled',
      anniversary: '2025-11-15',
      window: { from: '2025-06-01', to: '2025-11-30' },
    });
  });
  it('qualifying after the anniversary, in its month, still renews (the window runs to the month end)', () => {
    const c = context(['2023-10', '2024-11']);
    expect(status(c, enrolled, '2024-11-29').status).toBe('renewal-due');
    expect(status(c, enrolled, '2024-11-30')).toMatchObject({ status: 'enrolled', anniversary: '2025-11-15' });
  });
  it('an anniversary before 2023-09-19 (shared with an earlier designation) renews in the 30 days after it', () => {
    const shared: Enrolment = { kind: 'enrolled', date: d('2022-12-01'), anniversary: d('2023-06-20') };
    const lapses = context([]);
    expect(status(lapses, shared, '2023-06-19')).toMatchObject({ status: 'enrolled', window: { from: '2023-06-20', to: '2023-07-20' } });
    expect(status(lapses, shared, '2023-06-20').status).toBe('renewal-due');
    expect(status(lapses, shared, '2023-07-20').status).toBe('renewal-due');
    expect(status(lapses, shared, '2023-07-21')).toMatchObject({ status: 'in-progress', lapsedOn: '2023-07-21' });
    const renews = context(['2023-06']);
    expect(status(renews, shared, '2023-06-30')).toMatchObject({
      status: 'enrolled',
      anniversary: '2024-06-20',
      window: { from: '2024-01-01', to: '2024-06-30' },
    });
    // The other reading of ST-1: on the anniversary itself.
    const onTheDay = context(['2023-06'], { earlierRenewalDays: 0 });
    expect(status(onTheDay, shared, '2023-06-21')).toMatchObject({ status: 'in-progress', lapsedOn: '2023-06-21' });
  });
  it('a legacy Gold/Silver partner is enrolled on its first qualifying day, unless the switch is off', () => {
    const legacy: Enrolment = { kind: 'legacy' };
    const c = context(['2023-10', '2023-11']);
    expect(status(c, legacy, '2023-10-30').status).toBe('in-progress');
    expect(status(c, legacy, '2023-10-31')).toMatchObject({ status: 'enrolled', enrolledOn: '2023-10-31', anniversary: '2024-10-31' });
    expect(status(context(['2023-10'], { legacyAutoEnrol: false }), legacy, '2023-10-31').status).toBe('qualified');
  });
});

describe('the enrolment given is checked', () => {
  const names = { enrolled: '--enrolled', anniversary: '--anniversary' };
  it('no earlier than designations existed, no later than the last day judged, its anniversary within its first year', () => {
    const at = (date: string, anniversary?: string): Enrolment => ({
      kind: 'enrolled',
      date: d(date),
      ...(anniversary ? { anniversary: d(anniversary) } : {}),
    });
    expect(enrolmentProblems(rules, at('2022-10-03'), d('2024-01-31'), names)).toEqual([]);
    expect(enrolmentProblems(rules, at('2022-10-02'), d('2024-01-31'), names).map((p) => [p.record, p.code])).toEqual([
      ['--enrolled', 'enrolmentBeforeDesignations'],
    ]);
    expect(enrolmentProblems(rules, at('2024-02-01'), d('2024-01-31'), names).map((p) => p.code)).toEqual(['enrolmentAfterLastDate']);
    expect(enrolmentProblems(rules, at('2023-01-10', '2023-01-10'), d('2024-01-31'), names).map((p) => p.code)).toEqual([
      'anniversaryOutsideYear',
    ]);
    expect(enrolmentProblems(rules, at('2023-01-10', '2024-01-11'), d('2024-01-31'), names).map((p) => p.record)).toEqual([
      '--anniversary',
    ]);
    expect(enrolmentProblems(rules, at('2023-01-10', '2024-01-10'), d('2024-01-31'), names)).toEqual([]);
  });
});

describe('partnerStatus from records', () => {
  it('reads the bundled example: P-CONTOSO qualifies in October 2023, and nothing judges PCI months (no statuses)', () => {
    const records = JSON.parse(readFileSync('examples/business-applications-scored.json', 'utf8')) as ScoringRecords;
    const data = datasetOf(records, versions);
    expect(partnerStatus(versions, data, 'P-CONTOSO', none, d('2023-10-31'))).toMatchObject({
      status: 'qualified',
      qualifiedOn: '2023-10-31',
    });
    expect(partnerStatus(versions, data, 'P-CONTOSO', { kind: 'legacy' }, d('2023-10-31'))?.status).toBe('enrolled');
    expect(partnerStatus(versions, data, 'P-FABRIKAM', none, d('2020-11-30'))).toBeUndefined();
  });
});
