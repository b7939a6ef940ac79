/**
 * Sums of money past the exact range (docs/rules.md, section 3): each line
 * converts to at most 2^53 − 1 cents, and a partner's lines (and, apart, its
 * credits) counted toward a requirement must add up to no more. Beyond, the
 * data cannot be judged on that date: a `data` failure naming the partner
 * and the requirement (exit 2, HTTP 409), never a crash.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluation, forecast, plan, timeline, timelineRange } from '../src/app/reports.js';
import { judgeable } from '../src/app/data.js';
import { MAX_EXACT_CENTS, centsToDecimalText, type IsoDate } from '../src/engine/index.js';
import { CLI_INPUTS } from '../src/cli/inputs.js';
import { runCli } from './support/cli.js';
import { exampleWithLines, programHistory } from './support/builders.js';
import { startServer } from './support/http.js';

const NAMES = CLI_INPUTS;
const asOf = '2017-07-07' as IsoDate;
const MAX = centsToDecimalText(MAX_EXACT_CENTS); // 90071992547409.91

const judged = (raw: unknown) => {
  const data = judgeable(raw, programHistory, 'data.json');
  if (!data.ok) throw new Error(JSON.stringify(data.problems));
  return data.value;
};

describe('sums of money past the exact range', () => {
  for (const [name, amounts] of [
    ['one line of the largest amount, beside the partner’s other lines', [MAX]],
    ['two lines of 50,000,000,000,000 dollars', ['50000000000000', '50000000000000']],
    ['credits beyond the range', [`-${MAX}`, '-1']],
  ] as const) {
    it(`${name}: every use case answers a data failure naming the partner and the requirement`, () => {
      const data = judged(exampleWithLines(amounts));
      const range = timelineRange('2017-07-07', '2017-09-07', 'month', NAMES);
      if (!range.ok) throw new Error('range');
      for (const outcome of [
        evaluation(data, undefined, { asOf }, NAMES),
        plan(data, 'P-CONTOSO', { asOf }, [], NAMES),
        forecast(data, 'P-CONTOSO', { asOf }, NAMES),
        timeline(data, 'P-CONTOSO', range.value, undefined, NAMES),
      ]) {
        expect(outcome.ok).toBe(false);
        if (outcome.ok) continue;
        expect(outcome.kind).toBe('data');
        expect(outcome.source).toBe('data.json');
        expect(outcome.problems).toHaveLength(1);
        expect(outcome.problems[0]).toMatchObject({
          record: 'partners[0] (id P-CONTOSO)',
          code: 'sumOutOfRange',
          values: { partner: 'P-CONTOSO', requirement: expect.stringMatching(/^enterprise-customer-engagement\/silver\//) },
        });
      }
    });
  }

  it('up to the bound, sums are exact and everything is evaluated', () => {
    // The partner's other lines in the window, then a line bringing the scope exactly to the bound.
    const before = evaluation(judged(exampleWithLines([])), ['P-CONTOSO'], { asOf }, NAMES);
    if (!before.ok) throw new Error('evaluation');
    const requirement = before.value.result.partners[0]!.competencies[0]!.options[0]!.levels[0]!.requirements[0]!;
    const have = Math.round(requirement.actual! * 100);
    const data = judged(exampleWithLines([centsToDecimalText(MAX_EXACT_CENTS - have)]));
    const after = evaluation(data, ['P-CONTOSO'], { asOf }, NAMES);
    expect(after.ok).toBe(true);
    if (!after.ok) return;
    expect(after.value.result.partners[0]!.competencies[0]!.options[0]!.levels[0]!.requirements[0]!.actual).toBe(MAX_EXACT_CENTS / 100);
    expect(plan(data, 'P-CONTOSO', { asOf }, [], NAMES).ok).toBe(true);
    // A forecast projects a month's more revenue on top: past the bound, it says so rather than round.
    const projected = forecast(data, 'P-CONTOSO', { asOf }, NAMES);
    expect(projected.ok ? 'ok' : projected.problems[0]!.code).toBe('sumOutOfRange');
  });

  it('the command line says which partner and requirement, exit 2, from a file and from the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attain-sums-'));
    const file = join(dir, 'data.json');
    writeFileSync(file, JSON.stringify(exampleWithLines(['50000000000000', '50000000000000'])));
    const fromFile = await runCli(['evaluate', file, '--as-of', '2017-07-07']);
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toContain('partners[0] (id P-CONTOSO): the revenue counted toward enterprise-customer-engagement/silver/');
    const store = join(dir, 'store');
    expect((await runCli(['import', file, '--data', store])).code).toBe(0);
    for (const args of [
      ['evaluate', '--as-of', '2017-07-07'],
      ['timeline', '--partner', 'P-CONTOSO', '--from', '2017-07-07', '--to', '2017-09-07'],
    ]) {
      const run = await runCli([...args, '--data', store]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/^attain: store: 1 problem; nothing was evaluated\npartners\[0\] \(id P-CONTOSO\): the revenue counted/);
      expect(run.stderr).not.toContain('    at ');
    }
  });

  it('the API answers a problem for the partner list, the counts and the partner, not 500', async () => {
    const server = await startServer();
    try {
      await server.store.import(
        [{ incoming: { revenue: exampleWithLines(['50000000000000', '50000000000000']).revenue!.slice(-2) }, source: 'big.json' }],
        programHistory,
      );
      const headers = { authorization: `Bearer ${server.tokens.admin}` };
      // The store's data cannot be judged on that date: 409, as for a store that does not validate.
      for (const path of ['/api/v1/partners?asOf=2017-07-07', '/api/v1/partner-counts?asOf=2017-07-07']) {
        const response = await fetch(`${server.url}${path}`, { headers });
        expect(response.status, path).toBe(409);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(JSON.stringify(await response.json())).toContain('sumOutOfRange');
      }
      // The partner's own reports: a 4xx problem naming it (the route answers a use case's `data` failure).
      for (const report of ['evaluation', 'plan', 'forecast']) {
        const response = await fetch(`${server.url}/api/v1/partners/P-CONTOSO/${report}?asOf=2017-07-07`, { headers });
        expect(response.status, report).toBeGreaterThanOrEqual(400);
        expect(response.status, report).toBeLessThan(500);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
      }
      // Another partner's own page is still judged.
      const other = await fetch(`${server.url}/api/v1/partners/P-NORTHWIND/evaluation?asOf=2017-07-07`, { headers });
      expect(other.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
