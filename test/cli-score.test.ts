/**
 * `attain score`: a partner's points under the scored version in force in a
 * month, as a table in the user's language or as JSON, with bad input refused (exit 2).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

const EXAMPLE = 'examples/business-applications-scored.json';

describe('attain score', () => {
  it('scores the PCI example: the path totals, the band, the next point and the routes to Gold', async () => {
    const { code, stdout, stderr } = await runCli(['score', EXAMPLE, '--partner', 'P-FABRIKAM', '--month', '2020-11']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('P-FABRIKAM, month 2020-11 (Developed markets), rules in effect from Sep 16, 2020');
    expect(stdout).toContain('Band: Silver');
    expect(stdout).toContain('Finance and Operations: 78 of 100 points, Silver');
    expect(stdout).toMatch(/Net customer adds\s+2 customers\s+3 customers\s+6\.67 of 10\s+1 customer more \(10 points\)/);
    expect(stdout).toContain('Gold needs 2 more points');
    expect(stdout).toContain('Monthly active user growth: 8 active users more');
  });
  it('scores the PCS example in French, with the qualification window', async () => {
    const { code, stdout } = await runCli(['score', EXAMPLE, '--partner', 'P-CONTOSO', '--month', '2023-10', '--locale', 'fr-FR']);
    expect(code).toBe(0);
    expect(stdout).toContain('Palier : Qualifié');
    expect(stdout).toContain('Période de qualification du 2023-05 au 2023-10 : Qualifié');
    expect(stdout).toContain('Applications métier : 71,43 points sur 100, Qualifié');
    expect(stdout).toContain(
      'Statut au 31 oct. 2023 : qualifié ; période de qualification du 31 mai 2023 au 31 oct. 2023 ; inscription : Non inscrit',
    );
  });
  it('gives JSON with exact fractions', async () => {
    const { code, stdout } = await runCli(['score', EXAMPLE, '--partner', 'P-CONTOSO', '--month', '2023-10', '--format', 'json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      band: string;
      segment: string;
      paths: { total: { exact: string; decimal: string } }[];
      qualificationWindow: { band: string };
    };
    expect([report.band, report.segment, report.paths[0]!.total, report.qualificationWindow.band]).toEqual([
      'qualified',
      'enterprise',
      { decimal: '71.4286', exact: '500/7' },
      'qualified',
    ]);
    // PCS: the status on the month's last day, the window it was judged over, the enrolment used (none recorded).
    expect((JSON.parse(stdout) as { status: unknown }).status).toEqual({
      date: '2023-10-31',
      status: 'qualified',
      window: { kind: 'qualification', from: '2023-05-31', to: '2023-10-31' },
      qualifiedOn: '2023-10-31',
      enrolledOn: null,
      anniversary: null,
      lapsedOn: null,
      enrolment: { kind: 'none', date: null, anniversary: null },
    });
    // PCI has no statuses.
    const pci = await runCli(['score', EXAMPLE, '--partner', 'P-FABRIKAM', '--month', '2020-11', '--format', 'json']);
    expect((JSON.parse(pci.stdout) as { status: unknown }).status).toBeNull();
    expect((await runCli(['score', EXAMPLE, '--partner', 'P-FABRIKAM', '--month', '2020-11'])).stdout).not.toContain('Status');
  });
  it('gives the PCS status with the enrolment of the records: renewal due, with the renewal window, in English and Chinese', async () => {
    const records = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
    const file = join(mkdtempSync(join(tmpdir(), 'attain-score-enrolment-')), 'records.json');
    writeFileSync(file, JSON.stringify({ ...records, enrolments: [{ partnerId: 'P-CONTOSO', enrolled: '2023-11-15' }] }));
    const args = ['score', file, '--partner', 'P-CONTOSO', '--month', '2024-06'];
    const json = JSON.parse((await runCli([...args, '--format', 'json'])).stdout) as { status: unknown };
    expect(json.status).toEqual({
      date: '2024-06-30',
      status: 'renewal-due',
      window: { kind: 'renewal', from: '2024-06-01', to: '2024-11-30' },
      qualifiedOn: null,
      enrolledOn: '2023-11-15',
      anniversary: '2024-11-15',
      lapsedOn: null,
      enrolment: { kind: 'enrolled', date: '2023-11-15', anniversary: null },
    });
    expect((await runCli(args)).stdout).toContain(
      'Status on Jun 30, 2024: renewal due until the anniversary Nov 15, 2024; renewal window Jun 1, 2024 – Nov 30, 2024; enrolment: Enrolled on Nov 15, 2023',
    );
    expect((await runCli([...args, '--locale', 'zh-TW'])).stdout).toContain(
      '2024年6月30日的狀態：待續約（至週年日 2024年11月15日）；續約期間 2024年6月1日至 2024年11月30日；註冊：已於 2023年11月15日註冊',
    );
  });
  it('refuses a month before the first scored version, an unknown partner and a bad month', async () => {
    const early = await runCli(['score', EXAMPLE, '--partner', 'P-CONTOSO', '--month', '2019-01']);
    expect([early.code, early.stderr]).toEqual([
      2,
      expect.stringContaining('is before the first version of microsoft-business-applications'),
    ]);
    const gap = await runCli(['score', EXAMPLE, '--partner', 'P-CONTOSO', '--month', '2023-01']);
    expect([gap.code, gap.stderr]).toEqual([
      2,
      expect.stringContaining(
        '2023-01-31: no scored version of microsoft-business-applications is in force (the version of 2021-05-28 ended on 2022-09-30)',
      ),
    ]);
    const nobody = await runCli(['score', EXAMPLE, '--partner', 'P-NOBODY', '--month', '2023-10']);
    expect([nobody.code, nobody.stderr]).toEqual([2, expect.stringContaining('"P-NOBODY" is not a partner')]);
    const month = await runCli(['score', EXAMPLE, '--partner', 'P-CONTOSO', '--month', '2023-13']);
    expect(month.code).toBe(2);
  });
  it('names the record and the field of each problem of the records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attain-score-'));
    const file = join(dir, 'records.json');
    writeFileSync(
      file,
      JSON.stringify({ partners: [{ id: 'P', country: 'US' }], usage: [{ tenantId: 'T', workload: 'SALES', month: '2023-1', units: 1 }] }),
    );
    const { code, stderr } = await runCli(['score', file, '--partner', 'P', '--month', '2023-10']);
    expect(code).toBe(2);
    expect(stderr).toContain('usage[0]');
    expect(stderr).toContain('month');
  });
});

describe('attain score --outlook', () => {
  it('says when the band is lost if nothing new arrives', async () => {
    const { code, stdout } = await runCli(['score', EXAMPLE, '--partner', 'P-FABRIKAM', '--month', '2020-11', '--outlook', '6']);
    expect(code).toBe(0);
    expect(stdout).toContain('Silver is lost in 2021-03 (then: no band)');
  });
  it('gives each month ahead in JSON', async () => {
    const { stdout } = await runCli([
      'score',
      EXAMPLE,
      '--partner',
      'P-FABRIKAM',
      '--month',
      '2020-11',
      '--outlook',
      '3',
      '--format',
      'json',
    ]);
    const report = JSON.parse(stdout) as {
      outlook: { months: { month: string; version: string; band: string | null }[]; firstDrop: unknown };
    };
    expect(report.outlook.months.map((m) => [m.month, m.version, m.band])).toEqual([
      ['2020-11', '2020-09-16', 'silver'],
      ['2020-12', '2020-12-16', 'silver'],
      ['2021-01', '2020-12-16', 'silver'],
      ['2021-02', '2021-02-03', 'silver'],
    ]);
    expect(report.outlook.firstDrop).toBeNull();
  });
});

describe('attain docs --scored', () => {
  it('states the PCI version of 2020-09-16: thresholds per market, all-or-nothing growth, bands and readings', async () => {
    const { code, stdout } = await runCli(['docs', '--scored', '--program-version', '2020-09-16']);
    expect(code).toBe(0);
    expect(stdout).toContain('partner-center/partner-contribution-indicators.md at 70c2ffb');
    expect(stdout).toContain('| Net new revenue | 10 | Developed markets: $300,000.00; Developing markets: $150,000.00 | in proportion |');
    expect(stdout).toContain('| Functional consultant growth | 15 |');
    expect(stdout).toContain('none: all or nothing');
    expect(stdout).toContain('- Gold: 80 points or more');
    expect(stdout).toContain('**OQ-A8**');
  });
  it('states the PCS version in force in October 2023, in French and in Chinese', async () => {
    const fr = await runCli(['docs', '--scored', '--as-of', '2023-10-01', '--locale', 'fr-FR']);
    expect(fr.stdout).toContain('Chaque indicateur doit marquer plus de 0 points.');
    expect(fr.stdout).toContain('| Croissance de l’utilisation | 30 | 30\u00a0% | proportionnels, arrondis à l’inférieur |');
    const zh = await runCli(['docs', '--scored', '--as-of', '2023-10-01', '--locale', 'zh-TW']);
    expect(zh.stdout).toContain('- 符合資格：70 分以上');
  });
  it('refuses a date before the first scored version', async () => {
    const { code, stderr } = await runCli(['docs', '--scored', '--as-of', '2019-01-01']);
    expect(code).toBe(2);
    expect(stderr).toContain('is before the first version of microsoft-business-applications');
  });
});

describe('attain evaluate --scored', () => {
  it('scores every partner of a records file as of the month of the as-of date', async () => {
    const { code, stdout } = await runCli(['evaluate', EXAMPLE, '--scored', '--as-of', '2020-11-30']);
    expect(code).toBe(0);
    expect(stdout).toContain('P-FABRIKAM, month 2020-11 (Developed markets), rules in effect from Sep 16, 2020');
    expect(stdout).toContain('P-CONTOSO, month 2020-11');
    expect(stdout).toContain('Finance and Operations: 78 of 100 points, Silver');
  });
  it('gives JSON for the partners asked', async () => {
    const { code, stdout } = await runCli([
      'evaluate',
      EXAMPLE,
      '--scored',
      '--as-of',
      '2023-10-31',
      '--partner',
      'P-CONTOSO',
      '--format',
      'json',
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { programVersion: string; partners: { partnerId: string; band: string }[] };
    expect([report.programVersion, report.partners.map((p) => [p.partnerId, p.band])]).toEqual([
      '2023-06-13',
      [['P-CONTOSO', 'qualified']],
    ]);
  });
  it('says when no scored version is in force', async () => {
    const { code, stderr } = await runCli(['evaluate', EXAMPLE, '--scored', '--as-of', '2022-12-31']);
    expect(code).toBe(2);
    expect(stderr).toContain('--as-of: 2022-12-31: no scored version of microsoft-business-applications is in force');
  });
});
