/**
 * `attain plan --scored`: the cheapest way to the next band of a scored
 * program, as a table in three languages and as JSON with exact fractions;
 * bad flags refused (exit 2) naming the flag.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

const EXAMPLE = 'examples/business-applications-scored.json';
const plan = (...args: string[]) => runCli(['plan', EXAMPLE, '--scored', ...args]);
const FABRIKAM = ['--partner', 'P-FABRIKAM', '--month', '2020-11'];

interface Json {
  partnerId: string;
  month: string;
  version: string;
  segment: string;
  paths: {
    path: string;
    total: { decimal: string; exact: string };
    band: string | null;
    target: { band: string; from: { exact: string } } | null;
    outcome: string;
    plan?: {
      cost: { decimal: string; exact: string };
      total: { exact: string };
      moves: { metrics: string[]; costUnit: string; unitOfCost: string; from: { value: string }; to: { value: string; more: string } }[];
    };
    reasons?: { code: string; metric?: string; note?: string | null; maximum?: { exact: string } }[];
    ladders: { metrics: { id: string }[]; steps: { value: string; total: { exact: string } }[] }[];
  }[];
}

describe('attain plan --scored', () => {
  it('PCI: Finance and Operations, Silver at 78, reaches Gold with 8 more active users; Customer Engagement needs much more', async () => {
    const { code, stdout, stderr } = await plan(...FABRIKAM);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toContain('P-FABRIKAM, month 2020-11 (Developed markets), rules in effect from Sep 16, 2020');
    expect(stdout).toContain('One unit of cost: $10,000.00, 1 customer, 1 person, 1 deployment, and 100 active users');
    expect(stdout).toContain('Finance and Operations: 78 points, Silver; Gold from 80 points');
    expect(stdout).toContain('Cheapest way: cost 0.08, 80 points after');
    expect(stdout).toMatch(/Monthly active user growth\s+15%\s+17%\s+15 → 17\s+8 active users more \(cost 0\.08\)/);
    expect(stdout).toContain('Customer Engagement: 0 points, no band; Silver from 60 points');
  });
  it('--path plans one path; --unit-of-cost makes active users dear, and one more customer is cheaper', async () => {
    const { code, stdout } = await plan(...FABRIKAM, '--path', 'finance-and-operations', '--unit-of-cost', 'active-users=4');
    expect(code).toBe(0);
    expect(stdout).not.toContain('Customer Engagement');
    expect(stdout).toContain('4 active users');
    expect(stdout).toMatch(/Net customer adds\s+2 customers\s+3 customers\s+6\.67 → 10\s+1 customer more \(cost 1\)/);
  });
  it('--unit-of-cost by metric id, in dollars for revenue: $1,000,000 of net new revenue is one unit', async () => {
    const { code, stdout } = await plan(...FABRIKAM, '--path', 'customer-engagement', '--unit-of-cost', 'net-new-revenue=1000000');
    expect(code).toBe(0);
    expect(stdout).toContain('One unit of cost: $1,000,000.00, 1 customer, 1 person, and 1 deployment');
    expect(stdout).toContain('Cheapest way: cost 30.3, 60 points after');
    expect(stdout).toMatch(/Net new revenue\s+\$0\.00\s+\$300,000\.00\s+0 → 10\s+\$300,000\.00 more \(cost 0\.3\)/);
  });
  it('--target gold on Customer Engagement: unreachable, 75 points at most', async () => {
    const { code, stdout } = await plan(...FABRIKAM, '--path', 'customer-engagement', '--target', 'gold');
    expect(code).toBe(0);
    expect(stdout).toContain('Gold cannot be reached:');
    expect(stdout).toContain('at most 75 points, and Gold needs 80');
  });
  it('PCS: qualified already, and the top band; a month later usage under its gate keeps it from qualifying', async () => {
    const now = await plan('--partner', 'P-CONTOSO', '--month', '2023-10');
    expect(now.stdout).toContain('Business Applications: 71.43 points, Qualified, the top band');
    const reached = await plan('--partner', 'P-CONTOSO', '--month', '2023-10', '--target', 'qualification');
    expect(reached.stdout).toContain('Business Applications: 71.43 points, Qualified reached already');
    const later = await plan('--partner', 'P-CONTOSO', '--month', '2023-11');
    expect(later.code).toBe(0);
    expect(later.stdout).toContain('Qualified cannot be reached:');
    expect(later.stdout).toContain('Usage growth: cannot score: baseline under its gate (every metric must score)');
  });
  it('in French and in Traditional Chinese', async () => {
    const fr = await plan(...FABRIKAM, '--path', 'finance-and-operations', '--locale', 'fr-FR');
    expect(fr.stdout).toContain('Finance et opérations : 78 points, Silver ; Gold à partir de 80 points');
    expect(fr.stdout).toContain('Le moins coûteux : coût 0,08, 80 points ensuite');
    expect(fr.stdout).toContain('8 utilisateurs actifs de plus (coût 0,08)');
    const zh = await plan(...FABRIKAM, '--path', 'customer-engagement', '--target', 'gold', '--locale', 'zh-TW');
    expect(zh.stdout).toContain('無法達到金會員：');
    expect(zh.stdout).toContain('最多 75 分，而金會員需要 80 分');
  });
  it('JSON: the plan, the reasons and every ladder, points and costs as exact fractions', async () => {
    const { code, stdout } = await plan(...FABRIKAM, '--format', 'json');
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as Json;
    expect([json.partnerId, json.month, json.version, json.segment]).toEqual(['P-FABRIKAM', '2020-11', '2020-09-16', 'developed']);
    const fo = json.paths.find((p) => p.path === 'finance-and-operations')!;
    expect([fo.total.exact, fo.band, fo.target?.band, fo.target?.from.exact, fo.outcome]).toEqual(['78', 'silver', 'gold', '80', 'plan']);
    expect(fo.plan!.cost).toEqual({ decimal: '0.08', exact: '2/25' });
    expect(fo.plan!.moves.map((m) => [m.metrics, m.costUnit, m.unitOfCost, m.from.value, m.to.value, m.to.more])).toEqual([
      [['monthly-active-user-growth'], 'active-users', '100', '15', '17', '8'],
    ]);
    const adds = fo.ladders.find((l) => l.metrics[0]!.id === 'net-customer-adds')!;
    expect(adds.steps.map((s) => [s.value, s.total.exact])).toEqual([
      ['2', '20/3'],
      ['3', '10'],
    ]);
    const later = JSON.parse((await plan('--partner', 'P-CONTOSO', '--month', '2023-11', '--format', 'json')).stdout) as Json;
    expect([later.paths[0]!.outcome, later.paths[0]!.reasons]).toEqual([
      'unreachable',
      [{ code: 'cannotScore', metric: 'usage-growth', note: 'underBaselineGate' }],
    ]);
  });
  it('bad flags: exit 2, the flag named', async () => {
    const cases: [string[], string][] = [
      [[...FABRIKAM, '--unit-of-cost', 'usd'], '--unit-of-cost: "usd" is not a unit of cost'],
      [[...FABRIKAM, '--unit-of-cost', 'usd=0'], '--unit-of-cost: "usd=0" is not a unit of cost'],
      [[...FABRIKAM, '--unit-of-cost', 'bananas=3'], '--unit-of-cost: "bananas=3" is not a unit of cost'],
      [
        [...FABRIKAM, '--path', 'sales'],
        '--path: "sales" is not a path of the version of 2020-09-16 (paths: customer-engagement, finance-and-operations)',
      ],
      [
        [...FABRIKAM, '--target', 'platinum'],
        '--target: "platinum" is not a target of the scored plan: band, qualification or a band (silver, gold)',
      ],
      [[...FABRIKAM, '--target', 'band', '--target', 'gold'], '--target: "gold" is not a target of the scored plan'],
      [['--partner', 'P-FABRIKAM'], '--scored needs --month'],
      [['--partner', 'P-FABRIKAM', '--month', '2020-13'], '--month: --month "2020-13" is not a month (YYYY-MM)'],
      [
        ['--partner', 'P-NOBODY', '--month', '2020-11'],
        '--partner: "P-NOBODY" is not a partner of examples/business-applications-scored.json',
      ],
      [[...FABRIKAM, '--as-of', '2020-11-30'], '--as-of and --scored cannot be given together'],
    ];
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = await plan(...args);
      expect([code, stdout], args.join(' ')).toEqual([2, '']);
      expect(stderr).toContain(message);
    }
  });
  it('without --scored, the scored flags are refused', async () => {
    for (const [flag, value] of [
      ['--month', '2020-11'],
      ['--path', 'finance-and-operations'],
      ['--unit-of-cost', 'usd=1000'],
    ]) {
      const { code, stderr } = await runCli(['plan', EXAMPLE, '--partner', 'P-FABRIKAM', flag!, value!]);
      expect(code).toBe(2);
      expect(stderr).toContain(`${flag} needs --scored`);
    }
  });
  it('a problem in French names the flag', async () => {
    const { code, stderr } = await plan(...FABRIKAM, '--path', 'sales', '--locale', 'fr-FR');
    expect(code).toBe(2);
    expect(stderr).toContain('"sales" n’est pas un parcours de la version du 2020-09-16');
  });
});
