/** The plan, forecast and timeline commands, and what-if, as a user runs them. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

const EXAMPLE = 'examples/cloud-business-applications.json';
const run = (args: string[]) => runCli(args);

function writeTemp(name: string, content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'attain-cli-')), name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

describe('attain plan', () => {
  it('prints the JSON plan with the fields of the issue', async () => {
    const { code, stdout, stderr } = await run(['plan', EXAMPLE, '--partner', 'P-NORTHWIND', '--as-of', '2017-07-07', '--format', 'json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const plan = JSON.parse(stdout);
    expect(plan).toMatchObject({ partnerId: 'P-NORTHWIND', asOf: '2017-07-07' });
    const ce = plan.targets[0];
    expect(ce).toMatchObject({
      option: 'enterprise-customer-engagement',
      level: 'silver',
      met: false,
      revenue: [{ requirement: 'net-new-revenue', shortfall: 1306.8 }],
      revenueToClose: 1306.8,
      exams: { additionalPasses: 0, assignments: [] },
      unattributedRevenue: [],
    });
    expect(ce.revenue[0].products).toContain('D365-SALES');
  });

  it('takes --target and refuses an unknown one', async () => {
    const ok = await run([
      'plan',
      EXAMPLE,
      '--partner',
      'P-CONTOSO',
      '--as-of',
      '2017-07-07',
      '--target',
      'enterprise-operations/gold',
      '--format',
      'json',
    ]);
    expect(JSON.parse(ok.stdout).targets.map((t: { option: string; level: string }) => `${t.option}/${t.level}`)).toEqual([
      'enterprise-operations/gold',
    ]);
    const bad = await run(['plan', EXAMPLE, '--partner', 'P-CONTOSO', '--target', 'enterprise-operations/platinum']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('attain: --target: "enterprise-operations/platinum" is not a level of the program');
  });

  it('needs a known --partner', async () => {
    expect((await run(['plan', EXAMPLE])).code).toBe(2);
    const unknown = await run(['plan', EXAMPLE, '--partner', 'P-NOBODY']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('"P-NOBODY" is not a partner');
  });

  it('prints a readable table', async () => {
    const { stdout } = await run(['plan', EXAMPLE, '--partner', 'P-NORTHWIND', '--as-of', '2017-07-07']);
    expect(stdout).toContain('Enterprise Customer Engagement option → Silver: not met');
    expect(stdout).toContain('book $1,306.80 of net new revenue from Dynamics 365 Enterprise Plan 1, Dynamics 365 for Sales');
    expect(stdout).toMatch(/NW-01 Ana Northwind\s+MB6-893, MB6-892, MB6-890, and 70-764/);
  });
});

describe('attain forecast', () => {
  it('gives the lapse date and the failing requirement', async () => {
    const { code, stdout } = await run(['forecast', EXAMPLE, '--partner', 'P-CONTOSO', '--as-of', '2017-07-07', '--format', 'json']);
    expect(code).toBe(0);
    const ce = JSON.parse(stdout).options.find((o: { option: string }) => o.option === 'enterprise-customer-engagement');
    // R-1002 (85,000, 2016-07-08) leaves the window on 2017-07-08: 310,420.70 − 85,000 = 225,420.70 < 300,000.
    expect(ce).toMatchObject({
      level: 'gold',
      lapse: {
        date: '2017-07-08',
        levelAfter: 'silver',
        failing: [{ requirement: 'net-new-revenue', actual: 225420.7, shortfall: 74579.3 }],
      },
    });
    const table = await run(['forecast', EXAMPLE, '--partner', 'P-CONTOSO', '--as-of', '2017-07-07']);
    expect(table.stdout).toContain('If no new revenue arrives, it lapses on Jul 8, 2017 (then Silver)');
    expect(table.stdout).toContain('Projection, if revenue kept arriving at the TTM average rate');
  });
});

describe('attain timeline', () => {
  it('writes CSV with one row per date, option and requirement', async () => {
    const { code, stdout } = await run([
      'timeline',
      EXAMPLE,
      '--partner',
      'P-FABRIKAM',
      '--from',
      '2017-07-07',
      '--to',
      '2017-08-07',
      '--format',
      'csv',
    ]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('date,programVersion,option,level,requirement,kind,actual,required_silver,required_gold');
    expect(lines).toContain('2017-07-07,2017-07-07,enterprise-operations,silver,revenue,revenue,51979.36,50000,150000');
    expect(lines).toHaveLength(1 + 2 * 5);
  });

  it('refuses bad dates, a reversed range and dates before the first version', async () => {
    const reversed = await run(['timeline', EXAMPLE, '--partner', 'P-FABRIKAM', '--from', '2017-09-01', '--to', '2017-08-01']);
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toContain('--to: 2017-08-01 is before --from 2017-09-01');
    const early = await run(['timeline', EXAMPLE, '--partner', 'P-FABRIKAM', '--from', '2017-01-01', '--to', '2017-08-01']);
    expect(early.code).toBe(2);
    expect(early.stderr).toContain('--from: 2017-01-01 is before the first version');
    const forced = await run([
      'timeline',
      EXAMPLE,
      '--partner',
      'P-FABRIKAM',
      '--from',
      '2017-01-01',
      '--to',
      '2017-02-01',
      '--program-version',
      '2017-07-07',
      '--format',
      'json',
    ]);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout).points).toHaveLength(2);
  });
});

describe('what-if: --assume', () => {
  // Northwind is 1,306.80 short of Customer Engagement Silver; assume a sale of 1,306.80 to its customer.
  const assume = writeTemp('what-if.json', {
    revenue: [
      {
        id: 'W-1',
        customerId: 'C-BLUEYONDER',
        product: 'D365-SALES',
        date: '2017-07-01',
        amount: '1306.80',
        currency: 'USD',
        netNew: true,
      },
    ],
  });

  it('merges the fragment before evaluating, and marks that assumptions were applied', async () => {
    const { code, stdout } = await run([
      'evaluate',
      EXAMPLE,
      '--as-of',
      '2017-07-07',
      '--partner',
      'P-NORTHWIND',
      '--format',
      'json',
      '--assume',
      assume,
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.assumptions).toEqual({ source: assume, records: { revenue: 1 } });
    expect(report.partners[0].competencies[0].options[0].level).toBe('silver');
    const table = await run(['evaluate', EXAMPLE, '--as-of', '2017-07-07', '--partner', 'P-NORTHWIND', '--assume', assume]);
    expect(table.stdout.split('\n')[0]).toBe(`What-if: assumptions from ${assume} applied (1 revenue line)`);
  });

  it('works on plan and forecast too', async () => {
    const plan = JSON.parse(
      (await run(['plan', EXAMPLE, '--partner', 'P-NORTHWIND', '--as-of', '2017-07-07', '--format', 'json', '--assume', assume])).stdout,
    );
    expect(plan.assumptions.records).toEqual({ revenue: 1 });
    expect(plan.targets.map((t: { option: string; level: string }) => `${t.option}/${t.level}`)).toContain(
      'enterprise-customer-engagement/gold',
    );
    const forecast = JSON.parse(
      (await run(['forecast', EXAMPLE, '--partner', 'P-NORTHWIND', '--as-of', '2017-07-07', '--format', 'json', '--assume', assume]))
        .stdout,
    );
    expect(forecast.options[0].level).toBe('silver');
  });

  it('validates the fragment like a dataset, naming its records', async () => {
    const bad = writeTemp('bad-what-if.json', {
      examPasses: [{ personId: 'NW-06', exam: 'MB2-715', date: '2017-13-01' }],
      revenue: [
        { id: 'R-1001', customerId: 'C-ADATUM', product: 'D365-SALES', date: '2017-07-01', amount: 1, currency: 'USD', netNew: true },
      ],
    });
    const { code, stderr } = await run(['evaluate', EXAMPLE, '--as-of', '2017-07-07', '--assume', bad]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${bad}: revenue[0] (id R-1001): id "R-1001" is already used by revenue[0]`);
    expect(stderr).toContain(`${bad}: examPasses[0]: date "2017-13-01" is not a calendar date (YYYY-MM-DD)`);
  });
});
