/**
 * The Small and Midmarket Cloud Solutions competency through the Cloud Business Applications SMB option
 * (spec §A.13), a second scored program read by the same engine from its own definition folder: six metrics,
 * one threshold for every partner, the bands of the Cloud Business Applications competency. Each metric at
 * its edges, the page's own example, and the command line on the folder.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { monthIndex, scorePartner, toDecimalText, type ScoreReport } from '../src/engine/index.js';
import { readScoredDefinitions } from '../src/files/scored-files.js';
import { renderScoredPage } from '../src/docs/scored-page.js';
import { translator } from '../src/i18n/index.js';
import { runCli } from './support/cli.js';
import { bill, datasetOf, emptyRecords, month, peopleWith, seatsFor, tenantWith, type Records } from './support/scoring.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FOLDER = 'definitions/microsoft-small-and-midmarket-cloud-solutions';
const read = readScoredDefinitions(FOLDER);
if (!read.ok) throw new Error(JSON.stringify(read.problems));
const versions = read.versions;
const v = versions[0]!;
const M = '2021-06';
const PATH = 'smb-option';

const metric = (report: ScoreReport, id: string) => report.paths[0]!.metrics.find((m) => m.id === id)!;
const points = (report: ScoreReport, id: string): string => toDecimalText(metric(report, id).points, 4);
const score = (r: Records) => scorePartner(v, datasetOf(r, versions), 'P', monthIndex(M));

function partner(country = 'IN'): Records {
  const r = emptyRecords();
  r.partners.push({ id: 'P', country });
  return r;
}

describe('the SMB option definition', () => {
  it('reads without problems: one version from 2021-01-13 to 2022-09-30, citing both page revisions', () => {
    expect(
      versions.map((x) => [x.id, x.effectiveFrom, x.endsOn, x.source.map((s) => ('commit' in s ? s.commit.slice(0, 8) : s.page))]),
    ).toEqual([['microsoft-small-and-midmarket-cloud-solutions', '2021-01-13', '2022-09-30', ['bb3d1ecd', '5700f81d']]]);
    expect(v.paths.map((p) => p.metrics.map((m) => [m.id, m.points.max]))).toEqual([
      [
        ['net-new-revenue', 10],
        ['net-customer-adds', 10],
        ['functional-consultants', 30],
        ['developers', 5],
        ['new-deployments', 20],
        ['monthly-active-user-growth', 25],
      ],
    ]);
  });
});

describe('each metric at its edges', () => {
  it('net new revenue: the page’s example, $15,000 earns half of 10 points; $30,000 all; a partner in any country alike', () => {
    for (const [amount, expected] of [
      ['15000', '5'],
      ['29999', '9.9997'],
      ['30000', '10'],
      ['45000', '10'],
    ] as const) {
      for (const country of ['IN', 'US']) {
        const r = partner(country);
        bill(r, tenantWith(r, 'T1', 'D365-BUSINESS-CENTRAL', 'P', 'DPOR'), M, amount);
        expect([country, amount, points(score(r), 'net-new-revenue')]).toEqual([country, amount, expected]);
      }
    }
  });
  it('net customer adds: one point per net add, ten at most', () => {
    const adds = (n: number) => {
      const r = partner();
      for (let i = 0; i < n; i++) seatsFor(r, tenantWith(r, `T${i}`, 'D365-SALES', 'P', 'DPOR'), month(M, -2), M);
      return points(score(r), 'net-customer-adds');
    };
    expect([adds(1), adds(9), adds(10), adds(11)]).toEqual(['1', '9', '10', '10']);
  });
  it('functional consultants: five of any mix of the three certifications give 30; four give 24', () => {
    const r = partner();
    peopleWith(r, 'P', 2, ['PL-200', 'MB-230']);
    peopleWith(r, 'P', 1, ['MB-300', 'MB-310']);
    peopleWith(r, 'P', 1, ['MB-800']);
    expect(points(score(r), 'functional-consultants')).toBe('24');
    peopleWith(r, 'P', 1, ['MB-800']);
    expect(points(score(r), 'functional-consultants')).toBe('30');
    // PL-200 alone, or MB-300 alone, is no certification.
    const half = partner();
    peopleWith(half, 'P', 5, ['PL-200']);
    peopleWith(half, 'P', 5, ['MB-300']);
    expect(points(score(half), 'functional-consultants')).toBe('0');
  });
  it('developers: two, of either certification, give 5', () => {
    const r = partner();
    peopleWith(r, 'P', 1, ['PL-400']);
    expect(points(score(r), 'developers')).toBe('2.5');
    peopleWith(r, 'P', 1, ['MB-300', 'MB-700']);
    expect(points(score(r), 'developers')).toBe('5');
  });
  it('new deployments: a tenant under 5 active users 12 months ago that reaches 5 counts; 10 tenants give 20', () => {
    const deployments = (tenants: number, before: number, after: number) => {
      const r = partner();
      for (let i = 0; i < tenants; i++) {
        tenantWith(r, `T${i}`, 'D365-SALES', 'P', 'DPOR');
        r.usage.push({ tenantId: `T${i}`, workload: 'D365-SALES', month: month(M, -12), units: before });
        r.usage.push({ tenantId: `T${i}`, workload: 'D365-SALES', month: month(M, -3), units: after });
      }
      return points(score(r), 'new-deployments');
    };
    expect([deployments(1, 4, 5), deployments(1, 4, 4), deployments(1, 5, 9), deployments(10, 0, 5), deployments(12, 0, 5)]).toEqual([
      '2',
      '0',
      '0',
      '20',
      '20',
    ]);
  });
  it('monthly active user growth: no points under a baseline of 50; 35 % growth gives 25', () => {
    const growth = (before: number, now: number) => {
      const r = partner();
      tenantWith(r, 'T1', 'D365-FINANCE', 'P', 'DPOR');
      r.usage.push({ tenantId: 'T1', workload: 'D365-FINANCE', month: month(M, -12), units: before });
      r.usage.push({ tenantId: 'T1', workload: 'D365-FINANCE', month: M, units: now });
      const m = metric(score(r), 'monthly-active-user-growth');
      return [toDecimalText(m.points, 4), m.note ?? null];
    };
    expect(growth(49, 100)).toEqual(['0', 'underBaselineGate']);
    expect(growth(50, 60)).toEqual(['14.2857', null]);
    expect(growth(100, 135)).toEqual(['25', null]);
    expect(growth(100, 90)).toEqual(['0', null]);
  });
});

/** A partner with every metric at full points but revenue, which earns `revenue` / 30,000 of 10. */
function smbPartner(revenue: string): Records {
  const r = partner('US');
  bill(r, tenantWith(r, 'T-R', 'D365-BUSINESS-CENTRAL', 'P', 'DPOR'), M, revenue);
  for (let i = 0; i < 10; i++) {
    seatsFor(r, tenantWith(r, `T${i}`, 'D365-SALES', 'P', 'DPOR'), month(M, -2), M);
    r.usage.push({ tenantId: `T${i}`, workload: 'D365-SALES', month: month(M, -12), units: 10 });
    r.usage.push({ tenantId: `T${i}`, workload: 'D365-SALES', month: month(M, -3), units: 0 });
    r.usage.push({ tenantId: `T${i}`, workload: 'D365-SALES', month: M, units: 14 });
  }
  peopleWith(r, 'P', 5, ['MB-800']);
  peopleWith(r, 'P', 2, ['PL-400']);
  return r;
}

describe('the total and its band', () => {
  it('70 points without revenue: Silver; $30,000 more makes 80, Gold; a dollar less stays Silver', () => {
    const gold = score(smbPartner('0'));
    // Deployments: every tenant was at 10 twelve months ago, above 5: none crossed.
    expect([
      toDecimalText(gold.paths[0]!.total),
      points(gold, 'net-customer-adds'),
      points(gold, 'monthly-active-user-growth'),
      gold.band,
    ]).toEqual(['70', '10', '25', 'silver']);
    expect(score(smbPartner('30000')).band).toBe('gold');
    expect(toDecimalText(score(smbPartner('29999')).paths[0]!.total, 4)).toBe('79.9997');
    expect(score(smbPartner('29999')).band).toBe('silver');
  });
});

describe('the command line on the definition folder', () => {
  it('scores a records file and writes the page, in three languages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attain-smmcs-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'records.json');
    writeFileSync(file, JSON.stringify(smbPartner('30000')));
    const scored = await runCli(['score', file, '--scored-program', FOLDER, '--partner', 'P', '--month', M]);
    expect(scored.code).toBe(0);
    expect(scored.stdout).toContain('Cloud Business Applications SMB option: 80 of 100 points, Gold');
    const fr = await runCli(['score', file, '--scored-program', FOLDER, '--partner', 'P', '--month', M, '--locale', 'fr-FR']);
    expect(fr.stdout).toContain('Option PME Applications métier du cloud : 80 points sur 100, Gold');
    expect(renderScoredPage(v, translator('en'))).toContain('Thresholds are the same for every partner.');
    expect(renderScoredPage(v, translator('zh-TW'))).toContain('| 功能顧問 | 30 | 5 | 按比例 |');
    expect(renderScoredPage(v, translator('fr-FR'))).not.toContain('developed');
  });
  it('PATH is the one path of the version', () => {
    expect(v.paths.map((p) => p.id)).toEqual([PATH]);
  });
});
