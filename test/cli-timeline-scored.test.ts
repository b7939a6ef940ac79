/**
 * `attain timeline --scored`: one timeline across eras — the threshold
 * competency, PCI, the 2022-10-01 – 2023-06-12 gap, PCS — saying which version
 * judges each date; in three languages, as JSON and CSV; bad input refused.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

const RECORDS = 'examples/business-applications-scored.json';
const THRESHOLD = 'examples/cloud-business-applications.json';
const timeline = (...args: string[]) => runCli(['timeline', RECORDS, '--scored', ...args]);

describe('attain timeline --scored', () => {
  it('runs from the threshold competency through PCI and the gap to PCS, naming the gap', async () => {
    const { code, stdout, stderr } = await timeline(
      '--partner',
      'P-FABRIKAM',
      '--from',
      '2020-08-01',
      '--to',
      '2023-07-01',
      '--threshold-dataset',
      THRESHOLD,
    );
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toContain('Timeline of P-FABRIKAM across eras from Aug 1, 2020 to Jul 1, 2023, every month');
    expect(stdout).toContain(
      'No rules are in force from Oct 1, 2022 to Jun 12, 2023: the version of May 28, 2021 ended on Sep 30, 2022, the next takes effect on Jun 13, 2023',
    );
    expect(stdout).toMatch(/Sep 1, 2020\s+thresholds\s+Jan 25, 2018\s+Enterprise Customer Engagement option: no level attained/);
    expect(stdout).toMatch(/Nov 1, 2020\s+points\s+Sep 16, 2020\s+Silver\s+Customer Engagement 0; Finance and Operations 78/);
    expect(stdout).toMatch(/Oct 1, 2022\s+no rules in force/);
    expect(stdout).toMatch(/Jun 1, 2023\s+no rules in force/);
    expect(stdout).toMatch(/Jul 1, 2023\s+points\s+Jun 13, 2023\s+no band\s+Business Applications 0\s+in progress/);
  });
  it('gives JSON: the era and version of each date, the gaps, totals as exact fractions, the status', async () => {
    const { code, stdout } = await timeline(
      '--partner',
      'P-CONTOSO',
      '--from',
      '2022-09-30',
      '--to',
      '2023-10-31',
      '--legacy',
      '--format',
      'json',
    );
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as {
      from: string;
      step: string;
      gaps: unknown[];
      points: { date: string; era: string; version?: string; paths?: { total: { exact: string } }[]; status?: { status: string } | null }[];
    };
    expect([json.from, json.step]).toEqual(['2022-09-30', 'month']);
    expect(json.gaps).toEqual([{ from: '2022-10-01', to: '2023-06-12', version: '2021-05-28', endsOn: '2022-09-30', next: '2023-06-13' }]);
    expect(json.points.map((p) => [p.date, p.era, p.version ?? null])).toEqual([
      ['2022-09-30', 'scored', '2021-05-28'],
      ['2022-10-30', 'none', null],
      ['2022-11-30', 'none', null],
      ['2022-12-30', 'none', null],
      ['2023-01-30', 'none', null],
      ['2023-02-28', 'none', null],
      ['2023-03-30', 'none', null],
      ['2023-04-30', 'none', null],
      ['2023-05-30', 'none', null],
      ['2023-06-30', 'scored', '2023-06-13'],
      ['2023-07-30', 'scored', '2023-06-13'],
      ['2023-08-30', 'scored', '2023-06-13'],
      ['2023-09-30', 'scored', '2023-06-13'],
      ['2023-10-30', 'scored', '2023-06-13'],
    ]);
    // 2023-10-30 is before October's month-end: its score reaches the band, but the qualifying day is the 31st.
    const last = json.points.at(-1)!;
    expect([last.paths![0]!.total.exact, last.status?.status]).toEqual(['500/7', 'in-progress']);
  });
  it('shows a legacy partner enrolled from its first qualifying day, in Traditional Chinese', async () => {
    const { stdout } = await timeline(
      '--partner',
      'P-CONTOSO',
      '--from',
      '2023-10-31',
      '--to',
      '2023-11-30',
      '--legacy',
      '--locale',
      'zh-TW',
    );
    expect(stdout).toContain('P-CONTOSO 跨時期的時間軸');
    expect(stdout).toMatch(/2023年10月31日\s+計分制\s+2023年6月13日\s+符合資格\s+商務應用程式 71\.43\s+已註冊/);
  });
  it('takes a legacy partner’s enrolment from its enrolments record, unless the flags say otherwise', async () => {
    const records = JSON.parse(readFileSync(RECORDS, 'utf8')) as Record<string, unknown>;
    const file = join(mkdtempSync(join(tmpdir(), 'attain-enrolments-')), 'records.json');
    writeFileSync(file, JSON.stringify({ ...records, enrolments: [{ partnerId: 'P-CONTOSO', legacy: true }] }));
    const statuses = async (...flags: string[]) => {
      const args = ['timeline', file, '--scored', '--partner', 'P-CONTOSO', '--from', '2023-10-31', '--to', '2023-11-30'];
      const { code, stdout } = await runCli([...args, ...flags, '--format', 'json']);
      expect(code).toBe(0);
      return (JSON.parse(stdout) as { points: { status?: { status: string } | null }[] }).points.map((p) => p.status?.status);
    };
    expect(await statuses()).toEqual(['enrolled', 'enrolled']);
    expect(await statuses('--enrolled', '2023-11-30')).toEqual(['qualified', 'enrolled']);
  });
  it('says in French that the threshold levels need the threshold dataset; CSV stays neutral', async () => {
    const fr = await timeline('--partner', 'P-CONTOSO', '--from', '2020-09-15', '--to', '2020-10-15', '--locale', 'fr-FR');
    expect(fr.stdout).toMatch(/15 sept\. 2020\s+seuils\s+25 janv\. 2018\s+\(niveaux : donnez --threshold-dataset\)/);
    const csv = await timeline(
      '--partner',
      'P-CONTOSO',
      '--from',
      '2020-09-15',
      '--to',
      '2020-10-15',
      '--format',
      'csv',
      '--threshold-dataset',
      THRESHOLD,
    );
    expect(csv.stdout).toBe(
      [
        'date,era,programVersion,levels,band,totals,status',
        '2020-09-15,threshold,2018-01-25,enterprise-customer-engagement=;enterprise-operations=,,,',
        '2020-10-15,scored,2020-09-16,,,customer-engagement=0;finance-and-operations=0,',
        '',
      ].join('\n'),
    );
  });
  it('leaves the threshold timeline as it was, and refuses the scored flags without --scored', async () => {
    const plain = await runCli([
      'timeline',
      THRESHOLD,
      '--partner',
      'P-CONTOSO',
      '--from',
      '2017-07-07',
      '--to',
      '2017-08-07',
      '--format',
      'csv',
    ]);
    expect(plain.code).toBe(0);
    expect(plain.stdout.split('\n')[0]).toBe('date,programVersion,option,level,requirement,kind,actual,required_silver,required_gold');
    for (const flag of [['--threshold-dataset', THRESHOLD], ['--legacy'], ['--enrolled', '2023-01-01']]) {
      const r = await runCli(['timeline', THRESHOLD, '--partner', 'P-CONTOSO', '--from', '2017-07-07', '--to', '2017-08-07', ...flag]);
      expect([r.code, r.stderr]).toEqual([2, `attain: ${flag[0]}: ${flag[0]} needs --scored\n`]);
    }
  });
  it('refuses an unknown partner, bad dates and a bad enrolment with exit 2', async () => {
    const cases: [string[], string][] = [
      [['--partner', 'P-NOBODY', '--from', '2020-01-01', '--to', '2020-02-01'], '"P-NOBODY" is not a partner'],
      [
        ['--partner', 'P-CONTOSO', '--from', '2020-01-01', '--to', '2020-02-01', '--program-version', '2023-06-13'],
        '--program-version and --scored cannot be given together',
      ],
      [['--partner', 'P-CONTOSO', '--from', '2020-02-30', '--to', '2020-03-01'], '2020-02-30'],
      [
        ['--partner', 'P-CONTOSO', '--from', '2023-01-01', '--to', '2023-02-01', '--enrolled', '2023-03-01'],
        'is after 2023-02-01, the last day judged',
      ],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await timeline(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr, args.join(' ')).toContain(message);
    }
  });
});
