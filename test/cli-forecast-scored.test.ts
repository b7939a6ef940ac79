/**
 * `attain forecast --scored`: per month ahead a partner's points, band and
 * status with nothing new, the first month the band is lost and which metrics
 * fell, the first day the status falls; in three languages and as stable JSON;
 * bad input refused (exit 2).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

const EXAMPLE = 'examples/business-applications-scored.json';
const forecast = (...args: string[]) => runCli(['forecast', EXAMPLE, '--scored', ...args]);

interface Json {
  month: string;
  months: number;
  enrolment: { kind: string; date: string | null; anniversary: string | null };
  forecast: {
    month: string;
    version: string;
    band: string | null;
    paths: { path: string; total: { decimal: string; exact: string }; metrics: { id: string }[] }[];
    status: { status: string; anniversary: string | null; window: { kind: string; from: string; to: string } } | null;
  }[];
  unjudged: string[];
  bandLost: {
    month: string;
    from: string;
    to: string | null;
    since: string;
    newVersion: string | null;
    falling: {
      metric: string;
      before: { value: string; points: { exact: string } };
      after: { value: string; points: { exact: string } };
    }[];
  } | null;
  statusFalls: { date: string; month: string; from: string; to: string; lastQualifiedOn: string | null } | null;
}

describe('attain forecast --scored', () => {
  it('PCI: Silver is lost in March 2021 when the four adds of March 2020 leave the window', async () => {
    const { code, stdout, stderr } = await forecast('--partner', 'P-FABRIKAM', '--month', '2020-11', '--months', '6');
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toContain('Forecast of P-FABRIKAM from 2020-11, 6 months ahead, if nothing new arrives');
    expect(stdout).toMatch(/2020-11\s+Sep 16, 2020\s+0\s+78\s+Silver/);
    expect(stdout).toMatch(/2021-03\s+Mar 26, 2021\s+0\s+56\.33\s+no band/);
    expect(stdout).toContain('Silver is lost in 2021-03 (then: no band, under the rules of Mar 26, 2021); from 2021-02:');
    expect(stdout).toContain('Net customer adds: 6.67 → 0 points (2 customers → -2 customers)');
    // PCI has no statuses: no status line.
    expect(stdout).not.toContain('The status');
  });
  it('PCS, not enrolled: qualified in October 2023, the qualification lapses on 2024-04-01 when the window passes October 31', async () => {
    const { code, stdout } = await forecast('--partner', 'P-CONTOSO', '--month', '2023-10', '--months', '7', '--format', 'json');
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as Json;
    expect(json.enrolment).toEqual({ kind: 'none', date: null, anniversary: null });
    expect(json.forecast.map((m) => [m.month, m.band, m.status?.status])).toEqual([
      ['2023-10', 'qualified', 'qualified'],
      ['2023-11', null, 'qualified'],
      ['2023-12', null, 'qualified'],
      ['2024-01', null, 'qualified'],
      ['2024-02', null, 'qualified'],
      ['2024-03', null, 'qualified'],
      ['2024-04', null, 'in-progress'],
      ['2024-05', null, 'in-progress'],
    ]);
    expect(json.bandLost).toMatchObject({ month: '2023-11', from: 'qualified', to: null, since: '2023-10', newVersion: null });
    expect(json.bandLost!.falling.map((f) => [f.metric, f.before.points.exact, f.after.points.exact])).toEqual([
      ['net-customer-adds', '12', '0'],
      ['usage-growth', '25', '0'],
    ]);
    expect(json.statusFalls).toMatchObject({
      date: '2024-04-01',
      month: '2024-04',
      from: 'qualified',
      to: 'in-progress',
      lastQualifiedOn: '2023-10-31',
    });
  });
  it('PCS, enrolled: kept after the score drops, renewal due from June 2024, lapsed on 2024-12-01 without qualifying', async () => {
    const { code, stdout } = await forecast(
      '--partner',
      'P-CONTOSO',
      '--month',
      '2023-10',
      '--months',
      '14',
      '--enrolled',
      '2023-11-15',
      '--format',
      'json',
    );
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as Json;
    expect(json.enrolment).toEqual({ kind: 'enrolled', date: '2023-11-15', anniversary: null });
    const at = (month: string) => json.forecast.find((m) => m.month === month)!.status;
    expect(at('2023-11')).toMatchObject({ status: 'enrolled', anniversary: '2024-11-15' });
    expect(at('2024-05')).toMatchObject({ status: 'enrolled', window: { kind: 'renewal', from: '2024-06-01', to: '2024-11-30' } });
    expect(at('2024-06')?.status).toBe('renewal-due');
    expect(at('2024-11')?.status).toBe('renewal-due');
    expect(at('2024-12')?.status).toBe('in-progress');
    expect(json.statusFalls).toMatchObject({ date: '2024-12-01', from: 'renewal-due', to: 'in-progress', lastQualifiedOn: null });
  });
  it('reads the enrolment from the records’ enrolments collection; the flags override it', async () => {
    const records = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
    const file = join(mkdtempSync(join(tmpdir(), 'attain-enrolments-')), 'records.json');
    writeFileSync(file, JSON.stringify({ ...records, enrolments: [{ partnerId: 'P-CONTOSO', enrolled: '2023-11-15' }] }));
    const run = async (...flags: string[]) => {
      const args = ['forecast', file, '--scored', '--partner', 'P-CONTOSO', '--month', '2023-10', '--months', '14', ...flags];
      const { code, stdout, stderr } = await runCli([...args, '--format', 'json']);
      expect([code, stderr]).toEqual([0, '']);
      return JSON.parse(stdout) as Json;
    };
    const recorded = await run();
    expect(recorded.enrolment).toEqual({ kind: 'enrolled', date: '2023-11-15', anniversary: null });
    expect(recorded.statusFalls).toMatchObject({ date: '2024-12-01', from: 'renewal-due', to: 'in-progress' });
    expect((await run('--legacy')).enrolment).toMatchObject({ kind: 'legacy' });
    expect((await run('--enrolled', '2023-12-01')).enrolment).toEqual({ kind: 'enrolled', date: '2023-12-01', anniversary: null });

    // A record the flags would refuse is refused with the records, naming record and field.
    writeFileSync(file, JSON.stringify({ ...records, enrolments: [{ partnerId: 'P-CONTOSO', enrolled: '2022-10-02' }] }));
    const refused = await runCli(['forecast', file, '--scored', '--partner', 'P-CONTOSO', '--month', '2023-10']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('enrolments[0]: enrolment 2022-10-02 is before 2022-10-03');
  });
  it('gives JSON with the same keys in the same order every time', async () => {
    const args = ['--partner', 'P-CONTOSO', '--month', '2023-10', '--months', '2', '--legacy', '--format', 'json'];
    const [a, b] = await Promise.all([forecast(...args), forecast(...args)]);
    expect(a.stdout).toBe(b.stdout);
    const json = JSON.parse(a.stdout) as Record<string, unknown> & Json;
    expect(Object.keys(json)).toEqual(['partnerId', 'month', 'months', 'enrolment', 'forecast', 'unjudged', 'bandLost', 'statusFalls']);
    expect(Object.keys(json.forecast[0]!)).toEqual(['month', 'version', 'band', 'paths', 'status']);
    expect(json.forecast[0]!.paths[0]!.total).toEqual({ decimal: '71.4286', exact: '500/7' });
    const statusKeys = ['date', 'status', 'window', 'qualifiedOn', 'enrolledOn', 'anniversary', 'lapsedOn'];
    expect(Object.keys(json.forecast[0]!.status!)).toEqual(statusKeys);
    const notEnrolled = JSON.parse((await forecast(...args.filter((a) => a !== '--legacy'))).stdout) as Json;
    expect(Object.keys(notEnrolled.forecast[0]!.status!)).toEqual(statusKeys);
    // A legacy partner is enrolled on its first qualifying day.
    expect(json.forecast[0]!.status).toMatchObject({ status: 'enrolled', anniversary: '2024-10-31' });
  });
  it('says which months no scored rules judge (the 2022-10 – 2023-05 gap)', async () => {
    const { code, stdout } = await forecast('--partner', 'P-FABRIKAM', '--month', '2022-06', '--months', '14');
    expect(code).toBe(0);
    expect(stdout).toContain('No scored rules judge 2022-10 to 2023-05');
    expect(stdout).toMatch(/2023-06\s+Jun 13, 2023/);
  });
  it('speaks French and Traditional Chinese', async () => {
    const fr = await forecast('--partner', 'P-CONTOSO', '--month', '2023-10', '--months', '7', '--locale', 'fr-FR');
    expect(fr.stdout).toContain('Qualifié est perdu en 2023-11');
    expect(fr.stdout).toContain('Ajouts nets de clients : 12 → 0 points');
    expect(fr.stdout).toContain('le statut passe de qualifié à en cours');
    const zh = await forecast(
      '--partner',
      'P-CONTOSO',
      '--month',
      '2023-10',
      '--months',
      '2',
      '--enrolled',
      '2023-11-01',
      '--locale',
      'zh-TW',
    );
    expect(zh.stdout).toContain('已於 2023年11月1日註冊');
    expect(zh.stdout).toContain('已註冊（週年日 2024年11月1日）');
  });
  it('refuses bad input with exit 2, naming the flag', async () => {
    const cases: [string[], string][] = [
      [['--partner', 'P-CONTOSO'], '--scored: --scored needs --month'],
      [['--partner', 'P-CONTOSO', '--month', '2023-1'], '--month: --month "2023-1" is not a month'],
      [['--partner', 'P-NOBODY', '--month', '2023-10'], '"P-NOBODY" is not a partner'],
      [
        ['--partner', 'P-CONTOSO', '--month', '2023-01'],
        'no scored version of microsoft-business-applications is in force (the version of 2021-05-28 ended on 2022-09-30); name one with --month',
      ],
      [['--partner', 'P-CONTOSO', '--month', '2023-10', '--as-of', '2023-10-31'], '--as-of and --scored cannot be given together'],
      [
        ['--partner', 'P-CONTOSO', '--month', '2023-10', '--program-version', '2023-06-13'],
        '--program-version and --scored cannot be given together',
      ],
      [
        ['--partner', 'P-CONTOSO', '--month', '2023-10', '--legacy', '--enrolled', '2023-11-01'],
        '--legacy and --enrolled cannot be given together',
      ],
      [['--partner', 'P-CONTOSO', '--month', '2023-10', '--anniversary', '2024-01-01'], '--anniversary needs --enrolled'],
      [['--partner', 'P-CONTOSO', '--month', '2023-10', '--enrolled', '2023-02-30'], '"2023-02-30" is not a calendar date'],
      [['--partner', 'P-CONTOSO', '--month', '2023-10', '--enrolled', '2022-10-02'], 'enrolment 2022-10-02 is before 2022-10-03'],
      [
        ['--partner', 'P-CONTOSO', '--month', '2023-10', '--months', '1', '--enrolled', '2023-12-01'],
        'is after 2023-11-30, the last day judged',
      ],
      [
        ['--partner', 'P-CONTOSO', '--month', '2023-10', '--enrolled', '2023-11-01', '--anniversary', '2024-11-02'],
        'anniversary 2024-11-02 must fall after the enrolment of 2023-11-01 and at most a year after it',
      ],
    ];
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = await forecast(...args);
      expect([code, stdout], args.join(' ')).toEqual([2, '']);
      expect(stderr, args.join(' ')).toContain(message);
    }
    const threshold = await runCli(['forecast', EXAMPLE, '--partner', 'P-CONTOSO', '--month', '2023-10']);
    expect([threshold.code, threshold.stderr]).toEqual([2, 'attain: --month: --month needs --scored\n']);
  });
});
