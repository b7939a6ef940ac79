/**
 * The worked examples of the points-based specification (§A.11, §B.8) scored
 * by the bundled scored definition, and the rules around them: association
 * precedence per metric, windows' months, the track, the qualification.
 */
import { describe, expect, it } from 'vitest';
import {
  compareRational,
  monthIndex,
  qualificationWindow,
  scoreOutlook,
  rational,
  scorePartner,
  scoredVersionOn,
  toDecimalText,
  type IsoDate,
  type ScoreReport,
} from '../src/engine/index.js';
import { readScoredDefinitions } from '../src/files/scored-files.js';
import { bill, datasetOf, emptyRecords, peopleHolding, peopleWith, seatsFor, tenantWith, type Records } from './support/scoring.js';
import { aEx2, bEx4, bEx5 } from './support/scoring-examples.js';

const read = readScoredDefinitions();
if (!read.ok) throw new Error(JSON.stringify(read.problems));
const versions = read.versions;
const version = (date: string) => scoredVersionOn(versions, date as IsoDate)!;

const metric = (report: ScoreReport, path: string, id: string) =>
  report.paths.find((p) => p.id === path)!.metrics.find((m) => m.id === id)!;
const points = (report: ScoreReport, path: string, id: string): string => toDecimalText(metric(report, path, id).points, 4);
const total = (report: ScoreReport, path: string): string => toDecimalText(report.paths.find((p) => p.id === path)!.total, 4);

describe('Partner Contribution Indicators (spec §A.11)', () => {
  const v = version('2020-11-30');
  it('A-Ex2: 78 points on the Finance and Operations path, Silver', () => {
    const report = scorePartner(v, datasetOf(aEx2(27), versions), 'P', monthIndex('2020-11'));
    expect(report.segment).toBe('developed');
    const fo = 'finance-and-operations';
    expect([
      points(report, fo, 'net-new-revenue'),
      points(report, fo, 'net-customer-adds'),
      points(report, fo, 'functional-consultants'),
      points(report, fo, 'functional-consultant-growth'),
      points(report, fo, 'developers'),
      points(report, fo, 'new-large-deployments'),
      points(report, fo, 'monthly-active-user-growth'),
    ]).toEqual(['10', '6.6667', '15', '15', '3', '13.3333', '15']);
    expect(total(report, fo)).toBe('78');
    expect(report.paths.find((p) => p.id === fo)!.band).toBe('silver');
    expect(report.band).toBe('silver');
    expect(metric(report, fo, 'net-customer-adds').details).toEqual({ adds: 4, losses: 2 });
  });
  it('A-Ex2: 28 consultants change nothing; 26 lose the growth points (63, still Silver)', () => {
    const v28 = scorePartner(v, datasetOf(aEx2(28), versions), 'P', monthIndex('2020-11'));
    expect(total(v28, 'finance-and-operations')).toBe('78');
    const v26 = scorePartner(v, datasetOf(aEx2(26), versions), 'P', monthIndex('2020-11'));
    expect(points(v26, 'finance-and-operations', 'functional-consultant-growth')).toBe('0');
    expect(total(v26, 'finance-and-operations')).toBe('63');
    expect(v26.band).toBe('silver');
    // What growth still needs: one more consultant (ceil(20 × 1.35) = 27).
    expect(metric(v26, 'finance-and-operations', 'functional-consultant-growth').next).toMatchObject({
      value: '27',
      more: '1',
      costUnit: 'people',
    });
  });
  it('A-Ex1: $150,000 of net new revenue in a developed market earns 5 of 10 points, and the next point costs $30,000', () => {
    const r = emptyRecords();
    r.partners.push({ id: 'P', country: 'US' });
    bill(r, tenantWith(r, 'T', 'D365-SALES', 'P', 'CSP'), '2020-10', '150000');
    const report = scorePartner(v, datasetOf(r, versions), 'P', monthIndex('2020-11'));
    const nnr = metric(report, 'customer-engagement', 'net-new-revenue');
    expect(toDecimalText(nnr.points)).toBe('5');
    expect(nnr.full).toBe('30000000');
    expect(nnr.next).toEqual({ value: '18000000', points: '6', more: '3000000', costUnit: 'usd-cents' });
  });
  it('A-Ex4: a lost customer costs every associated partner (2020) or only those credited with its add (2021 reading)', () => {
    const r = emptyRecords();
    for (const p of ['P1', 'P2', 'P3']) r.partners.push({ id: p, country: 'US' });
    const s = tenantWith(r, 'C', 'D365-SALES', 'P1', 'CSP', '2020-06');
    r.associations.push({ partnerId: 'P2', subscriptionId: s, type: 'DPOR', from: '2020-06' });
    r.associations.push({ partnerId: 'P3', subscriptionId: s, type: 'DPOR', from: '2020-08' });
    seatsFor(r, s, '2020-06', '2020-11', 10);
    const data = datasetOf(r, versions);
    const adds = (p: string, m: string) =>
      metric(scorePartner(v, data, p, monthIndex(m)), 'customer-engagement', 'net-customer-adds').details;
    expect(adds('P1', '2020-11')).toEqual({ adds: 1, losses: 0 });
    expect(adds('P3', '2020-11')).toEqual({ adds: 0, losses: 0 });
    // Lost in December: all three lose a credit under the 2020 rules.
    expect(adds('P1', '2020-12')).toEqual({ adds: 1, losses: 1 });
    expect(adds('P3', '2020-12')).toEqual({ adds: 0, losses: 1 });
    // The 2021-05-28 reading, as a switch of the data: only partners credited with the add lose it.
    const later = {
      ...v,
      paths: v.paths.map((p) => ({
        ...p,
        metrics: p.metrics.map((m) => (m.kind === 'net-customer-adds' ? { ...m, losses: 'credited-within-12-months' as const } : m)),
      })),
    };
    const adds21 = (p: string) =>
      metric(scorePartner(later, data, p, monthIndex('2020-12')), 'customer-engagement', 'net-customer-adds').details;
    expect(adds21('P1')).toEqual({ adds: 1, losses: 1 });
    expect(adds21('P3')).toEqual({ adds: 0, losses: 0 });
  });
  it('A-Ex3: option two (2020-12-16) gives growth points for 24 months from the anniversary', () => {
    const r = emptyRecords();
    r.partners.push({ id: 'P', country: 'US' });
    peopleWith(r, 'P', 52, ['PL-200', 'MB-210'], '2021-03-01');
    r.baselines.push({ partnerId: 'P', metric: 'functional-consultant-growth', kind: 'anniversary', date: '2021-06-30', count: 52 });
    const data = datasetOf(r, versions);
    const fcg = (m: string) =>
      metric(scorePartner(version('2021-02-03'), data, 'P', monthIndex(m)), 'customer-engagement', 'functional-consultant-growth');
    expect(toDecimalText(fcg('2021-05').points)).toBe('0');
    expect(fcg('2021-06')).toMatchObject({ note: 'anniversaryOption' });
    expect(toDecimalText(fcg('2023-05').points)).toBe('15');
    expect(toDecimalText(fcg('2023-06').points)).toBe('0');
  });
  it('A-Ex5: a tenant crosses the usage threshold only from below it twelve months earlier', () => {
    const r = emptyRecords();
    r.partners.push({ id: 'P', country: 'US' });
    for (const [t, before, after] of [
      ['T1', 200, 260],
      ['T2', 300, 400],
    ] as const) {
      tenantWith(r, t, 'D365-SALES', 'P', 'DPOR');
      r.usage.push({ tenantId: t, workload: 'D365-SALES', month: '2020-11', units: before });
      r.usage.push({ tenantId: t, workload: 'D365-SALES', month: '2021-06', units: after });
      r.instances.push({ id: `${t}-a`, tenantId: t, group: 'customer-engagement', production: true });
      r.instances.push({ id: `${t}-b`, tenantId: t, group: 'customer-engagement', production: true });
    }
    const data = datasetOf(r, versions);
    const nld = metric(scorePartner(v, data, 'P', monthIndex('2021-11')), 'customer-engagement', 'new-large-deployments');
    expect(nld.value).toBe('2');
    expect(nld.details).toEqual({ tenants: 1 });
    // The tenant reading (OQ-A4) counts one.
    const tenants = {
      ...v,
      paths: v.paths.map((p) => ({
        ...p,
        metrics: p.metrics.map((m) => (m.kind === 'usage-crossings' ? { ...m, count: 'tenants' as const } : m)),
      })),
    };
    expect(metric(scorePartner(tenants, data, 'P', monthIndex('2021-11')), 'customer-engagement', 'new-large-deployments').value).toBe('1');
    // Crossing in M-12 itself is the baseline month, not the window (M-11 … M-1).
    expect(metric(scorePartner(v, data, 'P', monthIndex('2022-06')), 'customer-engagement', 'new-large-deployments').value).toBe('0');
  });
});

describe('association precedence per metric (OQ-A8)', () => {
  const v = version('2020-11-30');
  const r = emptyRecords();
  for (const p of ['OSA', 'D', 'C']) r.partners.push({ id: p, country: 'US' });
  const s = tenantWith(r, 'T', 'D365-SALES', 'OSA', 'CPOR-OSA');
  r.associations.push({ partnerId: 'D', subscriptionId: s, type: 'DPOR', from: '2015-01' });
  r.associations.push({ partnerId: 'C', subscriptionId: s, type: 'CSP', from: '2015-01' });
  bill(r, s, '2020-10', '30000');
  r.usage.push({ tenantId: 'T', workload: 'D365-SALES', month: '2019-11', units: 300 });
  r.usage.push({ tenantId: 'T', workload: 'D365-SALES', month: '2020-11', units: 360 });
  const data = datasetOf(r, versions);
  const of = (p: string, id: string) => metric(scorePartner(v, data, p, monthIndex('2020-11')), 'customer-engagement', id).value;
  it('a revenue claim takes the revenue from the DPOR; CSP keeps its own credit', () => {
    expect([of('OSA', 'net-new-revenue'), of('D', 'net-new-revenue'), of('C', 'net-new-revenue')]).toEqual(['3000000', '0', '3000000']);
  });
  it('the DPOR keeps the usage, which a revenue claim does not cover', () => {
    expect([of('OSA', 'monthly-active-user-growth'), of('D', 'monthly-active-user-growth'), of('C', 'monthly-active-user-growth')]).toEqual(
      ['0', '20', '20'],
    );
  });
  it('an unpaid subscription credits nobody', () => {
    const unpaid = emptyRecords();
    unpaid.partners.push({ id: 'P', country: 'US' });
    const id = tenantWith(unpaid, 'T', 'D365-SALES', 'P', 'DPOR');
    unpaid.subscriptions[0] = { ...unpaid.subscriptions[0]!, paid: false };
    bill(unpaid, id, '2020-10', '30000');
    expect(
      metric(scorePartner(v, datasetOf(unpaid, versions), 'P', monthIndex('2020-11')), 'customer-engagement', 'net-new-revenue').value,
    ).toBe('0');
  });
});

describe('windows in months (OQ-A17)', () => {
  const v = version('2020-11-30');
  const r = emptyRecords();
  r.partners.push({ id: 'P', country: 'US' });
  const s = tenantWith(r, 'T', 'D365-SALES', 'P', 'DPOR');
  bill(r, s, '2019-11', '100');
  bill(r, s, '2019-12', '10');
  bill(r, s, '2020-11', '1');
  bill(r, s, '2020-12', '1000');
  const data = datasetOf(r, versions);
  it('TTM as of November 2020 is December 2019 … November 2020', () => {
    expect(metric(scorePartner(v, data, 'P', monthIndex('2020-11')), 'customer-engagement', 'net-new-revenue').value).toBe('1100');
  });
  it('an Enterprise Agreement line counts only in the agreement’s first year', () => {
    const ea = emptyRecords();
    ea.partners.push({ id: 'P', country: 'US' });
    ea.tenants.push({ id: 'T', country: 'US' });
    ea.subscriptions.push({ id: 'S', tenantId: 'T', product: 'D365-SALES', paid: true, channel: 'EA', agreementStart: '2019-06' });
    ea.associations.push({ partnerId: 'P', subscriptionId: 'S', type: 'DPOR', from: '2019-01' });
    bill(ea, 'S', '2020-05', '100');
    bill(ea, 'S', '2020-06', '1000');
    expect(
      metric(scorePartner(v, datasetOf(ea, versions), 'P', monthIndex('2020-11')), 'customer-engagement', 'net-new-revenue').value,
    ).toBe('10000');
  });
  it('the market: developed as soon as one credited customer is in a developed market', () => {
    const mixed = emptyRecords();
    mixed.partners.push({ id: 'P', country: 'IN' });
    tenantWith(mixed, 'T1', 'D365-SALES', 'P', 'DPOR', '2015-01', 'IN');
    expect(scorePartner(v, datasetOf(mixed, versions), 'P', monthIndex('2020-11')).segment).toBe('developing');
    tenantWith(mixed, 'T2', 'D365-SALES', 'P', 'DPOR', '2015-01', 'FR');
    expect(scorePartner(v, datasetOf(mixed, versions), 'P', monthIndex('2020-11')).segment).toBe('developed');
  });
});

describe('Partner Capability Score (spec §B.8)', () => {
  const v = version('2023-10-31');
  it('B-Ex4: Enterprise, 71.43 points, qualified', () => {
    const report = scorePartner(v, datasetOf(bEx4(), versions), 'P', monthIndex('2023-10'));
    expect(report.segment).toBe('enterprise');
    const ba = 'business-applications';
    expect(
      ['net-customer-adds', 'intermediate-certifications', 'advanced-certifications', 'usage-growth', 'deployments'].map((m) =>
        points(report, ba, m),
      ),
    ).toEqual(['12', '16', '6.4286', '25', '12']);
    expect(compareRational(report.paths[0]!.total, rational(500, 7))).toBe(0);
    expect(report.band).toBe('qualified');
  });
  it('B-Ex4 under the alternative reading of OQ-B4 (2.14 a person): 6.42', () => {
    const literal = {
      ...v,
      paths: v.paths.map((p) => ({
        ...p,
        metrics: p.metrics.map((m) =>
          m.id === 'advanced-certifications'
            ? { ...m, points: { ...m.points, partial: 'per-unit' as const, perUnit: { enterprise: '2.14', smb: '7.5' } } }
            : m,
        ),
      })),
    };
    expect(
      points(
        scorePartner(literal, datasetOf(bEx4(), versions), 'P', monthIndex('2023-10')),
        'business-applications',
        'advanced-certifications',
      ),
    ).toBe('6.42');
  });
  it('B-Ex5: SMB, 62.5 points and usage growth at 0: not qualified on both counts', () => {
    const report = scorePartner(v, datasetOf(bEx5(false), versions), 'P', monthIndex('2023-10'));
    expect(report.segment).toBe('smb');
    expect(total(report, 'business-applications')).toBe('62.5');
    expect(metric(report, 'business-applications', 'usage-growth').note).toBe('underBaselineGate');
    expect(report.paths[0]!.belowMinimum).toEqual(['usage-growth']);
    expect(report.band).toBeNull();
  });
  it('B-Ex5 with a 26,000 baseline and 26,520 now (+2%): 64.5, still not qualified', () => {
    const report = scorePartner(v, datasetOf(bEx5(true), versions), 'P', monthIndex('2023-10'));
    expect(points(report, 'business-applications', 'usage-growth')).toBe('2');
    expect(total(report, 'business-applications')).toBe('64.5');
    expect(report.paths[0]!.belowMinimum).toEqual([]);
    expect(report.band).toBeNull();
    expect(toDecimalText(report.paths[0]!.nextBand!.pointsNeeded)).toBe('5.5');
    // The next usage point: 3% growth, 260 more consumption (26,000 × 1.03 − 26,520).
    expect(metric(report, 'business-applications', 'usage-growth').next).toEqual({
      value: '3',
      points: '3',
      more: '260',
      costUnit: 'consumption',
    });
  });
  it('B-Ex1: consumption is users (or profiles) × rate', () => {
    const r = emptyRecords();
    r.partners.push({ id: 'P', country: 'US' });
    tenantWith(r, 'T', 'BUSINESS-CENTRAL', 'P', 'DPOR');
    tenantWith(r, 'T', 'CUSTOMER-INSIGHTS', 'P', 'PAL');
    r.usage.push({ tenantId: 'T', workload: 'BUSINESS-CENTRAL', month: '2023-10', units: 10 });
    r.usage.push({ tenantId: 'T', workload: 'CUSTOMER-INSIGHTS', month: '2023-10', units: 50000 });
    r.usage.push({ tenantId: 'T', workload: 'BUSINESS-CENTRAL', month: '2022-10', units: 60 });
    const report = scorePartner(v, datasetOf(r, versions), 'P', monthIndex('2023-10'));
    expect(metric(report, 'business-applications', 'usage-growth').details).toMatchObject({ current: '20000', baseline: '60000' });
    expect(metric(report, 'business-applications', 'deployments').details).toEqual({ current: 2, baseline: 1 });
  });
  it('B-Ex6: five (tenant, workload) pairs over $5,000 in M-1 and M-13 across tenants is Enterprise; per tenant it is SMB', () => {
    const r = emptyRecords();
    r.partners.push({ id: 'P', country: 'US' });
    for (const [t, w] of [
      ['T1', 'SALES'],
      ['T1', 'CUSTOMER-SERVICE'],
      ['T2', 'FINANCE'],
      ['T3', 'POWER-APPS'],
      ['T3', 'BUSINESS-CENTRAL'],
    ] as const) {
      const s = tenantWith(r, t, w, 'P', 'DPOR');
      bill(r, s, '2023-09', '5000.01');
      bill(r, s, '2022-09', '5000.01');
    }
    const data = datasetOf(r, versions);
    expect(scorePartner(v, data, 'P', monthIndex('2023-10')).segment).toBe('enterprise');
    const perTenant = { ...v, segmentation: { ...v.segmentation, per: 'one-tenant' as const } } as typeof v;
    expect(scorePartner(perTenant, data, 'P', monthIndex('2023-10')).segment).toBe('smb');
    // Exactly $5,000 is not more than $5,000.
    const r2 = structuredClone(r);
    r2.billing[0] = { ...r2.billing[0]!, amountUsd: '5000' };
    expect(scorePartner(v, datasetOf(r2, versions), 'P', monthIndex('2023-10')).segment).toBe('smb');
  });
  it('certifications stop counting on the date the definition gives', () => {
    const r = emptyRecords();
    r.partners.push({ id: 'P', country: 'US' });
    peopleHolding(r, 'P', 1, 'power-platform-app-maker');
    const data = datasetOf(r, versions);
    const count = (m: string) =>
      metric(scorePartner(v, data, 'P', monthIndex(m)), 'business-applications', 'intermediate-certifications').value;
    expect([count('2023-11'), count('2023-12')]).toEqual(['1', '0']);
  });
});

describe('the way to the next band', () => {
  it('A-Ex2, Silver to Gold: 2 points, and what each metric would need alone', () => {
    const report = scorePartner(version('2020-11-30'), datasetOf(aEx2(27), versions), 'P', monthIndex('2020-11'));
    const fo = report.paths.find((p) => p.id === 'finance-and-operations')!;
    expect(fo.nextBand && [fo.nextBand.id, toDecimalText(fo.nextBand.pointsNeeded)]).toEqual(['gold', '2']);
    expect(fo.routes.map((r) => [r.metric, r.value, r.more, r.costUnit])).toEqual([
      ['net-customer-adds', '3', '1', 'customers'],
      ['developers', '5', '2', 'people'],
      ['new-large-deployments', '3', '1', 'deployments'],
      ['monthly-active-user-growth', '17', '8', 'active-users'],
    ]);
  });
});

describe('qualification window and outlook', () => {
  it('A-Ex2 held at November 2020: Silver until the March 2021 adds leave the window', () => {
    const outlook = scoreOutlook(versions, datasetOf(aEx2(27), versions), 'P', monthIndex('2020-11'), 6);
    expect(outlook.months.map((m) => [m.month, m.version, m.band])).toEqual([
      ['2020-11', '2020-09-16', 'silver'],
      ['2020-12', '2020-12-16', 'silver'],
      ['2021-01', '2020-12-16', 'silver'],
      ['2021-02', '2021-02-03', 'silver'],
      ['2021-03', '2021-03-26', null],
      ['2021-04', '2021-03-26', null],
      ['2021-05', '2021-05-28', null],
    ]);
    expect(outlook.firstDrop).toEqual({ month: '2021-03', from: 'silver', to: null });
  });
  it('from 2023-09-19 a partner qualified at one month-end of the last six is qualified', () => {
    const data = datasetOf(bEx4(), versions);
    const later = qualificationWindow(versions, data, 'P', monthIndex('2024-03'))!;
    expect([later.from, later.to, later.band]).toEqual(['2023-10', '2024-03', 'qualified']);
    expect(later.months.map((m) => m.band)).toEqual(['qualified', null, null, null, null, null]);
    const before = qualificationWindow(versions, data, 'P', monthIndex('2023-08'))!;
    expect([before.from, before.to]).toEqual(['2023-08', '2023-08']);
  });
});

describe('the minimum per metric (OQ-B6)', () => {
  const v = version('2023-10-31');
  /** 70 points with usage growth at 0.5%: above zero unrounded, zero when floored. */
  function nearlyZero(): Records {
    const r = emptyRecords();
    r.partners.push({ id: 'P', country: 'US' });
    for (let i = 1; i <= 5; i++) bill(r, tenantWith(r, `N${i}`, 'SALES', 'P', 'DPOR'), '2023-10', '250');
    peopleHolding(r, 'P', 5, 'data-analyst-associate');
    peopleHolding(r, 'P', 2, 'power-platform-solution-architect-expert');
    // Five deployments now (5,000 each), none a year ago (4,900 each), and 4,000 → 3,642.5 of Power BI: 28,500 → 28,642.5 (+0.5%).
    for (let i = 1; i <= 5; i++) {
      tenantWith(r, `D${i}`, 'BUSINESS-CENTRAL', 'P', 'DPOR');
      r.usage.push({ tenantId: `D${i}`, workload: 'BUSINESS-CENTRAL', month: '2023-10', units: 5 });
      r.usage.push({ tenantId: `D${i}`, workload: 'BUSINESS-CENTRAL', month: '2022-10', units: '4.9' });
    }
    tenantWith(r, 'X', 'POWER-BI', 'P', 'PAL');
    r.usage.push({ tenantId: 'X', workload: 'POWER-BI', month: '2023-10', units: '18.2125' });
    r.usage.push({ tenantId: 'X', workload: 'POWER-BI', month: '2022-10', units: 20 });
    return r;
  }
  const withGrowth = (
    points: Partial<{ rounding: { mode: 'none' | 'floor' | 'nearest'; step: number } }>,
    minimum: { points: number; strict: boolean },
  ) => ({
    ...v,
    minimumPerMetric: minimum,
    paths: v.paths.map((p) => ({
      ...p,
      metrics: p.metrics.map((m) => (m.id === 'usage-growth' ? { ...m, points: { ...m.points, ...points } } : m)),
    })),
  });
  const data = datasetOf(nearlyZero(), versions);
  it('a metric at 0 points keeps the path from qualifying, whatever the total', () => {
    const report = scorePartner(v, data, 'P', monthIndex('2023-10'));
    expect(metric(report, 'business-applications', 'usage-growth').value).toBe('0.5');
    expect([total(report, 'business-applications'), report.paths[0]!.belowMinimum, report.band]).toEqual(['70', ['usage-growth'], null]);
    expect(report.paths[0]!.toMinimum).toEqual([
      { metric: 'usage-growth', next: { value: '1', points: '1', more: '142.5', costUnit: 'consumption' } },
    ]);
  });
  it('unrounded, 0.5 points is above zero (qualified) but not at least one point (not qualified)', () => {
    const above = scorePartner(
      withGrowth({ rounding: { mode: 'none', step: 1 } }, { points: 0, strict: true }),
      data,
      'P',
      monthIndex('2023-10'),
    );
    expect([total(above, 'business-applications'), above.band]).toEqual(['70.5', 'qualified']);
    const atLeastOne = scorePartner(
      withGrowth({ rounding: { mode: 'none', step: 1 } }, { points: 1, strict: false }),
      data,
      'P',
      monthIndex('2023-10'),
    );
    expect(atLeastOne.band).toBeNull();
  });
});

describe('baselines per path', () => {
  it('a baseline naming its path (path/metric) is that path’s alone; one naming the metric serves every path without its own', () => {
    const r = aEx2(27);
    r.baselines.push({
      partnerId: 'P',
      metric: 'customer-engagement/functional-consultant-growth',
      kind: 'baseline',
      date: '2020-10-01',
      count: 40,
    });
    const report = scorePartner(version('2020-11-30'), datasetOf(r, versions), 'P', monthIndex('2020-11'));
    expect(metric(report, 'customer-engagement', 'functional-consultant-growth').details).toMatchObject({ baseline: 40 });
    expect(metric(report, 'finance-and-operations', 'functional-consultant-growth').details).toMatchObject({ baseline: 20 });
  });
});
