/**
 * The PCI revisions of 2021 after 2021-02-03 (spec §A.7.3, §A.8, §A.4.2), each at its edges:
 * - 2021-03-11: from a baseline of 50 (25) consultants there is no growth target, only Option two;
 * - 2021-03-26: the market per metric — customer location for net new revenue, net customer adds, new large
 *   deployments and monthly active user growth; partner location for consultants, their growth and developers;
 * - 2021-05-28: a lost customer takes back only the add credits given in the 12 months before the loss.
 * And the customers' market (OQ-A7): developed when any credited customer is, else the market all credited
 * customers are in, else (no customer) the partner's own country.
 */
import { describe, expect, it } from 'vitest';
import { monthIndex, scorePartner, scoredVersionOn, toDecimalText, type IsoDate, type ScoreReport } from '../src/engine/index.js';
import { readScoredDefinitions } from '../src/files/scored-files.js';
import { renderScoreTable } from '../src/render/score-table.js';
import { renderScoredPage } from '../src/docs/scored-page.js';
import { translator } from '../src/i18n/index.js';
import { bill, datasetOf, emptyRecords, month, peopleWith, seatsFor, tenantWith, type Records } from './support/scoring.js';

const read = readScoredDefinitions();
if (!read.ok) throw new Error(JSON.stringify(read.problems));
const versions = read.versions;
const byDate = (date: string) => versions.find((v) => v.effectiveFrom === date)!;

const metric = (report: ScoreReport, path: string, id: string) =>
  report.paths.find((p) => p.id === path)!.metrics.find((m) => m.id === id)!;
const points = (report: ScoreReport, path: string, id: string): string => toDecimalText(metric(report, path, id).points, 4);
const CE = 'customer-engagement';

describe('which version judges the 2021 dates', () => {
  it('2021-02-03 until 2021-03-10, then 2021-03-11, 2021-03-26 and 2021-05-28, the last ending on 2022-09-30', () => {
    const on = (d: string) => scoredVersionOn(versions, d as IsoDate)?.effectiveFrom ?? null;
    expect(
      ['2021-03-10', '2021-03-11', '2021-03-25', '2021-03-26', '2021-05-27', '2021-05-28', '2022-09-30', '2022-10-01'].map(on),
    ).toEqual(['2021-02-03', '2021-03-11', '2021-03-11', '2021-03-26', '2021-03-26', '2021-05-28', '2021-05-28', null]);
  });
  it('cites the fr-FR commit of each revision', () => {
    expect(
      ['2021-03-11', '2021-03-26', '2021-05-28'].map((d) =>
        byDate(d).source.map((s) => ('commit' in s ? [s.repository, s.commit.slice(0, 8)] : [s.page])),
      ),
    ).toEqual([
      [['MicrosoftDocs/partner-center-pr.fr-fr', '177a2a92']],
      [['MicrosoftDocs/partner-center-pr.fr-fr', 'cf1bd4ed']],
      [['MicrosoftDocs/partner-center-pr.fr-fr', '67bb3955']],
    ]);
  });
});

/** A developed partner with `baseline` consultants on 2020-10-01 and `now` certified Customer Engagement consultants. */
function growth(baseline: number, now: number, anniversary?: number): Records {
  const r = emptyRecords();
  r.partners.push({ id: 'P', country: 'US' });
  peopleWith(r, 'P', now, ['PL-200', 'MB-210']);
  r.baselines.push({ partnerId: 'P', metric: 'functional-consultant-growth', kind: 'baseline', date: '2020-10-01', count: baseline });
  if (anniversary !== undefined)
    r.baselines.push({
      partnerId: 'P',
      metric: 'functional-consultant-growth',
      kind: 'anniversary',
      date: '2021-04-01',
      count: anniversary,
    });
  return r;
}

describe('2021-03-11: no growth target from a baseline of 50', () => {
  const M = monthIndex('2021-04');
  it('50 consultants grown to 58 (15 % more) earn the growth points under 2021-02-03, not under 2021-03-11', () => {
    const data = datasetOf(growth(50, 58), versions);
    expect(points(scorePartner(byDate('2021-02-03'), data, 'P', M), CE, 'functional-consultant-growth')).toBe('15');
    const after = metric(scorePartner(byDate('2021-03-11'), data, 'P', M), CE, 'functional-consultant-growth');
    expect([toDecimalText(after.points), after.full]).toEqual(['0', null]);
  });
  it('49 is still under the 25 % row: 62 consultants (ceil(49 × 1.25) = 62) earn them, 61 do not', () => {
    const v = byDate('2021-03-11');
    expect(points(scorePartner(v, datasetOf(growth(49, 62), versions), 'P', M), CE, 'functional-consultant-growth')).toBe('15');
    expect(points(scorePartner(v, datasetOf(growth(49, 61), versions), 'P', M), CE, 'functional-consultant-growth')).toBe('0');
  });
  it('from 50, Option two is the way: 50 certified at the anniversary give the points for 24 months', () => {
    const report = scorePartner(byDate('2021-03-11'), datasetOf(growth(50, 50, 50), versions), 'P', M);
    expect([points(report, CE, 'functional-consultant-growth'), metric(report, CE, 'functional-consultant-growth').note]).toEqual([
      '15',
      'anniversaryOption',
    ]);
  });
});

/** A partner in `country` with one Customer Engagement customer in `customer` (if any) billing $150,000, and 5 consultants. */
function located(country: string, customer: string | null): Records {
  const r = emptyRecords();
  r.partners.push({ id: 'P', country });
  if (customer !== null) {
    const s = tenantWith(r, 'T1', 'D365-SALES', 'P', 'DPOR', '2015-01', customer);
    bill(r, s, '2021-04', '150000');
  }
  peopleWith(r, 'P', 5, ['PL-200', 'MB-210']);
  return r;
}

describe('2021-03-26: the market of each metric', () => {
  const M = monthIndex('2021-04');
  const v = byDate('2021-03-26');
  it('a partner registered in a developing market with a developed customer: revenue at developed thresholds, consultants at developing', () => {
    const report = scorePartner(v, datasetOf(located('IN', 'US'), versions), 'P', M);
    expect(report.segment).toBe('developed');
    const nnr = metric(report, CE, 'net-new-revenue');
    expect([nnr.full, toDecimalText(nnr.points), nnr.segment]).toEqual(['30000000', '5', undefined]);
    const fc = metric(report, CE, 'functional-consultants');
    // Five consultants are full points at the developing threshold (5), a third of them at the developed one (15).
    expect([fc.full, toDecimalText(fc.points), fc.segment]).toEqual(['5', '15', 'developing']);
    expect([metric(report, CE, 'developers').segment, metric(report, CE, 'functional-consultant-growth').segment]).toEqual([
      'developing',
      'developing',
    ]);
  });
  it('the same partner under 2021-03-11: every metric at developed thresholds', () => {
    const report = scorePartner(byDate('2021-03-11'), datasetOf(located('IN', 'US'), versions), 'P', M);
    const fc = metric(report, CE, 'functional-consultants');
    expect([fc.full, toDecimalText(fc.points), fc.segment]).toEqual(['15', '5', undefined]);
  });
  it('a partner registered in a developed market whose customers are all in developing markets: revenue at developing thresholds', () => {
    const report = scorePartner(v, datasetOf(located('US', 'IN'), versions), 'P', M);
    expect(report.segment).toBe('developing');
    expect([metric(report, CE, 'net-new-revenue').full, points(report, CE, 'net-new-revenue')]).toEqual(['15000000', '10']);
    expect(metric(report, CE, 'functional-consultants')).toMatchObject({ full: '15', segment: 'developed' });
  });
  it('no credited customer: the partner’s own country for every metric', () => {
    const report = scorePartner(v, datasetOf(located('IN', null), versions), 'P', M);
    expect(report.segment).toBe('developing');
    expect(metric(report, CE, 'functional-consultants').segment).toBeUndefined();
  });
  it('the score table names the market of a metric read elsewhere, in each language', () => {
    const report = scorePartner(v, datasetOf(located('IN', 'US'), versions), 'P', M);
    const en = renderScoreTable(report, v, undefined, translator('en'));
    expect(en).toMatch(/Functional consultants \(Developing markets\)\s+5 people/);
    expect(en).toContain('P, month 2021-04 (Developed markets)');
    expect(en).not.toMatch(/Net new revenue \(/);
    expect(renderScoreTable(report, v, undefined, translator('fr-FR'))).toContain('Consultants fonctionnels (Marchés en développement)');
    expect(renderScoreTable(report, v, undefined, translator('zh-TW'))).toContain('功能顧問（開發中市場）');
  });
  it('the page says which location each metric is measured by', () => {
    const en = renderScoredPage(v, translator('en'));
    expect(en).toContain('| Functional consultants (partner location) |');
    expect(en).toContain('| Net new revenue |');
    expect(en).toContain('Developed markets: $300,000.00; Developing markets: $150,000.00');
    expect(renderScoredPage(v, translator('fr-FR'))).toContain('Développeurs (emplacement du partenaire)');
    expect(renderScoredPage(v, translator('zh-TW'))).toContain('開發人員（合作夥伴所在地）');
    expect(renderScoredPage(byDate('2021-03-11'), translator('en'))).not.toContain('partner location');
  });
});

/**
 * Customer T1 is added in `added` with partner P associated (and credited); partner Q associates later; T1 is lost in
 * `lost`. Both still associated when it is lost.
 */
function lostCustomer(added: string, lost: string): Records {
  const r = emptyRecords();
  r.partners.push({ id: 'P', country: 'US' }, { id: 'Q', country: 'US' });
  const s = tenantWith(r, 'T1', 'D365-SALES', 'P', 'DPOR', '2015-01');
  r.associations.push({ partnerId: 'Q', subscriptionId: s, type: 'CSP', from: '2020-01' });
  seatsFor(r, s, added, month(lost, -1));
  return r;
}

describe('2021-05-28: who loses a credit when a customer is lost', () => {
  const nca = (date: string, r: Records, partner: string, m: string) =>
    metric(scorePartner(byDate(date), datasetOf(r, versions), partner, monthIndex(m)), CE, 'net-customer-adds').details;
  it('a partner associated after the add never had its credit: it loses one before 2021-05-28, none from it', () => {
    const r = lostCustomer('2019-06', '2021-06');
    expect(nca('2021-03-26', r, 'Q', '2021-06')).toEqual({ adds: 0, losses: 1 });
    expect(nca('2021-05-28', r, 'Q', '2021-06')).toEqual({ adds: 0, losses: 0 });
  });
  it('the partner credited with the add loses it when the loss comes within 12 months of the add, not after', () => {
    // Added 2020-07, lost 2021-07: the add (before the window M-11 … M) is 12 months before the loss: it is taken back.
    expect(nca('2021-05-28', lostCustomer('2020-07', '2021-07'), 'P', '2021-07')).toEqual({ adds: 0, losses: 1 });
    // Added 2020-06, lost 2021-07: 13 months before; under 2021-03-26 it still loses one.
    expect(nca('2021-05-28', lostCustomer('2020-06', '2021-07'), 'P', '2021-07')).toEqual({ adds: 0, losses: 0 });
    expect(nca('2021-03-26', lostCustomer('2020-06', '2021-07'), 'P', '2021-07')).toEqual({ adds: 0, losses: 1 });
  });
});
