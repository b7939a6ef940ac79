/**
 * The PCS revision of 2024-06-14 (docs/rules.md, section 15: OQ-B10 per revision date, B24-1, B24-2): the qualification
 * window in whole calendar months from that day, the spec's worked example B-Ex3 under it, the version of 2023-06-13
 * judging until the day before, and a window spanning both versions counting each month by its own version's band.
 */
import { describe, expect, it } from 'vitest';
import {
  monthIndex,
  partnerStatus,
  qualificationWindow,
  qualificationWindowOn,
  scoredVersionOn,
  scorePartner,
  statusOn,
  type IsoDate,
  type ScoredVersionDefinition,
} from '../src/engine/index.js';
import { readScoredDefinitions } from '../src/files/scored-files.js';
import { renderScoredPage } from '../src/docs/scored-page.js';
import { translator } from '../src/i18n/index.js';
import { datasetOf, statusContext } from './support/scoring.js';
import { bEx4 } from './support/scoring-examples.js';

const read = readScoredDefinitions();
if (!read.ok) throw new Error('the bundled scored definition does not read');
const versions: readonly ScoredVersionDefinition[] = read.versions;
const d = (text: string) => text as IsoDate;
const byDate = (date: string) => versions.find((v) => v.effectiveFrom === date)!;
const v2023 = byDate('2023-06-13');
const v2024 = byDate('2024-06-14');

const context = statusContext;

describe('the version of 2024-06-14', () => {
  it('follows the version of 2023-06-13 the day after its last day, and differs from it only where its sources do', () => {
    expect(scoredVersionOn(versions, d('2024-06-13'))?.effectiveFrom).toBe('2023-06-13');
    expect(scoredVersionOn(versions, d('2024-06-14'))?.effectiveFrom).toBe('2024-06-14');
    expect(v2024.qualificationWindow).toEqual({ effectiveFrom: '2023-09-19', months: 6, start: 'first-of-month' });
    expect(v2023.qualificationWindow?.start).toBe('same-day');
    // Metrics, bands, statuses and catalogs are the 2023 page's (B24-2: CSP credited in both).
    const same = (v: ScoredVersionDefinition) => ({
      paths: v.paths,
      bands: v.bands,
      statuses: v.statuses,
      workloads: v.workloads,
      certifications: v.certifications,
      segmentation: v.segmentation,
    });
    expect(same(v2024)).toEqual(same(v2023));
    const usage = v2024.paths[0]!.metrics.find((m) => m.id === 'usage-growth')!;
    expect('associations' in usage && usage.associations.eligible).toEqual(expect.arrayContaining(['CSP-TIER-1', 'CSP-TIER-2']));
    // Its sources: the 2023 files, and the two 2024 web pages.
    expect(v2024.source.map((s) => ('commit' in s ? s.path : s.page))).toEqual([
      'solutions-partner-business.md',
      'announcements/includes/september-2023/solutions-partner-update.md',
      'https://learn.microsoft.com/en-au/partner-center/membership/partner-capability-score',
      'https://techcommunity.microsoft.com/discussions/businessapplicationsforpartners/biz-apps-net-customer-add-how-to-drive-numbers-for-csp-and-ea/4061429',
    ]);
    expect(v2024.readings.map((r) => r.question)).toEqual(expect.arrayContaining(['OQ-B10', 'B24-1', 'B24-2']));
  });

  it('B-Ex3: not enrolled on 2024-08-15, the window is 2024-03-01 … 2024-08-15; with the 2023 rule it was from the same day', () => {
    expect(qualificationWindowOn(context(v2024, []), d('2024-08-15'))).toEqual({
      kind: 'qualification',
      from: '2024-03-01',
      to: '2024-08-15',
    });
    expect(qualificationWindowOn(context(v2024, []), d('2024-06-14')).from).toBe('2024-01-01');
    expect(qualificationWindowOn(context(v2023, []), d('2024-06-13')).from).toBe('2024-01-13');
  });

  it('B-Ex3: enrolled with the anniversary 2024-08-15, the renewal window is 2024-03-01 … 2024-08-31', () => {
    const enrolled = { kind: 'enrolled' as const, date: d('2023-08-15') };
    const c = context(v2024, []);
    expect(statusOn(c, enrolled, d('2024-02-29'))).toMatchObject({
      status: 'enrolled',
      window: { kind: 'renewal', from: '2024-03-01', to: '2024-08-31' },
    });
    expect(statusOn(c, enrolled, d('2024-03-01')).status).toBe('renewal-due');
    expect(statusOn(c, enrolled, d('2024-08-31')).status).toBe('renewal-due');
    expect(statusOn(c, enrolled, d('2024-09-01'))).toMatchObject({ status: 'in-progress', lapsedOn: '2024-09-01' });
  });
});

describe('a window across the two versions', () => {
  // B-Ex4's records for May 2024: qualified at the end of May 2024 alone, a month the 2023 version judges.
  const data = datasetOf(bEx4('2024-05'), versions);
  it('the partner qualifies in May 2024 under the 2023 version, and in no other month', () => {
    expect(scorePartner(v2023, data, 'P', monthIndex('2024-05')).band).toBe('qualified');
    expect(scorePartner(v2024, data, 'P', monthIndex('2024-06')).band).toBeNull();
  });
  it('counts May 2024 with its own band in the windows of June to October 2024, judged by the 2024 version', () => {
    const july = qualificationWindow(versions, data, 'P', monthIndex('2024-07'))!;
    expect([july.from, july.to, july.band]).toEqual(['2024-02', '2024-07', 'qualified']);
    expect(july.months.map((m) => [m.month, m.band])).toEqual([
      ['2024-02', null],
      ['2024-03', null],
      ['2024-04', null],
      ['2024-05', 'qualified'],
      ['2024-06', null],
      ['2024-07', null],
    ]);
    expect(qualificationWindow(versions, data, 'P', monthIndex('2024-10'))!.band).toBe('qualified');
    expect(qualificationWindow(versions, data, 'P', monthIndex('2024-11'))!.band).toBeNull();
  });
  it('the status: qualified until the window of whole months no longer holds May 31', () => {
    const none = { kind: 'none' as const };
    expect(partnerStatus(versions, data, 'P', none, d('2024-06-13'))).toMatchObject({
      status: 'qualified',
      window: { from: '2024-01-13', to: '2024-06-13' },
      qualifiedOn: '2024-05-31',
    });
    expect(partnerStatus(versions, data, 'P', none, d('2024-10-31'))).toMatchObject({
      status: 'qualified',
      window: { from: '2024-05-01', to: '2024-10-31' },
      qualifiedOn: '2024-05-31',
    });
    expect(partnerStatus(versions, data, 'P', none, d('2024-11-01'))).toMatchObject({ status: 'in-progress', qualifiedOn: null });
  });
});

describe('its page', () => {
  it('cites the web pages by title and address, dated where they show a date, in every language', () => {
    const en = renderScoredPage(v2024, translator('en'));
    expect(en).toContain(
      'Source: Partner Capability Score, https://learn.microsoft.com/en-au/partner-center/membership/partner-capability-score (undated)',
    );
    expect(en).toMatch(/Source: Biz Apps Net Customer Add, https:\/\/techcommunity\.microsoft\.com\/\S+ \(Jun 14, 2024\)/);
    expect(en).toContain('**B24-1**');
    expect(renderScoredPage(v2024, translator('fr-FR'))).toContain('(non datée)');
    expect(renderScoredPage(v2024, translator('zh-TW'))).toContain('（未註明日期）');
  });
});
