/** `attain generate` and the synthetic population behind it (and the benchmark). */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, prepareColumns, versionInEffect } from '../src/engine/index.js';
import { loadProgram } from '../src/files/program-files.js';
import { generateColumns, generateDataset, writeCsv } from '../src/generate/index.js';
import { runCli } from './support/cli.js';
import { day } from './support/builders.js';
import { emptyStoreFolder } from './support/pglite-template.js';

const program = loadProgram();
const AS_OF = ['2017-07-07', '2017-12-31'];

function evaluated(partners: number, seed: number, asOf: string, evidence = false) {
  const version = versionInEffect(program, day(asOf))!;
  return evaluate(prepareColumns(version, generateColumns(program, { partners, seed })), { asOf: day(asOf), evidence });
}

describe('the synthetic population', () => {
  it('is the same for the same seed, and another for another seed', async () => {
    expect(generateDataset(program, { partners: 50, seed: 7 })).toEqual(generateDataset(program, { partners: 50, seed: 7 }));
    expect(generateDataset(program, { partners: 50, seed: 7 })).not.toEqual(generateDataset(program, { partners: 50, seed: 8 }));
    const [a, b] = [mkdtempSync(join(tmpdir(), 'attain-gen-')), mkdtempSync(join(tmpdir(), 'attain-gen-'))];
    await writeCsv(program, { partners: 200, seed: 7 }, a);
    await writeCsv(program, { partners: 200, seed: 7 }, b);
    const files = readdirSync(a).sort();
    expect(files).toEqual([
      'associations.csv',
      'customers.csv',
      'exam-passes.csv',
      'fx-rates.csv',
      'partners.csv',
      'people.csv',
      'revenue.csv',
    ]);
    for (const file of files) expect(readFileSync(join(b, file), 'utf8'), file).toBe(readFileSync(join(a, file), 'utf8'));
  });

  it('has long-tailed partners, hand-overs, foreign currencies, both markets and every exam', () => {
    const raw = generateDataset(program, { partners: 2000, seed: 1 });
    const lines = raw.revenue.length / raw.partners.length;
    expect(lines).toBeGreaterThan(40);
    expect(lines).toBeLessThan(60);
    const perCustomer = new Map<unknown, Set<unknown>>();
    for (const a of raw.associations) perCustomer.set(a.customerId, (perCustomer.get(a.customerId) ?? new Set()).add(a.partnerId));
    const handedOver = [...perCustomer.values()].filter((partners) => partners.size > 1).length;
    expect(handedOver / perCustomer.size).toBeGreaterThan(0.05);
    expect(new Set(raw.revenue.map((l) => l.currency))).toEqual(new Set(['USD', 'EUR', 'GBP']));
    expect(new Set(raw.partners.map((p) => program.countries.get(p.country as string)))).toEqual(new Set(['developed', 'developing']));
    const exams = new Set(program.versions.flatMap((v) => [...v.exams.keys()]));
    expect(new Set(raw.examPasses.map((p) => p.exam))).toEqual(exams);
  });

  for (const asOf of AS_OF) {
    it(`gives every level of every option, and none, as of ${asOf} (2,000 partners)`, () => {
      const report = evaluated(2000, 1, asOf);
      const version = versionInEffect(program, day(asOf))!;
      for (const competency of version.competencies) {
        for (const option of competency.options) {
          const levels = new Set(report.partners.map((p) => p.competencies[0]!.options.find((o) => o.option === option.id)!.level));
          expect([...levels].sort(), option.id).toEqual([...option.levels.map((l) => l.id), null].sort());
        }
      }
    });
  }
});

describe('attain generate', () => {
  it('writes CSV files that import cleanly into a store and evaluate as the data in memory', async () => {
    const out = mkdtempSync(join(tmpdir(), 'attain-generate-'));
    const data = emptyStoreFolder('attain-generate-store-');
    const generated = await runCli(['generate', '--partners', '300', '--seed', '5', '--out', out]);
    expect(generated.stderr).toBe('');
    expect(generated.code).toBe(0);
    expect(generated.stdout).toMatch(/^300 partners generated \(seed 5\): [\d,]+ revenue lines/);
    const imported = await runCli(['import', out, '--data', data, '--format', 'json']);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout).every((r: { rejected: number }) => r.rejected === 0)).toBe(true);
    for (const asOf of AS_OF) {
      const fromStore = await runCli(['evaluate', '--data', data, '--as-of', asOf, '--format', 'json']);
      expect(fromStore.code).toBe(0);
      expect(JSON.parse(fromStore.stdout)).toEqual(JSON.parse(JSON.stringify(evaluated(300, 5, asOf, true))));
    }
  }, 120_000);
});
