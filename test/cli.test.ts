import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import type { EvaluationReport } from '../src/engine/index.js';

const EXAMPLE = 'examples/cloud-business-applications.json';
const run = (args: string[], now = new Date(2017, 6, 7, 23, 30)) => runCli(args, { now });

function writeTemp(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'attain-cli-')), name);
  writeFileSync(path, content);
  return path;
}

describe('attain evaluate', () => {
  it('prints the JSON report of every partner of the example', async () => {
    const { code, stdout, stderr } = await run(['evaluate', EXAMPLE, '--as-of', '2017-07-07', '--format', 'json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as EvaluationReport;
    expect(report.asOf).toBe('2017-07-07');
    expect(report.partners.map((p) => [p.partnerId, p.market, p.competencies[0]!.options.map((o) => o.level)])).toEqual([
      ['P-CONTOSO', 'developed', ['gold', null]],
      ['P-FABRIKAM', 'developing', [null, 'silver']],
      ['P-NORTHWIND', 'developed', [null, null]],
      ['P-TAILSPIN', 'developing', [null, null]],
    ]);
    const northwind = report.partners[2]!.competencies[0]!.options[0]!.levels[0]!.requirements[0]!;
    // 40,000 EUR × 1.1212 + 28,000 × 1.0542 + 22,000 × 1.1058, before the hand-over of Alpine Ski House to Contoso.
    expect(northwind).toMatchObject({
      id: 'net-new-revenue',
      kind: 'revenue',
      met: false,
      actual: 98693.2,
      required: 100000,
      shortfall: 1306.8,
    });
    expect(northwind).toMatchObject({ evidence: { revenueLineIds: ['R-2001', 'R-2002', 'R-2003'] } });
  });

  it('limits the output to the partners named, in the order named', async () => {
    const { code, stdout } = await run([
      'evaluate',
      EXAMPLE,
      '--as-of',
      '2017-07-07',
      '--format',
      'json',
      '--partner',
      'P-TAILSPIN',
      '--partner',
      'P-CONTOSO',
    ]);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as EvaluationReport).partners.map((p) => p.partnerId)).toEqual(['P-TAILSPIN', 'P-CONTOSO']);
  });

  it('prints a table by default: each option’s level, each requirement’s actual, required and shortfall', async () => {
    const { code, stdout } = await run(['evaluate', EXAMPLE, '--as-of', '2017-07-07', '--partner', 'P-NORTHWIND']);
    expect(code).toBe(0);
    expect(stdout).toContain('P-NORTHWIND Northwind Partners (DE, Developed markets), as of Jul 7, 2017, rules in effect from Jul 7, 2017');
    expect(stdout).toContain('Enterprise Customer Engagement option: no level attained');
    expect(stdout).toMatch(
      /Silver\s+Net new revenue, Plan 1 with its apps and Plan 2\s+\$98,693\.20\s+\$100,000\.00\s+\$1,306\.80\s+not met/,
    );
    expect(stdout).toMatch(/People with MB2-715, MB2-716 and MB2-717 or MB2-718\s+5 people\s+5 people\s+0 people\s+met/);
    expect(stdout).not.toContain('P-CONTOSO');
  });

  it('evaluates as of today, in the local calendar, when --as-of is absent', async () => {
    const { stdout } = await run(['evaluate', EXAMPLE, '--format', 'json'], new Date(2017, 6, 7, 23, 59));
    expect((JSON.parse(stdout) as EvaluationReport).asOf).toBe('2017-07-07');
  });

  it.each([
    [['--as-of', '2017-02-29'], 'attain: --as-of: "2017-02-29" is not a calendar date (YYYY-MM-DD)'],
    [['--partner', 'P-NOBODY'], `attain: --partner: "P-NOBODY" is not a partner of ${EXAMPLE}`],
  ])('exits 2 on a bad flag value %j', async (flags, message) => {
    const { code, stdout, stderr } = await run(['evaluate', EXAMPLE, ...flags]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe(message);
  });

  it('exits 2 on an unknown format or option, or a missing argument', async () => {
    for (const args of [['evaluate', EXAMPLE, '--format', 'xml'], ['evaluate', EXAMPLE, '--bogus'], ['plan', EXAMPLE], ['frobnicate']]) {
      const { code, stderr } = await run(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toMatch(/error/);
    }
  });

  it('exits 2 and lists every problem of an invalid dataset, evaluating nothing', async () => {
    const path = writeTemp(
      'bad.json',
      JSON.stringify({
        partners: [{ id: 'P1', name: 'One', country: 'ZZ' }],
        customers: [{ id: 'C1', name: 'Cust', country: 'US' }],
        revenue: [
          { id: 'R-1', customerId: 'C1', product: 'D365-SALES', date: '2017-01-01', amount: 1, currency: 'USD', netNew: true },
          { id: 'R-88', customerId: 'C1', product: 'D365-SALES', date: '2017-01-01', amount: 1, currency: 'EURO', netNew: true },
        ],
      }),
    );
    const { code, stdout, stderr } = await run(['evaluate', path]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n').filter(Boolean)).toEqual([
      `attain: ${path}: 2 problems; nothing was evaluated`,
      'partners[0] (id P1): country "ZZ" is not an ISO 3166-1 alpha-2 code of the market table',
      'revenue[1] (id R-88): currency "EURO" is not an ISO 4217 code',
    ]);
  });

  it('exits 2 on a missing file and on a file that is not JSON', async () => {
    const missing = await run(['evaluate', '/nonexistent/data.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/data.json: cannot read the file: ENOENT');
    const notJson = await run(['evaluate', writeTemp('x.json', '{ "partners": [ }')]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/x\.json: is not valid JSON/);
  });

  it('exits 2 when a custom program definition is invalid', async () => {
    const definition = writeTemp('program.yaml', 'id: broken\n');
    const { code, stderr } = await run(['evaluate', EXAMPLE, '--program', definition]);
    expect(code).toBe(2);
    expect(stderr).toContain('definition: name is missing');
  });
});

describe('attain schema', () => {
  it('prints the JSON Schemas the repository publishes, unchanged', async () => {
    for (const name of ['dataset', 'program-definition', 'scored-program-definition', 'scoring-records']) {
      const { code, stdout } = await run(['schema', name]);
      expect(code).toBe(0);
      const published = execFileSync('cat', [`schemas/${name}.schema.json`], { encoding: 'utf8' });
      expect(stdout, `schemas/${name}.schema.json is stale: run npm run schemas`).toBe(published);
    }
  });
});

describe('the installed command', () => {
  // `npm test` builds first; this runs what a user runs after `npm install`.
  it('runs from bin/attain.js with the exit codes of the in-process CLI', () => {
    const ok = spawnSync(process.execPath, ['bin/attain.js', 'evaluate', EXAMPLE, '--as-of', '2017-07-07', '--format', 'json'], {
      encoding: 'utf8',
    });
    expect(ok.status).toBe(0);
    expect((JSON.parse(ok.stdout) as EvaluationReport).partners).toHaveLength(4);
    const bad = spawnSync(process.execPath, ['bin/attain.js', 'evaluate', EXAMPLE, '--as-of', 'yesterday'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--as-of: "yesterday" is not a calendar date');
  });

  it('serves the engine as a library under the package name', () => {
    const script = `
      import { evaluate, prepare, validateDataset, versionInEffect } from 'attain';
      import { loadProgram, readJsonFile } from 'attain/files';
      const program = loadProgram();
      const dataset = validateDataset(readJsonFile('${EXAMPLE}'), program);
      const version = versionInEffect(program, '2017-07-07');
      const report = evaluate(prepare(version, dataset.value), { asOf: '2017-07-07', partnerIds: ['P-FABRIKAM'] });
      console.log(report.partners[0].competencies[0].options[1].level);`;
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.stdout.trim()).toBe('silver');
  });
});
